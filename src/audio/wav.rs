//! `WavSink`: the 16-bit mono WAV file of one take, valid on disk at all times
//! give or take one second.
//!
//! The header's sizes are rewritten (`WavWriter::flush`) at least every
//! half second of wall time, and the data is fsynced every few seconds, so a
//! crash or power loss leaves a readable file missing at most its last moments.

use hound::{SampleFormat, WavSpec, WavWriter};
use std::fs::File;
use std::io::{self, BufWriter};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const HEADER_EVERY: Duration = Duration::from_millis(500);
const SYNC_EVERY: Duration = Duration::from_secs(5);

pub struct WavSink {
    path: PathBuf,
    writer: WavWriter<BufWriter<File>>,
    file: File,
    frames: u64,
    last_header: Instant,
    last_sync: Instant,
}

impl WavSink {
    /// Create the file (mode 0600, never over an existing one).
    pub fn create(path: &Path, sample_rate: u32) -> io::Result<WavSink> {
        let file = crate::session::private_new_file(path)?;
        let sync_handle = file.try_clone()?;
        let spec = WavSpec {
            channels: 1,
            sample_rate,
            bits_per_sample: 16,
            sample_format: SampleFormat::Int,
        };
        let writer =
            WavWriter::new(BufWriter::with_capacity(64 * 1024, file), spec).map_err(hound_to_io)?;
        let now = Instant::now();
        let mut sink = WavSink {
            path: path.to_path_buf(),
            writer,
            file: sync_handle,
            frames: 0,
            last_header: now,
            last_sync: now,
        };
        // A valid, empty WAV from the first moment.
        sink.writer.flush().map_err(hound_to_io)?;
        Ok(sink)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn frames(&self) -> u64 {
        self.frames
    }

    pub fn write(&mut self, samples: &[i16]) -> io::Result<()> {
        let mut w = self.writer.get_i16_writer(samples.len() as u32);
        for &s in samples {
            w.write_sample(s);
        }
        w.flush().map_err(hound_to_io)?;
        self.frames += samples.len() as u64;
        let now = Instant::now();
        if now.duration_since(self.last_header) >= HEADER_EVERY {
            self.refresh_header()?;
            if now.duration_since(self.last_sync) >= SYNC_EVERY {
                self.file.sync_data()?;
                self.last_sync = now;
            }
        }
        Ok(())
    }

    /// Rewrite the header's sizes now (it is also done every half second).
    pub fn refresh_header(&mut self) -> io::Result<()> {
        self.writer.flush().map_err(hound_to_io)?;
        self.last_header = Instant::now();
        Ok(())
    }

    /// Rewrite the header, fsync, close. Returns the frame count.
    pub fn finalize(self) -> io::Result<u64> {
        let frames = self.frames;
        self.writer.finalize().map_err(hound_to_io)?;
        self.file.sync_all()?;
        if let Some(dir) = self.path.parent() {
            crate::session::sync_dir(dir);
        }
        Ok(frames)
    }
}

fn hound_to_io(e: hound::Error) -> io::Error {
    match e {
        hound::Error::IoError(e) => e,
        other => io::Error::other(other.to_string()),
    }
}
