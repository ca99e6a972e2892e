//! The result of an analysis, as stored in `session.json` and printed by
//! `mockview analyze --json`. Field names are part of the session format.
//! Every type reads with `#[serde(default)]`: a log from an older version
//! (fewer fields) or a newer one (more fields, ignored) still loads.

use serde::{Deserialize, Serialize};

use super::config::FlagThresholds;
pub use super::pace::{Pace, PaceBasis};

/// A silent gap between two stretches of speech.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Pause {
    pub start_seconds: f64,
    pub end_seconds: f64,
}

impl Pause {
    pub fn seconds(&self) -> f64 {
        self.end_seconds - self.start_seconds
    }
}

/// The end of one phrase: how its pitch and its loudness end.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct PhraseEnd {
    /// When the phrase ends (the start of the pause after it).
    pub end_seconds: f64,
    /// Rise of the pitch into the end (semitones; negative for a fall);
    /// `None` when the end is not voiced enough to say.
    pub rise_semitones: Option<f64>,
    /// How far the last 300 ms are below the phrase's level (dB); `None`
    /// for phrases under 600 ms.
    pub fall_db: Option<f64>,
    /// The rise is more than the uptalk threshold.
    pub rising: bool,
    /// The fall is more than the trailing-off threshold.
    pub fading: bool,
    /// The end of a statement, so its rise counts toward uptalk: with a
    /// transcript, a sentence that is not a question ends here; without,
    /// a pause of at least 0.7 s follows (or the answer ends). Ends stored
    /// before issue 18 read as `true`, as they were counted.
    #[serde(default = "yes")]
    pub statement: bool,
}

fn yes() -> bool {
    true
}

/// A plain-language finding with the number behind it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Flag {
    /// Stable identifier: `slow_start`, `fast_pace`, `slow_pace`,
    /// `long_answer`, `short_answer`, `clipping`, `too_quiet`, `hesitant`,
    /// `noisy`, `no_speech`, `monotone`, `uptalk`, `trailing_off`.
    pub code: String,
    /// One line for the candidate, e.g. "long silence before you started: 4.2 s".
    pub message: String,
    /// The measured value the flag is about, in the unit of its metric.
    pub value: f64,
}

/// Delivery metrics of one recorded answer. Every number is finite, so the
/// document always round-trips through JSON.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Metrics {
    /// Length of the recording.
    pub duration_seconds: f64,
    /// Time from the first word to the end of the last one, minus pauses.
    pub speaking_seconds: f64,
    /// Silence before the first word (0 when no speech was found).
    pub first_word_seconds: f64,
    /// Silence after the last word (0 when no speech was found).
    pub trailing_silence_seconds: f64,
    /// Every gap of at least `min_pause_seconds` between speech.
    pub pauses: Vec<Pause>,
    /// The pauses of at least `long_pause_seconds`.
    pub long_pauses: Vec<Pause>,
    pub longest_pause_seconds: f64,
    /// Estimated number of syllables (voiced intensity peaks).
    pub syllables: u32,
    /// Syllables per second from the first word to the end of the last.
    pub speech_rate: f64,
    /// Syllables per second of speaking time (pauses excluded).
    pub articulation_rate: f64,
    /// The answer's pace ([`Metrics::pace`]): words per minute of answer
    /// time, counted from the transcript's words when there is one, else
    /// estimated from the syllables (`pace_basis` says which).
    pub words_per_minute: f64,
    /// What `words_per_minute` was counted from. Metrics stored before
    /// issue 18 read as `syllables`, which they were.
    pub pace_basis: PaceBasis,
    /// Integrated loudness (EBU R 128, one mono channel); `None` when the
    /// recording is silent or shorter than one 400 ms gating block.
    pub loudness_lufs: Option<f64>,
    /// Highest sample magnitude, dBFS (-120 for digital silence).
    pub peak_dbfs: f64,
    /// Fraction of samples in runs of at least two at full scale.
    pub clipped_fraction: f64,
    /// 10th percentile of the 10 ms frame RMS, dBFS (-120 floor).
    pub noise_floor_dbfs: f64,
    /// Time the voice was voiced (had a pitch) during speech.
    pub voiced_seconds: f64,
    /// Median pitch (F0) of the voiced frames; `None` with under 0.5 s voiced.
    pub pitch_median_hz: Option<f64>,
    /// 10th to 90th percentile of the pitch, in semitones.
    pub pitch_range_semitones: Option<f64>,
    /// Standard deviation of the pitch, in semitones.
    pub pitch_sd_semitones: Option<f64>,
    /// Share of the statement ends measured that rise (uptalk); `None`
    /// when no statement end could be measured.
    pub uptalk_fraction: Option<f64>,
    /// Share of the phrases measured whose last 300 ms fade out.
    pub trailing_off_fraction: Option<f64>,
    /// The end of every phrase (stretch of speech before a pause or the end).
    pub phrase_ends: Vec<PhraseEnd>,
    pub flags: Vec<Flag>,
}

impl Metrics {
    /// One compact line for summaries: talk time, pace, longest pause, time
    /// to the first word and the flags' codes, e.g.
    /// `talk 1:05 · 142 wpm · longest pause 1.8 s · first word 0.4 s · pitch 118 Hz ±2.9 st · flags: slow_start`
    /// (the pitch part only when the answer was voiced long enough; the
    /// pace as [`Pace::label`] gives it, marked when it is an estimate).
    pub fn brief(&self) -> String {
        let mut line = format!(
            "talk {} · {} · longest pause {:.1} s · first word {:.1} s",
            crate::clock::clock_seconds(self.speaking_seconds),
            self.pace().label(),
            self.longest_pause_seconds,
            self.first_word_seconds
        );
        if let Some(hz) = self.pitch_median_hz {
            line.push_str(&format!(" · pitch {hz:.0} Hz"));
            if let Some(sd) = self.pitch_sd_semitones {
                line.push_str(&format!(" ±{sd:.1} st"));
            }
        }
        if !self.flags.is_empty() {
            let codes: Vec<&str> = self.flags.iter().map(|f| f.code.as_str()).collect();
            line.push_str(&format!(" · flags: {}", codes.join(", ")));
        }
        line
    }

    /// The full account `analyze` prints and `show` repeats per answer:
    /// length and the brief line, pauses and rate, loudness and levels, the
    /// voice, then one line per flag (its message). Lines without
    /// indentation.
    pub fn detail_lines(&self) -> Vec<String> {
        let mut lines = vec![format!(
            "length {} · {}",
            crate::clock::clock_seconds(self.duration_seconds),
            self.brief()
        )];
        let long = if self.long_pauses.is_empty() {
            String::new()
        } else {
            let at: Vec<String> = self
                .long_pauses
                .iter()
                .map(|p| format!("{:.1} s at {:.1} s", p.seconds(), p.start_seconds))
                .collect();
            format!(" ({} long: {})", self.long_pauses.len(), at.join(", "))
        };
        lines.push(format!(
            "pauses {}{} · {} syllables · {:.1} syl/s, {:.1} syl/s speaking",
            self.pauses.len(),
            long,
            self.syllables,
            self.speech_rate,
            self.articulation_rate
        ));
        let loudness = self
            .loudness_lufs
            .map_or("-".to_string(), |l| format!("{l:.1} LUFS"));
        lines.push(format!(
            "loudness {loudness} · peak {:.1} dBFS · noise floor {:.0} dBFS · clipped {:.2} %",
            self.peak_dbfs,
            self.noise_floor_dbfs,
            self.clipped_fraction * 100.0
        ));
        lines.push(self.voice_line());
        lines.extend(self.flags.iter().map(|f| format!("- {}", f.message)));
        lines
    }

    /// The voice in one line: pitch, its variation, and the phrase ends,
    /// e.g. `pitch 118 Hz · range 7.4 st · SD 2.9 st · 2 of 6 statement ends rising, 1 of 8 phrase ends fading · voiced 41 s`.
    pub fn voice_line(&self) -> String {
        let Some(hz) = self.pitch_median_hz else {
            return format!("pitch - (voiced {:.1} s)", self.voiced_seconds);
        };
        let (rising, rises) = self.rising_ends();
        let (fading, falls) = self.fading_ends();
        format!(
            "pitch {hz:.0} Hz · range {:.1} st · SD {:.1} st · {} of {} statement ends rising, {} of {} phrase ends fading · voiced {:.0} s",
            self.pitch_range_semitones.unwrap_or(0.0),
            self.pitch_sd_semitones.unwrap_or(0.0),
            rising,
            rises,
            fading,
            falls,
            self.voiced_seconds
        )
    }

    /// (statement ends rising, statement ends whose rise was measured):
    /// what uptalk is judged on.
    pub fn rising_ends(&self) -> (usize, usize) {
        let measured = self
            .phrase_ends
            .iter()
            .filter(|e| e.statement && e.rise_semitones.is_some());
        (
            measured.clone().filter(|e| e.rising).count(),
            measured.count(),
        )
    }

    /// (phrase ends fading, phrase ends whose fall was measured).
    pub fn fading_ends(&self) -> (usize, usize) {
        let measured = self.phrase_ends.iter().filter(|e| e.fall_db.is_some());
        (
            measured.clone().filter(|e| e.fading).count(),
            measured.count(),
        )
    }

    /// Time from the first word to the end of the last, pauses included:
    /// what the pace is over.
    pub fn answer_seconds(&self) -> f64 {
        (self.duration_seconds - self.first_word_seconds - self.trailing_silence_seconds).max(0.0)
    }

    /// The answer's one pace: what `words_per_minute` holds, with what it
    /// was counted from.
    pub fn pace(&self) -> Pace {
        Pace {
            words_per_minute: self.words_per_minute,
            basis: self.pace_basis,
        }
    }

    /// What the transcript tells the delivery metrics, given as plain
    /// figures (the analysis knows no transcript types): the pace becomes
    /// `words` over the answer time instead of the syllable estimate, and
    /// only the phrase ends at `statement_ends` (seconds where a sentence
    /// that is not a question ends) count for uptalk. The flags about
    /// either are raised again under `thresholds`. Doing it twice with the
    /// same figures gives the same metrics. A transcript without words
    /// where speech was heard is an engine's failure, not silence: it
    /// changes nothing (a pace of 0 wpm would be a false verdict).
    pub fn apply_transcript(
        &mut self,
        words: usize,
        statement_ends: &[f64],
        thresholds: &FlagThresholds,
    ) {
        if words == 0 || self.answer_seconds() <= 0.0 {
            return;
        }
        self.words_per_minute = Pace::of_words(words, self.answer_seconds()).words_per_minute;
        self.pace_basis = PaceBasis::Words;
        super::intonation::mark_statement_ends(self, statement_ends);
        super::flags::raise_again(self, thresholds);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer() -> Metrics {
        Metrics {
            duration_seconds: 62.0,
            first_word_seconds: 1.0,
            trailing_silence_seconds: 1.0,
            words_per_minute: 150.0,
            phrase_ends: vec![
                PhraseEnd {
                    end_seconds: 10.0,
                    rise_semitones: Some(3.0),
                    rising: true,
                    statement: true,
                    ..PhraseEnd::default()
                },
                PhraseEnd {
                    end_seconds: 20.0,
                    rise_semitones: Some(-1.0),
                    statement: true,
                    ..PhraseEnd::default()
                },
            ],
            uptalk_fraction: Some(0.5),
            ..Metrics::default()
        }
    }

    #[test]
    fn the_words_give_the_pace_and_the_statement_ends() {
        let mut m = answer();
        assert_eq!(m.pace().label(), "est. 150 wpm");
        m.apply_transcript(120, &[20.2], &FlagThresholds::default());
        assert_eq!(m.pace().label(), "120 wpm");
        assert_eq!(m.pace_basis, PaceBasis::Words);
        assert_eq!(
            m.rising_ends(),
            (0, 1),
            "the rise at 10 s is no statement's end"
        );
        assert_eq!(m.uptalk_fraction, Some(0.0));
    }

    #[test]
    fn an_empty_transcript_of_speech_changes_nothing() {
        let mut m = answer();
        m.apply_transcript(0, &[], &FlagThresholds::default());
        assert_eq!(m, answer());
    }

    #[test]
    fn a_pace_flag_quotes_the_pace_shown() {
        let mut m = answer();
        m.flags = vec![Flag {
            code: "slow_start".into(),
            ..Flag::default()
        }];
        m.apply_transcript(200, &[20.0], &FlagThresholds::default());
        let codes: Vec<&str> = m.flags.iter().map(|f| f.code.as_str()).collect();
        assert_eq!(codes, ["slow_start", "fast_pace"]);
        assert_eq!(m.flags[1].message, "pace 200 wpm: slow down");
    }
}
