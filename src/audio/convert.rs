//! Sample conversion between the device's formats and the 16-bit mono of the WAV.
//!
//! Capture never resamples; it only maps every cpal sample format to `i16`
//! and mixes channels down to mono by averaging. The mapping is chosen so
//! that 16-bit input comes out bit-exact, and 32-bit float input that holds
//! 16-bit values (`x = n / 32768`, as sox writes it) too.

use crate::level::FULL_SCALE;
use cpal::{FromSample, SizedSample};

/// Map a normalised sample to 16-bit PCM: `round(x * 32768)`, clamped.
#[inline]
pub fn f32_to_i16(x: f32) -> i16 {
    (x * FULL_SCALE as f32)
        .round()
        .clamp(f32::from(i16::MIN), f32::from(i16::MAX)) as i16
}

/// Map a 16-bit PCM sample to a normalised float: `n / 32768`.
#[inline]
pub fn i16_to_f32(n: i16) -> f32 {
    f32::from(n) / FULL_SCALE as f32
}

/// Mix interleaved frames of any sample type to mono `i16`. An iterator over
/// the slice, allocation-free: safe in the device callback. A trailing
/// partial frame is ignored.
#[inline]
pub fn mono_frames<T>(interleaved: &[T], channels: usize) -> impl Iterator<Item = i16> + '_
where
    T: SizedSample,
    f32: FromSample<T>,
{
    let channels = channels.max(1);
    let scale = 1.0 / channels as f32;
    interleaved.chunks_exact(channels).map(move |frame| {
        if let [s] = frame {
            f32_to_i16(s.to_sample::<f32>())
        } else {
            let sum: f32 = frame.iter().map(|&s| s.to_sample::<f32>()).sum();
            f32_to_i16(sum * scale)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use cpal::{I24, U24};

    fn mono<T>(data: &[T], channels: usize) -> Vec<i16>
    where
        T: SizedSample,
        f32: FromSample<T>,
    {
        mono_frames(data, channels).collect()
    }

    #[test]
    fn i16_mono_is_bit_exact() {
        let all: Vec<i16> = (i16::MIN..=i16::MAX).collect();
        assert_eq!(mono(&all, 1), all);
    }

    #[test]
    fn f32_holding_16_bit_values_is_bit_exact_in_stereo() {
        let all: Vec<i16> = (i16::MIN..=i16::MAX).collect();
        let stereo: Vec<f32> = all
            .iter()
            .flat_map(|&n| [i16_to_f32(n), i16_to_f32(n)])
            .collect();
        assert_eq!(mono(&stereo, 2), all);
    }

    #[test]
    fn every_format_maps_full_scale_and_silence() {
        assert_eq!(mono(&[0u8, 128, 255], 1), vec![-32768, 0, 32512]);
        assert_eq!(mono(&[i8::MIN, 0, i8::MAX], 1), vec![-32768, 0, 32512]);
        assert_eq!(
            mono(&[u16::MIN, 32768, u16::MAX], 1),
            vec![-32768, 0, 32767]
        );
        assert_eq!(mono(&[i32::MIN, 0, i32::MAX], 1), vec![-32768, 0, 32767]);
        assert_eq!(mono(&[i64::MIN, 0], 1), vec![-32768, 0]);
        assert_eq!(mono(&[u32::MIN, 1u32 << 31], 1), vec![-32768, 0]);
        assert_eq!(mono(&[u64::MIN, 1u64 << 63], 1), vec![-32768, 0]);
        assert_eq!(mono(&[-1.0f64, 0.0, 0.5], 1), vec![-32768, 0, 16384]);
        assert_eq!(mono(&[2.0f32, -2.0], 1), vec![32767, -32768], "clamped");
        let i24 = [I24::new(-(1 << 23)).unwrap(), I24::new(0).unwrap()];
        assert_eq!(mono(&i24, 1), vec![-32768, 0]);
        let u24 = [U24::new(0).unwrap(), U24::new(1 << 23).unwrap()];
        assert_eq!(mono(&u24, 1), vec![-32768, 0]);
    }

    #[test]
    fn channels_are_averaged() {
        // 4 channels: (0.5 + 0.5 + 0 + 0) / 4 = 0.25
        assert_eq!(mono(&[0.5f32, 0.5, 0.0, 0.0], 4), vec![8192]);
        // opposite phases cancel
        assert_eq!(mono(&[1000i16, -1000], 2), vec![0]);
        // a trailing partial frame is ignored, never read past the slice
        assert_eq!(mono(&[100i16, 100, 7], 2), vec![100]);
    }
}
