//! `WavSink`: the 16-bit mono WAV file of one take, valid on disk at all times
//! give or take one second.
//!
//! The header's sizes are rewritten (`WavWriter::flush`) at least every
//! half second of wall time, and the data is fsynced every few seconds, so a
//! crash or power loss leaves a readable file missing at most its last moments.
//!
//! When a write fails (disk full, file too large), hound's own idea of the
//! sizes may claim bytes that never reached the disk, so the header is then
//! recomputed from the file's real length (`repair_header`), the same way
//! `mockview repair` fixes a file left by a crash (issue 5).

use hound::{SampleFormat, WavSpec, WavWriter};
use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const HEADER_EVERY: Duration = Duration::from_millis(500);
const SYNC_EVERY: Duration = Duration::from_secs(5);

pub struct WavSink {
    path: PathBuf,
    writer: WavWriter<BufWriter<File>>,
    file: File,
    frames: u64,
    /// Set once a write failed: the file is then finished by `repair_header`.
    broken: bool,
    last_header: Instant,
    last_sync: Instant,
}

impl WavSink {
    /// Create the file (mode 0600, never over an existing one).
    pub fn create(path: &Path, sample_rate: u32) -> io::Result<WavSink> {
        let file = crate::durable::private_new_file(path)?;
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
            broken: false,
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
        let result = self.write_inner(samples);
        if result.is_err() {
            self.broken = true;
        }
        result
    }

    fn write_inner(&mut self, samples: &[i16]) -> io::Result<()> {
        if self.broken {
            return Err(io::Error::other("an earlier write failed"));
        }
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

    /// Rewrite the header, fsync, close. Returns the frame count. After a
    /// failed write the header is rebuilt from what really is on disk, and
    /// the frames returned are those the file holds.
    pub fn finalize(self) -> io::Result<u64> {
        let WavSink {
            path,
            writer,
            file,
            frames,
            broken,
            ..
        } = self;
        let finished = if broken {
            drop(writer);
            Err(io::Error::other("an earlier write failed"))
        } else {
            writer.finalize().map_err(hound_to_io)
        };
        let frames = match finished {
            Ok(()) => frames,
            // What reached the disk, with sizes that agree with it.
            Err(e) => match repair_header(&path, false, None) {
                Ok(fix) => fix.frames,
                Err(_) => return Err(e),
            },
        };
        let _ = file.sync_all();
        if let Some(dir) = path.parent() {
            crate::durable::sync_dir(dir);
        }
        Ok(frames)
    }
}

/// What `repair_header` found (and, unless a dry run, fixed) in a WAV file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HeaderRepair {
    pub sample_rate: u32,
    pub channels: u16,
    /// Whole frames in the data chunk, by the file's length.
    pub frames: u64,
    /// The RIFF/data sizes in the header disagreed with the file's length.
    pub sizes_fixed: bool,
    /// The file was shorter than a header (a crash right after it was
    /// created): a complete header for an empty file was written.
    pub header_written: bool,
}

/// The canonical 44-byte header of a 16-bit mono PCM WAV, as hound writes it.
fn pcm16_mono_header(sample_rate: u32, data_len: u32) -> [u8; 44] {
    let mut h = [0u8; 44];
    h[0..4].copy_from_slice(b"RIFF");
    h[4..8].copy_from_slice(&36u32.saturating_add(data_len).to_le_bytes());
    h[8..12].copy_from_slice(b"WAVE");
    h[12..16].copy_from_slice(b"fmt ");
    h[16..20].copy_from_slice(&16u32.to_le_bytes());
    h[20..22].copy_from_slice(&1u16.to_le_bytes());
    h[22..24].copy_from_slice(&1u16.to_le_bytes());
    h[24..28].copy_from_slice(&sample_rate.to_le_bytes());
    // The rate comes from a log that may have been imported: never overflow.
    h[28..32].copy_from_slice(&sample_rate.saturating_mul(2).to_le_bytes());
    h[32..34].copy_from_slice(&2u16.to_le_bytes());
    h[34..36].copy_from_slice(&16u16.to_le_bytes());
    h[36..40].copy_from_slice(b"data");
    h[40..44].copy_from_slice(&data_len.to_le_bytes());
    h
}

fn invalid(msg: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.to_string())
}

/// Make a PCM WAV's RIFF and data sizes agree with the file's length: the
/// data chunk runs to the end of the file, less a partial trailing frame.
/// Never removes or shortens audio: only the size fields change. A file
/// shorter than a header gets a complete header of an empty file when
/// `empty_rate` says at which rate (it holds no audio to lose). With
/// `dry_run`, only reports. The file's mode is left as it is.
pub fn repair_header(
    path: &Path,
    dry_run: bool,
    empty_rate: Option<u32>,
) -> io::Result<HeaderRepair> {
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(!dry_run)
        .open(path)?;
    let len = file.metadata()?.len();
    let mut head = Vec::with_capacity(4096);
    (&mut file).take(4096).read_to_end(&mut head)?;

    // A crash inside the header itself leaves fewer bytes than a header:
    // nothing in the file is audio, so a complete empty header loses nothing.
    let write_empty = |file: &mut std::fs::File| -> io::Result<HeaderRepair> {
        let rate = empty_rate.ok_or_else(|| invalid("shorter than a WAV header"))?;
        if !dry_run {
            file.seek(SeekFrom::Start(0))?;
            file.write_all(&pcm16_mono_header(rate, 0))?;
            file.sync_all()?;
        }
        Ok(HeaderRepair {
            sample_rate: rate,
            channels: 1,
            frames: 0,
            sizes_fixed: false,
            header_written: true,
        })
    };
    let looks_riff = head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WAVE";
    if !looks_riff {
        return if len < 44 {
            write_empty(&mut file)
        } else {
            Err(invalid("not a RIFF/WAVE file"))
        };
    }
    let u16_at = |b: &[u8], i: usize| u16::from_le_bytes([b[i], b[i + 1]]);
    let u32_at = |b: &[u8], i: usize| u32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]]);
    let mut pos = 12usize;
    let mut fmt: Option<(u16, u32, u16)> = None;
    let data_offset = loop {
        if pos + 8 > head.len() {
            return if len < 44 {
                write_empty(&mut file)
            } else {
                Err(invalid("no data chunk in the header"))
            };
        }
        let id = &head[pos..pos + 4];
        let size = u32_at(&head, pos + 4) as usize;
        if id == b"data" {
            break pos + 8;
        }
        if id == b"fmt " {
            if pos + 8 + 16 > head.len() || size < 16 {
                return Err(invalid("truncated fmt chunk"));
            }
            let f = pos + 8;
            fmt = Some((
                u16_at(&head, f + 2),
                u32_at(&head, f + 4),
                u16_at(&head, f + 12),
            ));
        }
        pos += 8 + size + (size & 1);
    };
    let (channels, sample_rate, block_align) = fmt.ok_or_else(|| invalid("no fmt chunk"))?;
    if block_align == 0 || channels == 0 {
        return Err(invalid("fmt chunk with zero channels or block size"));
    }
    let block = u64::from(block_align);
    let available = len.saturating_sub(data_offset as u64);
    // A WAV cannot say more than u32::MAX bytes; never claim more than that.
    let max_data = (u64::from(u32::MAX) - data_offset as u64) / block * block;
    let data_len = (available / block * block).min(max_data);
    let riff_len = data_offset as u64 - 8 + data_len;
    let stored_riff = u64::from(u32_at(&head, 4));
    let stored_data = u64::from(u32_at(&head, data_offset - 4));
    let sizes_fixed = stored_riff != riff_len || stored_data != data_len;
    if sizes_fixed && !dry_run {
        file.seek(SeekFrom::Start(4))?;
        file.write_all(&(riff_len as u32).to_le_bytes())?;
        file.seek(SeekFrom::Start(data_offset as u64 - 4))?;
        file.write_all(&(data_len as u32).to_le_bytes())?;
        file.sync_all()?;
    }
    Ok(HeaderRepair {
        sample_rate,
        channels,
        frames: data_len / block,
        sizes_fixed,
        header_written: false,
    })
}

fn hound_to_io(e: hound::Error) -> io::Error {
    match e {
        hound::Error::IoError(e) => e,
        other => io::Error::other(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sink_with(frames: usize) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.wav");
        let mut sink = WavSink::create(&path, 48_000).unwrap();
        sink.write(&vec![7i16; frames]).unwrap();
        sink.finalize().unwrap();
        (dir, path)
    }

    #[test]
    fn a_stale_header_and_a_partial_sample_are_fixed_without_shortening() {
        let (_d, path) = sink_with(1000);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[4..8].copy_from_slice(&36u32.to_le_bytes());
        bytes[40..44].copy_from_slice(&0u32.to_le_bytes());
        bytes.push(9); // half a sample
        std::fs::write(&path, &bytes).unwrap();
        let dry = repair_header(&path, true, None).unwrap();
        assert!(dry.sizes_fixed);
        assert_eq!(
            std::fs::read(&path).unwrap(),
            bytes,
            "a dry run writes nothing"
        );
        let fix = repair_header(&path, false, None).unwrap();
        assert_eq!((fix.frames, fix.sizes_fixed), (1000, true));
        assert_eq!(std::fs::metadata(&path).unwrap().len(), 44 + 2000 + 1);
        let r = hound::WavReader::open(&path).unwrap();
        assert_eq!(r.len(), 1000);
        assert!(!repair_header(&path, false, None).unwrap().sizes_fixed);
    }

    #[test]
    fn a_header_only_file_is_valid_and_empty_and_a_short_one_gets_a_header() {
        let (_d, path) = sink_with(0);
        let fix = repair_header(&path, false, None).unwrap();
        assert_eq!((fix.frames, fix.sizes_fixed), (0, false));
        std::fs::write(&path, b"RIFF").unwrap();
        assert!(repair_header(&path, false, None).is_err());
        let fix = repair_header(&path, false, Some(44_100)).unwrap();
        assert!(fix.header_written);
        let r = hound::WavReader::open(&path).unwrap();
        assert_eq!((r.len(), r.spec().sample_rate), (0, 44_100));
        std::fs::write(&path, vec![0u8; 100]).unwrap();
        assert!(
            repair_header(&path, false, Some(48_000)).is_err(),
            "never overwrites 100 bytes"
        );
    }
}
