//! A recording compressed for the shared page (`mockview share`): Opus in
//! Ogg (RFC 7845), mono, 16 kHz input, ~24 kbit/s.
//!
//! Why Opus in Ogg: the page carries its audio as base64 (4/3 of the bytes),
//! and a 5 × 2-minute session must fit in 3 MB, which leaves ≤ 30 kbit/s of
//! audio. At that rate Opus is made for speech (SILK, wideband) and sounds
//! clean, where MP3 at 24-32 kbit/s is audibly poor; Chromium and Firefox
//! play Ogg Opus natively, with exact durations from the granule positions
//! (the page's players must show the answer's length). Safari plays Ogg Opus
//! only in recent versions: the page checks `canPlayType` and says so in
//! place of silent players (docs/share.md). libopus (Debian libopus-dev)
//! encodes a 2-minute answer in well under a second; the Ogg framing is the
//! `ogg` crate's. Resampling to 16 kHz is the transcriber's (`read_speech`):
//! voice needs no more than Opus's wideband, and fewer samples encode faster.

use crate::transcribe::{read_speech, SpeechError, WHISPER_RATE};
use ogg::writing::{PacketWriteEndInfo, PacketWriter};
use std::path::Path;

/// The encoder's input rate: Opus wideband, what the transcriber reads.
const INPUT_RATE: u32 = WHISPER_RATE;
/// Target bitrate of the speech, in bits per second.
pub const BITRATE: i32 = 24_000;
/// The encoder's effort, 0-10: measured by scripts/bench-share.sh.
const COMPLEXITY: i32 = 5;
/// 20 ms frames, Opus's default for speech.
const FRAME: usize = INPUT_RATE as usize / 50;
/// Ogg Opus counts granule positions at 48 kHz whatever the input rate.
const GRANULE_PER_SAMPLE: u64 = (48_000 / INPUT_RATE) as u64;
/// A page every second: fine-grained seeking for a few bytes per second.
const PACKETS_PER_PAGE: usize = 50;
/// Any fixed value: one logical stream per file.
const SERIAL: u32 = 0x6d76_6577;

#[derive(Debug, thiserror::Error)]
pub enum EncodeError {
    #[error(transparent)]
    Read(#[from] SpeechError),
    #[error("{}: the Opus encoder failed: {detail}", path.display())]
    Opus {
        path: std::path::PathBuf,
        detail: String,
    },
}

/// The recording at `path` (any WAV the one reader takes) as an Ogg Opus file.
pub fn encode_wav(path: &Path) -> Result<Vec<u8>, EncodeError> {
    let samples = read_speech(path)?;
    encode(&samples).map_err(|detail| EncodeError::Opus {
        path: path.to_path_buf(),
        detail,
    })
}

/// 16 kHz mono samples as an Ogg Opus file, as long as they are (the
/// encoder's delay is the header's pre-skip; the last page's granule
/// position trims the padding of the last frame).
pub fn encode(samples: &[f32]) -> Result<Vec<u8>, String> {
    let opus = |e: opus::Error| e.to_string();
    // Writing into a Vec cannot fail; still an error, never a panic.
    let io = |e: std::io::Error| e.to_string();
    let mut enc = opus::Encoder::new(INPUT_RATE, opus::Channels::Mono, opus::Application::Voip)
        .map_err(opus)?;
    enc.set_bitrate(opus::Bitrate::Bits(BITRATE))
        .map_err(opus)?;
    enc.set_vbr(true).map_err(opus)?;
    enc.set_complexity(COMPLEXITY).map_err(opus)?;
    let pre_skip =
        u64::try_from(enc.get_lookahead().map_err(opus)?).unwrap_or(0) * GRANULE_PER_SAMPLE;
    let total = pre_skip + samples.len() as u64 * GRANULE_PER_SAMPLE;

    let mut out = Vec::with_capacity(samples.len() / 4);
    let mut w = PacketWriter::new(&mut out);
    let head = opus_head(u16::try_from(pre_skip).unwrap_or(u16::MAX));
    w.write_packet(head, SERIAL, PacketWriteEndInfo::EndPage, 0)
        .map_err(io)?;
    w.write_packet(opus_tags(), SERIAL, PacketWriteEndInfo::EndPage, 0)
        .map_err(io)?;

    let mut frame = [0f32; FRAME];
    let mut packet = vec![0u8; 4000];
    // Frames until the encoder's delay has been flushed out too.
    let frames =
        (samples.len() + FRAME - 1 + pre_skip as usize / GRANULE_PER_SAMPLE as usize) / FRAME;
    let frames = frames.max(1);
    for i in 0..frames {
        let start = (i * FRAME).min(samples.len());
        let end = ((i + 1) * FRAME).min(samples.len());
        frame.fill(0.0);
        frame[..end - start].copy_from_slice(&samples[start..end]);
        let n = enc.encode_float(&frame, &mut packet).map_err(opus)?;
        let granule = (((i + 1) * FRAME) as u64 * GRANULE_PER_SAMPLE).min(total);
        let last = i + 1 == frames;
        let info = if last {
            PacketWriteEndInfo::EndStream
        } else if (i + 1) % PACKETS_PER_PAGE == 0 {
            PacketWriteEndInfo::EndPage
        } else {
            PacketWriteEndInfo::NormalPacket
        };
        let granule = if last { total } else { granule };
        w.write_packet(packet[..n].to_vec(), SERIAL, info, granule)
            .map_err(io)?;
    }
    drop(w);
    Ok(out)
}

/// The identification header (RFC 7845 §5.1): mono, channel mapping 0.
fn opus_head(pre_skip: u16) -> Vec<u8> {
    let mut h = Vec::with_capacity(19);
    h.extend_from_slice(b"OpusHead");
    h.push(1); // version
    h.push(1); // channels
    h.extend_from_slice(&pre_skip.to_le_bytes());
    h.extend_from_slice(&INPUT_RATE.to_le_bytes());
    h.extend_from_slice(&0i16.to_le_bytes()); // output gain
    h.push(0); // mapping family
    h
}

/// The comment header (RFC 7845 §5.2): the vendor, no comments.
fn opus_tags() -> Vec<u8> {
    let vendor = concat!("mockview ", env!("CARGO_PKG_VERSION")).as_bytes();
    let mut t = Vec::with_capacity(16 + vendor.len());
    t.extend_from_slice(b"OpusTags");
    t.extend_from_slice(&u32::try_from(vendor.len()).unwrap_or(0).to_le_bytes());
    t.extend_from_slice(vendor);
    t.extend_from_slice(&0u32.to_le_bytes());
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The granule position of the last page, read back from the bytes.
    fn last_granule(ogg: &[u8]) -> u64 {
        let at = ogg
            .windows(4)
            .rposition(|w| w == b"OggS")
            .expect("an Ogg page");
        u64::from_le_bytes(ogg[at + 6..at + 14].try_into().unwrap())
    }

    #[test]
    fn a_minute_of_speech_like_sound_is_small_and_exactly_as_long() {
        // 60 s of a 200 Hz tone with harmonics, 1.23 s more so the last
        // frame is partial.
        let n = (61.23 * INPUT_RATE as f64) as usize;
        let x: Vec<f32> = (0..n)
            .map(|i| {
                let t = i as f32 / INPUT_RATE as f32;
                0.3 * (2.0 * std::f32::consts::PI * 200.0 * t).sin()
                    + 0.1 * (2.0 * std::f32::consts::PI * 600.0 * t).sin()
            })
            .collect();
        let ogg = encode(&x).unwrap();
        assert_eq!(&ogg[..4], b"OggS");
        assert_eq!(&ogg[28..36], b"OpusHead");
        let pre_skip = u64::from(u16::from_le_bytes([ogg[38], ogg[39]]));
        // The player's duration: (last granule - pre-skip) / 48 kHz.
        let secs = (last_granule(&ogg) - pre_skip) as f64 / 48_000.0;
        assert!((secs - 61.23).abs() < 1e-3, "{secs}");
        // ~24 kbit/s: well under 30 kbit/s (the page's budget).
        let kbps = ogg.len() as f64 * 8.0 / 61.23 / 1000.0;
        assert!(kbps < 30.0, "{kbps} kbit/s");
    }

    #[test]
    fn nothing_is_still_a_valid_file() {
        let ogg = encode(&[]).unwrap();
        assert_eq!(&ogg[..4], b"OggS");
        assert!(ogg.len() < 1000);
    }
}
