//! `analyze`'s thresholds, as settings of one run: each named by a
//! [`Tuning`] the compiler checks, its default read from the one place it
//! lives (`AnalysisConfig::default()`, `ContentThresholds::default()`), the
//! command line's `Option`s laid over it, and a bad value a typed
//! [`TuningError`] that names the flag and the value.

use crate::analysis::AnalysisConfig;
use crate::content::ContentThresholds;

/// A threshold `analyze` takes from its command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tuning {
    MinPause,
    LongPause,
    MaxWpm,
    MinWpm,
    MaxAnswer,
    MinAnswer,
    MaxFirstWord,
    PitchFloor,
    PitchCeiling,
    MinPitchSd,
    MaxFillers,
    MaxHedges,
}

/// Where the analysis takes its thresholds from: the delivery settings and
/// the content ones.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tuned {
    pub analysis: AnalysisConfig,
    pub content: ContentThresholds,
}

impl Tuning {
    /// As the command line spells it.
    pub fn flag(self) -> &'static str {
        match self {
            Tuning::MinPause => "--min-pause",
            Tuning::LongPause => "--long-pause",
            Tuning::MaxWpm => "--max-wpm",
            Tuning::MinWpm => "--min-wpm",
            Tuning::MaxAnswer => "--max-answer",
            Tuning::MinAnswer => "--min-answer",
            Tuning::MaxFirstWord => "--max-first-word",
            Tuning::PitchFloor => "--pitch-floor",
            Tuning::PitchCeiling => "--pitch-ceiling",
            Tuning::MinPitchSd => "--min-pitch-sd",
            Tuning::MaxFillers => "--max-fillers",
            Tuning::MaxHedges => "--max-hedges",
        }
    }

    /// The field of `t` this threshold sets.
    fn slot(self, t: &mut Tuned) -> &mut f64 {
        let (a, c) = (&mut t.analysis, &mut t.content);
        match self {
            Tuning::MinPause => &mut a.min_pause_seconds,
            Tuning::LongPause => &mut a.long_pause_seconds,
            Tuning::MaxWpm => &mut a.thresholds.fast_wpm,
            Tuning::MinWpm => &mut a.thresholds.slow_wpm,
            Tuning::MaxAnswer => &mut a.thresholds.long_answer_seconds,
            Tuning::MinAnswer => &mut a.thresholds.short_answer_seconds,
            Tuning::MaxFirstWord => &mut a.thresholds.first_word_seconds,
            Tuning::PitchFloor => &mut a.pitch_floor_hz,
            Tuning::PitchCeiling => &mut a.pitch_ceiling_hz,
            Tuning::MinPitchSd => &mut a.thresholds.monotone_sd_semitones,
            Tuning::MaxFillers => &mut c.fillers_per_minute,
            Tuning::MaxHedges => &mut c.hedges_per_minute,
        }
    }

    /// Its value when the command line does not give one.
    pub fn default_value(self) -> f64 {
        *self.slot(&mut Tuned::default())
    }

    /// A flag's help: `text` and the default, from where it lives (so the
    /// help never disagrees with what is used).
    pub fn help(self, text: &str) -> String {
        format!("{text} [default: {}]", self.default_value())
    }
}

/// The pairs of thresholds that bound one quantity from below and from
/// above: the lower may equal the upper, never exceed it.
const BOUNDS: [(Tuning, Tuning); 3] = [
    (Tuning::MinPause, Tuning::LongPause),
    (Tuning::MinWpm, Tuning::MaxWpm),
    (Tuning::MinAnswer, Tuning::MaxAnswer),
];

/// A threshold the analysis cannot use, named by its flag.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TuningError {
    #[error("{} must be a finite number ≥ 0, not {value}", .tuning.flag())]
    NotANumberOfAtLeastZero { tuning: Tuning, value: f64 },
    #[error("{} ({low}) is above {} ({high})", .lower.flag(), .upper.flag())]
    BoundsCrossed {
        lower: Tuning,
        low: f64,
        upper: Tuning,
        high: f64,
    },
    #[error("--pitch-floor ({floor}) must be above 0 and below --pitch-ceiling ({ceiling})")]
    PitchRange { floor: f64, ceiling: f64 },
}

/// The thresholds with the `given` ones laid over their defaults; every
/// value must be a finite number of at least 0, each pair of `BOUNDS` in
/// order and the pitch range not empty.
pub fn tune(given: &[(Tuning, Option<f64>)]) -> Result<Tuned, TuningError> {
    let mut t = Tuned::default();
    for &(tuning, value) in given {
        let Some(value) = value else { continue };
        if !value.is_finite() || value < 0.0 {
            return Err(TuningError::NotANumberOfAtLeastZero { tuning, value });
        }
        *tuning.slot(&mut t) = value;
    }
    for (lower, upper) in BOUNDS {
        let (low, high) = (*lower.slot(&mut t), *upper.slot(&mut t));
        if low > high {
            return Err(TuningError::BoundsCrossed {
                lower,
                low,
                upper,
                high,
            });
        }
    }
    let a = &t.analysis;
    if !(a.pitch_floor_hz > 0.0 && a.pitch_floor_hz < a.pitch_ceiling_hz) {
        return Err(TuningError::PitchRange {
            floor: a.pitch_floor_hz,
            ceiling: a.pitch_ceiling_hz,
        });
    }
    Ok(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_given_is_the_defaults() {
        assert_eq!(tune(&[(Tuning::MinPause, None)]).unwrap(), Tuned::default());
        assert_eq!(Tuning::MaxFillers.default_value(), 4.0);
        assert_eq!(Tuning::MinPause.help("Pause"), "Pause [default: 0.25]");
    }

    #[test]
    fn a_given_value_sets_its_own_field() {
        let t = tune(&[
            (Tuning::LongPause, Some(2.5)),
            (Tuning::MaxHedges, Some(9.0)),
        ])
        .unwrap();
        assert_eq!(t.analysis.long_pause_seconds, 2.5);
        assert_eq!(t.content.hedges_per_minute, 9.0);
        assert_eq!(
            t.analysis.min_pause_seconds,
            Tuning::MinPause.default_value()
        );
    }

    #[test]
    fn a_bad_value_is_named_by_its_flag() {
        let e = tune(&[(Tuning::MinPause, Some(-1.0))]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--min-pause must be a finite number ≥ 0, not -1"
        );
        let e = tune(&[(Tuning::MaxFillers, Some(f64::NAN))]).unwrap_err();
        assert!(e.to_string().starts_with("--max-fillers"), "{e}");
        let e = tune(&[(Tuning::MinWpm, Some(200.0))]).unwrap_err();
        assert_eq!(e.to_string(), "--min-wpm (200) is above --max-wpm (180)");
        let e = tune(&[(Tuning::PitchFloor, Some(700.0))]).unwrap_err();
        assert!(matches!(e, TuningError::PitchRange { .. }), "{e}");
        let e = tune(&[(Tuning::PitchFloor, Some(0.0))]).unwrap_err();
        assert!(matches!(e, TuningError::PitchRange { .. }), "{e}");
        let e = tune(&[(Tuning::MinPause, Some(f64::INFINITY))]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--min-pause must be a finite number ≥ 0, not inf"
        );
    }

    #[test]
    fn every_lower_bound_stays_below_its_upper_one() {
        // An answer both too short and too long, or a long pause shorter
        // than any pause, is a typo, not a setting.
        let e = tune(&[(Tuning::MinAnswer, Some(200.0))]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--min-answer (200) is above --max-answer (150)"
        );
        let e = tune(&[(Tuning::LongPause, Some(0.1))]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--min-pause (0.25) is above --long-pause (0.1)"
        );
        assert!(
            tune(&[(Tuning::MinAnswer, Some(150.0))]).is_ok(),
            "equal is fine"
        );
    }
}
