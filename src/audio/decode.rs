//! Any common audio file as mono samples, read a block at a time: WAV
//! through the one WAV reader ([`WavFile`], so mockview's own recordings read
//! exactly as they always have, a file cut short by a crash included), and
//! FLAC, MP3, Ogg Vorbis, Ogg Opus and M4A/AAC through symphonia, with
//! libopus for Opus (symphonia has no Opus decoder of its own).
//!
//! Decoding streams: one packet's samples are held at a time, so an
//! hour-long file costs the analysis no more memory than a minute. Mono is
//! the mean of the channels, as in [`WavFile`].
//!
//! A leaf shared by the analysis, transcription and `import`: it knows audio
//! files, not sessions. Every error is one line naming the file.

use crate::wav_file::{WavError, WavFile};
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use symphonia::core::codecs::audio::{AudioDecoder, AudioDecoderOptions};
use symphonia::core::codecs::registry::CodecRegistry;
use symphonia::core::codecs::CodecParameters;
use symphonia::core::errors::Error as SymphoniaError;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, FormatReader, TrackType};
use symphonia::core::io::{MediaSourceStream, MediaSourceStreamOptions};
use symphonia::core::meta::MetadataOptions;

/// What mockview reads, for the messages that refuse a file.
pub const SUPPORTED: &str = "WAV, FLAC, MP3, Ogg Vorbis, Ogg Opus, M4A (AAC, ALAC)";

/// File name endings of the formats read, so that a command taking
/// `SESSION|FILE` can tell a file it was meant to read from a session id
/// even before the file is known to exist.
const EXTENSIONS: [&str; 9] = [
    "wav", "flac", "mp3", "ogg", "oga", "opus", "m4a", "mp4", "aac",
];

/// Whether a `SESSION|FILE` argument (`analyze`, `transcribe`) names a
/// file: one that is there, a name ending like an audio file (`memo.m4a`,
/// even missing: "not found" says more than "no session"), or any path
/// (`memos/answer`, `/dev/null`): a session id never holds a separator.
pub fn names_a_file(target: &str) -> bool {
    Path::new(target).is_file() || has_audio_extension(target) || target.contains(['/', '\\'])
}

/// Whether `name` ends like an audio file (`answer.m4a`, `memo.MP3`).
pub fn has_audio_extension(name: &str) -> bool {
    Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| e.eq_ignore_ascii_case(x)))
}

/// Why an audio file could not be read. Messages are one line and name the
/// file.
#[derive(Debug, thiserror::Error)]
pub enum DecodeError {
    #[error("recording not found: {}", path.display())]
    NotFound { path: PathBuf },
    #[error("cannot read {}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Nothing in the file looks like an audio format mockview reads.
    #[error("{} is not an audio file mockview can read ({SUPPORTED})", path.display())]
    NotAudio { path: PathBuf },
    /// A container mockview reads, holding audio in a codec it cannot decode.
    #[error("{}: {container} audio in a codec mockview cannot decode ({codec}); it reads {SUPPORTED}", path.display())]
    UnsupportedCodec {
        path: PathBuf,
        container: String,
        codec: String,
    },
    #[error("{}: {container} file without an audio track", path.display())]
    NoAudio { path: PathBuf, container: String },
    /// The audio data is damaged beyond what can be skipped.
    #[error("{}: damaged {container} audio: {detail}", path.display())]
    Damaged {
        path: PathBuf,
        container: String,
        detail: String,
    },
    #[error("cannot write {}: {source}", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Wav(#[from] WavError),
}

/// What kind of audio a file holds, for the log of an imported answer and
/// for messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudioFormat {
    /// The container: `WAV`, `FLAC`, `MP3`, `Ogg`, `MP4/M4A`...
    pub container: String,
    /// The codec: `PCM`, `FLAC`, `MP3`, `Vorbis`, `Opus`, `AAC`...
    pub codec: String,
    /// Channels of the file (the samples read are always mono).
    pub channels: u16,
    pub sample_rate: u32,
}

/// An open audio file, read as mono frames at its own rate.
pub struct AudioFile {
    path: PathBuf,
    format: AudioFormat,
    body: Body,
}

enum Body {
    Wav(WavFile),
    Decoded(Box<Decoded>),
}

/// A symphonia demuxer and decoder, and the mono frames of the last packet
/// not handed out yet.
struct Decoded {
    reader: Box<dyn FormatReader>,
    decoder: Box<dyn AudioDecoder>,
    track: u32,
    interleaved: Vec<f32>,
    mono: Vec<f32>,
    taken: usize,
    ended: bool,
}

/// The codecs symphonia decodes here, and Opus through libopus.
fn codecs() -> &'static CodecRegistry {
    static REGISTRY: std::sync::OnceLock<CodecRegistry> = std::sync::OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut registry = CodecRegistry::new();
        symphonia::default::register_enabled_codecs(&mut registry);
        registry.register_audio_decoder::<symphonia_adapter_libopus::OpusDecoder>();
        registry
    })
}

/// Whether `head` (the first bytes of a file) is a RIFF/RF64 WAVE file.
fn is_wav(head: &[u8]) -> bool {
    head.len() >= 12 && matches!(&head[..4], b"RIFF" | b"RF64") && &head[8..12] == b"WAVE"
}

/// The container a file's first bytes name without doubt (as
/// [`container_name`] spells it), for the message that refuses a damaged
/// one. MP3 only with an ID3 tag: a bare frame sync is too weak a sign.
fn signature_container(head: &[u8]) -> Option<&'static str> {
    if head.len() >= 8 && &head[4..8] == b"ftyp" {
        Some("MP4/M4A")
    } else if head.starts_with(b"OggS") {
        Some("Ogg")
    } else if head.starts_with(b"fLaC") {
        Some("FLAC")
    } else if head.starts_with(b"ID3") {
        Some("MP3")
    } else {
        None
    }
}

/// A friendlier name for symphonia's container names.
fn container_name(short: &str) -> String {
    match short {
        "isomp4" => "MP4/M4A".into(),
        "ogg" => "Ogg".into(),
        "flac" => "FLAC".into(),
        "wave" | "wav" => "WAV".into(),
        "mp3" | "mpa" => "MP3".into(),
        "adts" | "aac" => "AAC".into(),
        "mkv" => "Matroska".into(),
        other => other.to_uppercase(),
    }
}

impl AudioFile {
    /// Open `path` and get ready to decode its first audio track. A file
    /// whose contents are no audio format mockview reads, or whose codec it
    /// cannot decode, is refused here, before anything is read further.
    pub fn open(path: &Path) -> Result<AudioFile, DecodeError> {
        let io = |source: std::io::Error| {
            if source.kind() == std::io::ErrorKind::NotFound {
                DecodeError::NotFound {
                    path: path.to_path_buf(),
                }
            } else {
                DecodeError::Io {
                    path: path.to_path_buf(),
                    source,
                }
            }
        };
        let mut head = [0u8; 12];
        let mut file = File::open(path).map_err(io)?;
        let n = read_head(&mut file, &mut head).map_err(io)?;
        if is_wav(&head[..n]) {
            let wav = WavFile::open(path)?;
            let format = AudioFormat {
                container: "WAV".into(),
                codec: "PCM".into(),
                channels: wav.channels() as u16,
                sample_rate: wav.rate(),
            };
            return Ok(AudioFile {
                path: path.to_path_buf(),
                format,
                body: Body::Wav(wav),
            });
        }
        let file = File::open(path).map_err(io)?;
        let mss = MediaSourceStream::new(Box::new(file), MediaSourceStreamOptions::default());
        let mut hint = Hint::new();
        if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
            hint.with_extension(ext);
        }
        let reader = match symphonia::default::get_probe().probe(
            &hint,
            mss,
            FormatOptions::default(),
            MetadataOptions::default(),
        ) {
            Ok(r) => r,
            Err(SymphoniaError::IoError(e)) if e.kind() != std::io::ErrorKind::UnexpectedEof => {
                return Err(io(e))
            }
            // A file that begins like a container mockview reads and that
            // the probe still refuses was cut short (a memo copied in part,
            // an MP4 without its `moov` box) or damaged: say so, rather
            // than that it is no audio at all.
            Err(_) => {
                return Err(match signature_container(&head[..n]) {
                    Some(container) => DecodeError::Damaged {
                        path: path.to_path_buf(),
                        container: container.into(),
                        detail:
                            "it ends or breaks before any audio can be read (a copy cut short?)"
                                .into(),
                    },
                    None => DecodeError::NotAudio {
                        path: path.to_path_buf(),
                    },
                })
            }
        };
        let container = container_name(reader.format_info().short_name);
        let Some(track) = reader.default_track(TrackType::Audio) else {
            return Err(DecodeError::NoAudio {
                path: path.to_path_buf(),
                container,
            });
        };
        let Some(CodecParameters::Audio(params)) = &track.codec_params else {
            return Err(DecodeError::NoAudio {
                path: path.to_path_buf(),
                container,
            });
        };
        let track_id = track.id;
        let unsupported = |codec: String| DecodeError::UnsupportedCodec {
            path: path.to_path_buf(),
            container: container.clone(),
            codec,
        };
        let Some(registered) = codecs().get_audio_decoder(params.codec) else {
            return Err(unsupported(unsupported_codec_name(params.codec)));
        };
        let codec = registered.codec.info.short_name.to_uppercase();
        let decoder = codecs()
            .make_audio_decoder(params, &AudioDecoderOptions::default())
            .map_err(|e| unsupported(format!("{codec}: {e}")))?;
        let channels = params.channels.as_ref().map_or(0, |c| c.count()) as u16;
        let sample_rate = params.sample_rate.unwrap_or(0);
        let mut file = AudioFile {
            path: path.to_path_buf(),
            format: AudioFormat {
                container,
                codec: codec_name(&codec),
                channels,
                sample_rate,
            },
            body: Body::Decoded(Box::new(Decoded {
                reader,
                decoder,
                track: track_id,
                interleaved: Vec::new(),
                mono: Vec::new(),
                taken: 0,
                ended: false,
            })),
        };
        // Some containers (ADTS, MP3) only know the rate and channels once
        // a packet is decoded: decode the first one now.
        if sample_rate == 0 || channels == 0 {
            file.fill()?;
        }
        if file.format.sample_rate == 0 {
            return Err(DecodeError::Damaged {
                path: file.path.clone(),
                container: file.format.container.clone(),
                detail: "no sample rate".into(),
            });
        }
        Ok(file)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The file's sample rate: the samples are read at it, never resampled.
    pub fn rate(&self) -> u32 {
        self.format.sample_rate
    }

    pub fn format(&self) -> &AudioFormat {
        &self.format
    }

    /// Read up to `out.len()` mono frames scaled to -1..1; returns how many
    /// (0 at the end).
    pub fn read_mono(&mut self, out: &mut [f32]) -> Result<usize, DecodeError> {
        if let Body::Wav(wav) = &mut self.body {
            return Ok(wav.read_mono(out)?);
        }
        self.read_decoded(out, |x| x)
    }

    /// Read up to `out.len()` mono frames as 16-bit samples (full scale
    /// 32768, rounded, clipped); returns how many (0 at the end).
    pub fn read_mono_i16(&mut self, out: &mut [i16]) -> Result<usize, DecodeError> {
        if let Body::Wav(wav) = &mut self.body {
            return Ok(wav.read_mono_i16(out)?);
        }
        self.read_decoded(out, to_i16)
    }

    /// Hand out decoded mono frames, converted by `convert`, decoding
    /// packets as needed.
    fn read_decoded<T>(
        &mut self,
        out: &mut [T],
        convert: impl Fn(f32) -> T,
    ) -> Result<usize, DecodeError> {
        let mut n = 0;
        while n < out.len() {
            let Body::Decoded(d) = &mut self.body else {
                return Ok(n);
            };
            if d.taken == d.mono.len() {
                if d.ended {
                    break;
                }
                self.fill()?;
                continue;
            }
            let k = (out.len() - n).min(d.mono.len() - d.taken);
            for (o, &x) in out[n..n + k].iter_mut().zip(&d.mono[d.taken..d.taken + k]) {
                *o = convert(x);
            }
            d.taken += k;
            n += k;
        }
        Ok(n)
    }

    /// Decode the next packet of the track into `mono` (empty with `ended`
    /// set at the end). A packet the codec calls malformed is skipped, as
    /// players do: one damaged frame of a phone recording is a click, not
    /// a reason to refuse the file.
    fn fill(&mut self) -> Result<(), DecodeError> {
        let Body::Decoded(d) = &mut self.body else {
            return Ok(());
        };
        let damaged = |detail: String| DecodeError::Damaged {
            path: self.path.clone(),
            container: self.format.container.clone(),
            detail,
        };
        d.mono.clear();
        d.taken = 0;
        loop {
            let packet = match d.reader.next_packet() {
                Ok(Some(p)) => p,
                Ok(None) => {
                    d.ended = true;
                    return Ok(());
                }
                // A file cut short ends where it was cut.
                Err(SymphoniaError::IoError(e))
                    if e.kind() == std::io::ErrorKind::UnexpectedEof =>
                {
                    d.ended = true;
                    return Ok(());
                }
                Err(SymphoniaError::IoError(e)) => {
                    return Err(DecodeError::Io {
                        path: self.path.clone(),
                        source: e,
                    })
                }
                Err(e) => return Err(damaged(e.to_string())),
            };
            if packet.track_id != d.track {
                continue;
            }
            let buf = match d.decoder.decode(&packet) {
                Ok(buf) => buf,
                Err(SymphoniaError::DecodeError(_)) => continue,
                Err(e) => return Err(damaged(e.to_string())),
            };
            let rate = buf.spec().rate();
            let channels = buf.spec().channels().count().max(1);
            if self.format.sample_rate == 0 {
                self.format.sample_rate = rate;
            } else if rate != self.format.sample_rate && buf.frames() > 0 {
                return Err(damaged(format!(
                    "the sample rate changes from {} Hz to {rate} Hz",
                    self.format.sample_rate
                )));
            }
            if self.format.channels == 0 {
                self.format.channels = channels as u16;
            }
            if buf.frames() == 0 {
                continue;
            }
            buf.copy_to_vec_interleaved(&mut d.interleaved);
            if channels == 1 {
                d.mono.extend_from_slice(&d.interleaved);
            } else {
                let k = 1.0 / channels as f32;
                d.mono.extend(
                    d.interleaved
                        .chunks_exact(channels)
                        .map(|f| f.iter().sum::<f32>() * k),
                );
            }
            return Ok(());
        }
    }

    /// Write the rest of the file to `dst`, a new WAV file (mode 0600, valid
    /// on disk at all times, like a take), mono 16-bit at the file's own
    /// rate, as capture records; every block written is also handed to
    /// `each` (the analysis, in the same pass). Returns the frames written.
    pub fn write_wav(
        &mut self,
        dst: &Path,
        mut each: impl FnMut(&[i16]),
    ) -> Result<u64, DecodeError> {
        let write = |source| DecodeError::Write {
            path: dst.to_path_buf(),
            source,
        };
        let mut sink = super::WavSink::create(dst, self.rate()).map_err(write)?;
        let mut block = vec![0i16; 64 * 1024];
        loop {
            let n = self.read_mono_i16(&mut block)?;
            if n == 0 {
                break;
            }
            sink.write(&block[..n]).map_err(write)?;
            each(&block[..n]);
        }
        sink.finalize().map_err(write)
    }

    /// Every sample of the file in memory, as 16-bit mono, with its rate
    /// (short clips, tests).
    pub fn read_all_i16(path: &Path) -> Result<(Vec<i16>, u32), DecodeError> {
        let mut file = AudioFile::open(path)?;
        let all = crate::wav_file::read_to_end(0, |block| file.read_mono_i16(block))?;
        Ok((all, file.rate()))
    }
}

/// Symphonia's short codec names as people know them.
fn codec_name(short: &str) -> String {
    match short {
        "VORBIS" => "Vorbis".into(),
        "OPUS" => "Opus".into(),
        other => other.into(),
    }
}

/// A codec nothing here decodes, by the name people know it (the ones a
/// phone or a recorder may write), else its symphonia id.
fn unsupported_codec_name(id: symphonia::core::codecs::audio::AudioCodecId) -> String {
    use symphonia::core::codecs::audio::well_known as k;
    let known = [
        (k::CODEC_ID_ALAC, "ALAC"),
        (k::CODEC_ID_AC3, "AC-3"),
        (k::CODEC_ID_EAC3, "E-AC-3"),
        (k::CODEC_ID_SPEEX, "Speex"),
        (k::CODEC_ID_WMA, "WMA"),
        (k::CODEC_ID_WAVPACK, "WavPack"),
        (k::CODEC_ID_ADPCM_IMA_QT, "IMA ADPCM"),
        (k::CODEC_ID_ADPCM_MS, "MS ADPCM"),
        (k::CODEC_ID_MP1, "MP1"),
        (k::CODEC_ID_MP2, "MP2"),
    ];
    known
        .iter()
        .find(|(k, _)| *k == id)
        .map_or_else(|| format!("codec id {id}"), |(_, name)| (*name).to_string())
}

/// A sample in -1..1 as 16-bit: rounded, clipped at full scale.
fn to_i16(x: f32) -> i16 {
    (x * 32768.0).round().clamp(-32768.0, 32767.0) as i16
}

/// Up to `head.len()` bytes from the start of the file (fewer if it is
/// shorter).
fn read_head(file: &mut File, head: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < head.len() {
        match file.read(&mut head[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wav_is_told_by_its_header_not_its_name() {
        assert!(is_wav(b"RIFF\x24\0\0\0WAVEfmt "));
        assert!(is_wav(b"RF64\xff\xff\xff\xffWAVE"));
        assert!(!is_wav(b"RIFF\x24\0\0\0AVI "));
        assert!(!is_wav(b"ID3\x04"));
    }

    #[test]
    fn audio_file_names_are_told_from_session_ids() {
        for name in ["a.wav", "memo.M4A", "x/y.opus", "n.flac", "n.mp3", "n.ogg"] {
            assert!(has_audio_extension(name), "{name}");
        }
        for name in [
            "latest",
            "20261126",
            "20261126-101503",
            "notes.txt",
            "s.zip",
        ] {
            assert!(!has_audio_extension(name), "{name}");
            assert!(!names_a_file(name), "{name}");
        }
        assert!(names_a_file("memos/answer-monday") && names_a_file("/dev/null"));
    }

    #[test]
    fn samples_round_and_clip_to_16_bits() {
        assert_eq!(to_i16(0.0), 0);
        assert_eq!(to_i16(1.0), 32767);
        assert_eq!(to_i16(-1.0), -32768);
        assert_eq!(to_i16(-1.5), -32768);
        assert_eq!(to_i16(0.5), 16384);
    }

    #[test]
    fn a_container_cut_short_is_named_damaged_not_unknown() {
        // What a phone memo copied in part looks like: an MP4 that starts
        // well (its `ftyp` box) and ends before its `moov` box.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("memo.m4a");
        let mut bytes = b"\0\0\0\x20ftypM4A \0\0\0\0M4A mp42isom\0\0\0\0".to_vec();
        bytes.extend(b"\0\x01\0\0mdat".iter().chain([0x21u8; 4096].iter()));
        std::fs::write(&path, bytes).unwrap();
        let err = AudioFile::open(&path).err().expect("refused");
        assert!(matches!(err, DecodeError::Damaged { .. }), "{err}");
        assert!(
            err.to_string()
                .contains("memo.m4a: damaged MP4/M4A audio: "),
            "{err}"
        );
        // And an Ogg stream cut after its first page's capture pattern.
        let path = dir.path().join("memo.ogg");
        std::fs::write(&path, b"OggS\0\x02\0\0\0\0").unwrap();
        let err = AudioFile::open(&path).err().expect("refused");
        assert!(matches!(err, DecodeError::Damaged { .. }), "{err}");
    }

    #[test]
    fn text_is_not_audio() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("answer.mp3");
        std::fs::write(
            &path,
            "this is a note about my answer, not a recording\n".repeat(50),
        )
        .unwrap();
        let err = AudioFile::open(&path).err().expect("text is refused");
        assert!(matches!(err, DecodeError::NotAudio { .. }), "{err}");
        assert!(err.to_string().contains("answer.mp3 is not an audio file"));
    }
}
