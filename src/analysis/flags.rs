//! Plain-language findings, each with the number behind it. Wording is for
//! the candidate: what was measured and what to do about it.

use super::activity::Activity;
use super::config::FlagThresholds;
use super::metrics::{Flag, Metrics};

fn flag(code: &str, message: String, value: f64) -> Flag {
    Flag {
        code: code.to_string(),
        message,
        value,
    }
}

pub(crate) fn raise(m: &Metrics, activity: &Activity, t: &FlagThresholds) -> Vec<Flag> {
    let mut flags = Vec::new();
    if m.clipped_fraction > t.clipped_fraction {
        let pct = m.clipped_fraction * 100.0;
        flags.push(flag(
            "clipping",
            format!("clipping in {pct:.1} % of the answer: move back or lower the input gain"),
            m.clipped_fraction,
        ));
    }
    if activity.segments.is_empty() {
        if m.duration_seconds > 0.0 {
            flags.push(flag(
                "no_speech",
                "no speech detected: check the microphone".to_string(),
                0.0,
            ));
        }
        return flags;
    }
    match m.loudness_lufs {
        Some(l) if l < t.quiet_lufs => flags.push(flag(
            "too_quiet",
            format!("too quiet ({l:.0} LUFS): move closer or raise the input gain"),
            l,
        )),
        _ if m.peak_dbfs < t.quiet_peak_dbfs => flags.push(flag(
            "too_quiet",
            format!(
                "too quiet (peak {:.0} dBFS): move closer or raise the input gain",
                m.peak_dbfs
            ),
            m.peak_dbfs,
        )),
        _ => {}
    }
    let snr = activity.speech_level_db - activity.noise_floor_db;
    if snr < t.min_snr_db {
        flags.push(flag(
            "noisy",
            format!("noisy background: speech only {snr:.0} dB above the noise"),
            snr,
        ));
    }
    if m.first_word_seconds > t.first_word_seconds {
        flags.push(flag(
            "slow_start",
            format!(
                "long silence before you started: {:.1} s",
                m.first_word_seconds
            ),
            m.first_word_seconds,
        ));
    }
    let answer = m.duration_seconds - m.first_word_seconds - m.trailing_silence_seconds;
    flags.extend(pace(m, t));
    if m.duration_seconds > t.long_answer_seconds {
        flags.push(flag(
            "long_answer",
            format!(
                "answer {}: aim for 1-2 min",
                crate::clock::prose(m.duration_seconds)
            ),
            m.duration_seconds,
        ));
    } else if m.duration_seconds < t.short_answer_seconds {
        flags.push(flag(
            "short_answer",
            format!(
                "answer {}: too short, aim for 1-2 min",
                crate::clock::prose(m.duration_seconds)
            ),
            m.duration_seconds,
        ));
    }
    if answer > 0.0 {
        let n = m.long_pauses.len();
        let per_minute = n as f64 / (answer / 60.0).max(1.0);
        if per_minute > t.long_pauses_per_minute {
            flags.push(flag(
                "hesitant",
                format!("{n} long pauses (longest {:.1} s)", m.longest_pause_seconds),
                per_minute,
            ));
        }
    }
    flags.extend(voice(m, t));
    flags
}

/// The pace flag, from the one pace ([`Metrics::pace`]), so its message
/// shows the figure every surface shows.
fn pace(m: &Metrics, t: &FlagThresholds) -> Option<Flag> {
    if m.answer_seconds() < t.min_pace_seconds {
        return None;
    }
    let pace = m.pace();
    let wpm = pace.words_per_minute;
    if wpm > t.fast_wpm {
        Some(flag(
            "fast_pace",
            format!("pace {}: slow down", pace.label()),
            wpm,
        ))
    } else if wpm < t.slow_wpm {
        Some(flag(
            "slow_pace",
            format!("pace {}: speed up", pace.label()),
            wpm,
        ))
    } else {
        None
    }
}

/// The codes a transcript can change: the pace's and uptalk's.
const TRANSCRIPT_FLAGS: [&str; 3] = ["fast_pace", "slow_pace", "uptalk"];

/// After a transcript changed the pace and which phrase ends are
/// statements: the pace and uptalk flags again, in the places `raise`
/// gives them (the others stay as they were).
pub(crate) fn raise_again(m: &mut Metrics, t: &FlagThresholds) {
    let mut kept: Vec<Flag> = std::mem::take(&mut m.flags)
        .into_iter()
        .filter(|f| !TRANSCRIPT_FLAGS.contains(&f.code.as_str()))
        .collect();
    // `raise` puts the pace after these, and uptalk after monotone.
    let before_pace = ["clipping", "too_quiet", "noisy", "slow_start"];
    if let Some(p) = pace(m, t) {
        let at = kept
            .iter()
            .rposition(|f| before_pace.contains(&f.code.as_str()))
            .map_or(0, |i| i + 1);
        kept.insert(at, p);
    }
    if let Some(u) = voice(m, t).into_iter().find(|f| f.code == "uptalk") {
        let at = kept
            .iter()
            .position(|f| f.code == "trailing_off")
            .unwrap_or(kept.len());
        kept.insert(at, u);
    }
    m.flags = kept;
}

/// How the voice sounds: flat pitch, statements that rise like questions,
/// phrases that fade out.
fn voice(m: &Metrics, t: &FlagThresholds) -> Vec<Flag> {
    let mut flags = Vec::new();
    if let Some(sd) = m.pitch_sd_semitones {
        if m.voiced_seconds >= t.min_voiced_seconds && sd < t.monotone_sd_semitones {
            flags.push(flag(
                "monotone",
                format!("flat pitch (varies {sd:.1} semitones): stress the words that matter"),
                sd,
            ));
        }
    }
    let phrase_ends = [
        (
            "uptalk",
            m.uptalk_fraction,
            m.rising_ends(),
            "statements end rising, like a question: let statements fall",
        ),
        (
            "trailing_off",
            m.trailing_off_fraction,
            m.fading_ends(),
            "phrases fade out at the end: keep your voice up to the last word",
        ),
    ];
    for (code, share, (hits, measured), advice) in phrase_ends {
        if let Some(share) = share {
            if measured >= t.min_phrase_ends as usize && share > t.phrase_end_fraction {
                flags.push(flag(code, format!("{hits} of {measured} {advice}"), share));
            }
        }
    }
    flags
}
