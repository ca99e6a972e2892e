//! `mockview sessions` (the list) and `mockview show SESSION` (one in full).

use crate::clock::local_minute;
use crate::session::{Recording, Review, Session, SessionStore};
use std::io::Write;

use anyhow::Result;
use serde::Serialize;

#[derive(Serialize)]
struct Row {
    id: String,
    started_at: Option<String>,
    status: String,
    asked: usize,
    answered: usize,
    answer_seconds: f64,
    reviewed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

/// The list, newest first, and where it was read (`source`: why that
/// folder), the one command besides `config` that says so. Each log is
/// read once, for its row and for the notice of sessions left open.
pub fn list(store: &SessionStore, source: &crate::config::Source, json: bool) -> Result<()> {
    let mut rows = Vec::new();
    let mut left_open = 0;
    for dir in store.list()? {
        rows.push(match dir.load() {
            Ok(s) => {
                left_open += usize::from(dir.is_left_open(&s));
                let (answered, secs) = s.answered();
                Row {
                    id: dir.id,
                    started_at: Some(s.started_at.to_string()),
                    status: s.status.as_str().into(),
                    asked: s.answers.len(),
                    answered,
                    answer_seconds: secs,
                    reviewed: s.is_reviewed(),
                    error: None,
                }
            }
            Err(e) => {
                crate::ui::stderr_line(format!("warning: {e}"));
                Row {
                    id: dir.id,
                    started_at: None,
                    status: "damaged".into(),
                    asked: 0,
                    answered: 0,
                    answer_seconds: 0.0,
                    reviewed: false,
                    error: Some(e.to_string()),
                }
            }
        });
    }
    if let Some(notice) = super::left_open_notice(left_open) {
        crate::ui::stderr_line(notice);
    }
    if json {
        super::print_json(&rows)?;
        return Ok(());
    }
    if rows.is_empty() {
        super::print_no_sessions(store)?;
        return Ok(());
    }
    let count = rows.len();
    writeln!(
        std::io::stdout().lock(),
        "{:<20} {:<17} {:>8} {:>7}  {:<11} reviewed",
        "id",
        "date",
        "answered",
        "time",
        "status"
    )?;
    for r in rows {
        let date = r
            .started_at
            .as_deref()
            .and_then(|t| t.parse::<jiff::Timestamp>().ok())
            .map_or_else(|| "-".into(), local_minute);
        writeln!(
            std::io::stdout().lock(),
            "{:<20} {:<17} {:>8} {:>7}  {:<11} {}",
            r.id,
            date,
            format!("{}/{}", r.answered, r.asked),
            crate::clock::clock_seconds(r.answer_seconds),
            r.status,
            if r.reviewed { "yes" } else { "no" }
        )?;
    }
    writeln!(
        std::io::stdout().lock(),
        "{count} session{} in {} ({source})",
        if count == 1 { "" } else { "s" },
        store.root().display()
    )?;
    Ok(())
}

pub fn show(store: &SessionStore, spec: &str, json: bool) -> Result<()> {
    let dir = store.resolve(spec)?;
    let s = dir.load()?;
    if json {
        super::print_json(&s)?;
        return Ok(());
    }
    print_session(&s, &dir.path)?;
    Ok(())
}

/// A recording's content feedback and its transcript with fillers, hedges
/// and negative phrases marked (colour, or plain marks), as lines indented
/// by `indent`. Shared by `show` and `review`.
pub(super) fn said_lines(r: &Recording, indent: &str, colour: bool) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(c) = &r.content {
        lines.push(format!("{indent}{}", c.brief()));
        lines.extend(c.star_lines().iter().map(|l| format!("{indent}  {l}")));
        lines.extend(c.flags.iter().map(|f| format!("{indent}- {}", f.message)));
    }
    if let Some(t) = &r.transcript {
        let marks = r
            .content
            .as_ref()
            .map(|c| c.marks(t.words.len()))
            .unwrap_or_default();
        let text = if t.words.is_empty() {
            t.text.clone()
        } else {
            crate::ui::marked_text(&t.words, &marks, colour)
        };
        lines.push(format!("{indent}\"{}\"", text.trim()));
    }
    lines
}

/// One recording, an answer's final take or a follow-up's reply, the same
/// way: status, length and file (then the `earlier` takes, for an answer),
/// its metrics, what the device lost, and what was said.
fn print_recording(
    out: &mut impl Write,
    r: &Recording,
    indent: &str,
    earlier: Option<String>,
    colour: bool,
) -> std::io::Result<()> {
    match &r.file {
        Some(f) => writeln!(
            out,
            "{indent}{} · {} · {f}",
            r.status.as_str(),
            crate::clock::clock_seconds(r.duration_seconds)
        )?,
        None => writeln!(out, "{indent}{}", r.status.as_str())?,
    }
    if let Some(earlier) = earlier {
        writeln!(out, "{indent}earlier takes: {earlier}")?;
    }
    if let (Some(m), Some(_)) = (&r.metrics, &r.file) {
        for line in m.detail_lines() {
            writeln!(out, "{indent}{line}")?;
        }
    }
    if r.dropped_frames > 0 {
        writeln!(
            out,
            "{indent}{} frames lost during recording",
            r.dropped_frames
        )?;
    }
    for line in said_lines(r, indent, colour) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// A review as lines indented by `indent`: who and when with the scores,
/// the notes, then each pinned comment at its moment. Everything the
/// reviewer typed is made inert for the terminal (`ui::inert`).
pub(super) fn review_lines(r: &Review, indent: &str) -> Vec<String> {
    let inert = crate::ui::inert;
    let scores: Vec<String> = r
        .scores
        .iter()
        .map(|(k, v)| format!("{} {v}", inert(k)))
        .collect();
    let mut lines = vec![format!(
        "{indent}review by {} ({}): {}",
        inert(&r.reviewer),
        local_minute(r.at),
        scores.join(", ")
    )];
    for line in inert(&r.notes).lines() {
        lines.push(format!("{indent}  {line}"));
    }
    for c in &r.comments {
        let on = c
            .follow_up
            .map_or(String::new(), |k| format!(" (follow-up {k})"));
        lines.push(format!(
            "{indent}  @ {}{on} {}",
            crate::clock::clock_tenths(c.seconds),
            inert(&c.text).replace('\n', " ")
        ));
    }
    lines
}

fn print_session(s: &Session, path: &std::path::Path) -> std::io::Result<()> {
    let colour = crate::ui::Console::detect().is_colour();
    // Wrapped at the terminal's width on word boundaries; piped, as is.
    let mut out = crate::ui::text_out();
    let transcribed = s.answers.iter().any(|a| a.recording.transcript.is_some());
    writeln!(out, "Session {} · {}", s.id, s.status.as_str())?;
    match s.ended_at {
        Some(end) => writeln!(
            out,
            "started {} · ended {}",
            local_minute(s.started_at),
            local_minute(end)
        )?,
        None => writeln!(out, "started {}", local_minute(s.started_at))?,
    }
    if let Some(i) = &s.input {
        writeln!(
            out,
            "input {} ({}), {} Hz, {} ch, {}",
            i.device_id, i.device_name, i.sample_rate, i.channels, i.sample_format
        )?;
    }
    if let Some(f) = &s.imported_from {
        writeln!(
            out,
            "imported from {} ({} in {}, {} Hz, {} ch)",
            crate::ui::inert(&f.file),
            f.codec,
            f.container,
            f.sample_rate,
            f.channels
        )?;
    }
    writeln!(out, "folder {}", path.display())?;
    if transcribed && !colour {
        writeln!(out, "marks {}", crate::ui::PLAIN_LEGEND)?;
    }
    for a in &s.answers {
        writeln!(out)?;
        writeln!(
            out,
            "{:>2}. [{}] {}",
            a.number, a.question.category, a.question.text
        )?;
        let earlier: Vec<&str> = a
            .takes
            .iter()
            .filter(|t| Some(*t) != a.recording.file.as_ref())
            .map(|t| t.as_str())
            .collect();
        let earlier = (!earlier.is_empty()).then(|| earlier.join(", "));
        print_recording(&mut out, &a.recording, "    ", earlier, colour)?;
        for f in &a.follow_ups {
            writeln!(out, "    follow-up {}: {}", f.number, f.text)?;
            print_recording(&mut out, &f.recording, "      ", None, colour)?;
        }
        for r in &a.reviews {
            for line in review_lines(r, "    ") {
                writeln!(out, "{line}")?;
            }
        }
    }
    Ok(())
}
