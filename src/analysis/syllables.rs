//! Syllable nuclei after de Jong & Wempe (2009), "Praat script to detect
//! syllable nuclei and measure speech rate automatically": peaks of the
//! smoothed intensity contour that are loud enough, separated from their
//! neighbours by a dip, and voiced.

use super::activity::{percentile, Activity};

/// Peaks must be within this many dB of the 0.99 quantile of the contour
/// (de Jong & Wempe's "silence threshold" of -25 dB).
const PEAK_BELOW_MAX_DB: f32 = 25.0;
/// Two peaks count as two syllables when the contour dips at least this far
/// below the lower of them between them (their "mindip" of 2 dB).
const MIN_DIP_DB: f32 = 2.0;
/// Normalised autocorrelation a nucleus needs to count as voiced.
const MIN_VOICING: f32 = 0.5;

/// A local maximum of the intensity contour, found while streaming.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Candidate {
    pub frame: u32,
    pub voicing: f32,
}

pub(crate) fn count(candidates: &[Candidate], intensity_db: &[f32], activity: &Activity) -> u32 {
    let top = percentile(intensity_db, 0.99);
    let threshold = (top - PEAK_BELOW_MAX_DB).max(activity.low_threshold_db);
    let mut segments = activity.segments.iter().peekable();
    let mut count = 0;
    // The peak being grown: (frame, level, voiced).
    let mut current: Option<(usize, f32, bool)> = None;
    for c in candidates {
        let f = c.frame as usize;
        let level = intensity_db[f];
        if level <= threshold {
            continue;
        }
        while segments.peek().is_some_and(|s| s.1 <= f) {
            segments.next();
        }
        if segments.peek().is_none_or(|s| s.0 > f) {
            continue;
        }
        let voiced = c.voicing >= MIN_VOICING;
        current = Some(match current {
            None => (f, level, voiced),
            Some((pf, plevel, pvoiced)) => {
                let dip = intensity_db[pf..=f]
                    .iter()
                    .copied()
                    .fold(f32::INFINITY, f32::min);
                if plevel.min(level) - dip >= MIN_DIP_DB {
                    count += pvoiced as u32;
                    (f, level, voiced)
                } else if level > plevel {
                    (f, level, voiced || pvoiced)
                } else {
                    (pf, plevel, voiced || pvoiced)
                }
            }
        });
    }
    if let Some((_, _, voiced)) = current {
        count += voiced as u32;
    }
    count
}
