//! Reconciling a session log with the take files in its folder, after a
//! crash or power loss left the session open (issue 5).
//!
//! This module only edits the log: what each WAV holds (frames, rate) is
//! measured, and its header fixed, by `audio` and handed in by
//! `commands/repair.rs`. Nothing here deletes or shortens a file.

use super::log::{Answer, AnswerStatus, QuestionRef, Session, SessionStatus};
use super::take_name::TakeName;
use jiff::Timestamp;
use std::collections::BTreeMap;

/// What a take file on disk holds; `None` when it could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TakeFacts {
    pub frames: u64,
    pub sample_rate: u32,
}

/// Bring `session` in line with `files` (every take file in the folder, by
/// name). Returns what changed, one line each; empty when nothing did, so a
/// second run changes nothing. `ended_at` is used when an open session is
/// closed (the time its last file was written).
pub fn reconcile(
    session: &mut Session,
    files: &BTreeMap<String, Option<TakeFacts>>,
    ended_at: Timestamp,
) -> Vec<String> {
    let mut changes = Vec::new();
    if session.status == SessionStatus::InProgress {
        session.status = SessionStatus::Interrupted;
        session.ended_at = Some(ended_at);
        changes.push("marked the session interrupted".to_string());
    }

    // Listed files that are not on disk (a crash between a rename and the
    // next save): the reference goes, the audio is elsewhere under its new
    // name and is added below.
    for a in &mut session.answers {
        let before = a.takes.len();
        a.takes.retain(|t| files.contains_key(t));
        if a.takes.len() != before {
            changes.push(format!(
                "answer {}: dropped {} listed take(s) missing from the folder",
                a.number,
                before - a.takes.len()
            ));
        }
        if let Some(f) = &a.recording.file {
            if !files.contains_key(f) {
                changes.push(format!("answer {}: its file {f} is missing", a.number));
                a.recording.file = None;
            }
        }
    }

    // Take files the log does not list.
    let listed: std::collections::HashSet<String> = session
        .answers
        .iter()
        .flat_map(|a| a.files().cloned())
        .collect();
    for name in files.keys().filter(|n| !listed.contains(*n)) {
        // A follow-up's reply is never an answer's take; one the log does
        // not list stays on disk, untouched.
        let Some(take) = TakeName::parse(name).filter(|t| t.follow_up.is_none()) else {
            continue;
        };
        let rate = session.input.as_ref().map_or(0, |i| i.sample_rate);
        let answer = match session.answers.iter_mut().find(|a| a.number == take.number) {
            Some(a) => a,
            None => {
                let mut answer = Answer::new(
                    take.number,
                    QuestionRef {
                        id: take.slug.clone(),
                        text: format!("(not in the log; recovered from {name})"),
                        category: "unknown".into(),
                        ..QuestionRef::default()
                    },
                    AnswerStatus::Interrupted,
                );
                answer.recording.sample_rate = rate;
                session.answers.push(answer);
                session.answers.last_mut().expect("just pushed")
            }
        };
        answer.takes.push(name.clone());
        if take.take.is_none() && answer.recording.file.is_none() {
            answer.recording.file = Some(name.clone());
            if answer.recording.status == AnswerStatus::Skipped {
                answer.recording.status = AnswerStatus::Interrupted;
            }
        }
        // Earlier takes in order, the final take last.
        answer.takes.sort_by_key(|t| {
            TakeName::parse(t).map_or((1, u32::MAX), |n| match n.take {
                Some(k) => (0, k),
                None => (1, 0),
            })
        });
        changes.push(format!(
            "answer {}: added {name}, which the log did not list",
            take.number
        ));
    }
    session.answers.sort_by_key(|a| a.number);

    // The true length of each final take.
    for a in &mut session.answers {
        let Some(facts) = a
            .recording
            .file
            .as_ref()
            .and_then(|f| files.get(f).copied().flatten())
        else {
            continue;
        };
        let duration = facts.frames as f64 / f64::from(facts.sample_rate.max(1));
        // serde_json may read a float back one ulp off: compare durations
        // loosely, or a second repair would "fix" the same answer again.
        if a.recording.frames != facts.frames
            || a.recording.sample_rate != facts.sample_rate
            || (a.recording.duration_seconds - duration).abs() > 1e-6
        {
            changes.push(format!(
                "answer {}: {} frames ({duration:.2} s) recorded, the log said {}",
                a.number, facts.frames, a.recording.frames
            ));
            a.recording.frames = facts.frames;
            a.recording.sample_rate = facts.sample_rate;
            a.recording.duration_seconds = duration;
        }
    }
    changes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::Settings;

    #[test]
    fn take_names() {
        assert_eq!(
            TakeName::parse("01-tell-me.wav"),
            Some(TakeName {
                number: 1,
                slug: "tell-me".into(),
                take: None,
                follow_up: None,
            })
        );
        assert_eq!(TakeName::parse("12-x.take3.wav").unwrap().take, Some(3));
        for bad in [
            "session.json",
            "1-x.wav",
            "01-.wav",
            "ab-x.wav",
            "01-X.wav",
            "01-x.take.wav",
            "01-x.take0.wav",
            "report.wav",
        ] {
            assert_eq!(TakeName::parse(bad), None, "{bad}");
        }
    }

    fn session() -> Session {
        Session::new(
            "20261126-101503".into(),
            Timestamp::UNIX_EPOCH,
            Settings {
                count: 2,
                seed: 1,
                ..Settings::default()
            },
        )
    }

    #[test]
    fn closes_adds_and_measures_then_is_idempotent() {
        let mut s = session();
        let facts = |frames| {
            Some(TakeFacts {
                frames,
                sample_rate: 48_000,
            })
        };
        let files: BTreeMap<String, Option<TakeFacts>> = [
            ("01-a.take1.wav".to_string(), facts(100)),
            ("01-a.wav".to_string(), facts(48_000)),
            ("02-b.wav".to_string(), facts(0)),
        ]
        .into_iter()
        .collect();
        let changes = reconcile(&mut s, &files, Timestamp::UNIX_EPOCH);
        assert!(!changes.is_empty());
        assert_eq!(s.status, SessionStatus::Interrupted);
        assert_eq!(s.answers.len(), 2);
        assert_eq!(s.answers[0].takes, ["01-a.take1.wav", "01-a.wav"]);
        assert_eq!(s.answers[0].recording.file.as_deref(), Some("01-a.wav"));
        assert_eq!(s.answers[0].recording.frames, 48_000);
        assert_eq!(s.answers[0].recording.duration_seconds, 1.0);
        assert_eq!(s.answers[1].recording.status, AnswerStatus::Interrupted);
        let again = s.clone();
        assert!(reconcile(&mut s, &files, Timestamp::now()).is_empty());
        assert_eq!(s, again);
    }
}
