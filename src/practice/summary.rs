//! The summary printed when a session ends, from its log: the same text
//! whatever ended it (the questions done, a quit, Ctrl-C, a lost device).

use super::world::Screen;
use crate::session::Session;
use std::path::Path;

/// The summary at the end of a session: each answer's status, length,
/// question, metrics, transcript and content in brief, and its follow-ups.
pub(super) fn print_summary(c: &dyn Screen, session: &Session, path: &Path) {
    c.line("");
    c.line(&c.bold("Summary"));
    for a in &session.answers {
        let dur = if a.recording.file.is_some() {
            crate::clock::clock_seconds(a.recording.duration_seconds)
        } else {
            "-".into()
        };
        let takes = match a.takes.len() {
            0 | 1 => String::new(),
            n => format!(" ({n} takes)"),
        };
        c.line(&format!(
            "{:>2}. {:<11} {:>5}  {}{}",
            a.number,
            a.recording.status.as_str(),
            dur,
            truncate(&a.question.text, 60),
            takes
        ));
        if let (Some(m), Some(_)) = (&a.recording.metrics, &a.recording.file) {
            c.line(&format!("    {}", m.brief()));
        }
        if let (Some(t), Some(_)) = (&a.recording.transcript, &a.recording.file) {
            c.line(&format!(
                "    {} words: “{}”",
                t.words.len(),
                truncate(&t.text, 70)
            ));
        }
        // Once the answer is transcribed: what the words say, and the flags.
        if let Some(content) = &a.recording.content {
            c.line(&format!("    {}", content.brief()));
            for f in &content.flags {
                c.line(&format!("    - {}", f.message));
            }
        }
        for f in &a.follow_ups {
            let dur = if f.recording.file.is_some() {
                crate::clock::clock_seconds(f.recording.duration_seconds)
            } else {
                "-".into()
            };
            c.line(&format!(
                "    follow-up: {:<11} {:>5}  {}",
                f.recording.status.as_str(),
                dur,
                truncate(&f.text, 54)
            ));
        }
    }
    let (n, secs) = session.answered();
    c.line(&format!(
        "{n} answer{} recorded, {} in all · {}",
        if n == 1 { "" } else { "s" },
        crate::clock::clock_seconds(secs),
        path.display()
    ));
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let cut: String = s.chars().take(max.saturating_sub(1)).collect();
        format!("{cut}…")
    }
}
