//! `mockview sessions` (the list) and `mockview show SESSION` (one in full).

use crate::clock::local_minute;
use crate::session::{Recording, Session, SessionStore};
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

pub fn list(store: &SessionStore, json: bool) -> Result<()> {
    if let Some(notice) = super::left_open_notice(store) {
        eprintln!("{notice}");
    }
    let mut rows = Vec::new();
    for dir in store.list()? {
        rows.push(match dir.load() {
            Ok(s) => {
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
                eprintln!("warning: {e}");
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
    if json {
        super::print_json(&rows)?;
        return Ok(());
    }
    if rows.is_empty() {
        super::print_no_sessions(store)?;
        return Ok(());
    }
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

fn print_session(s: &Session, path: &std::path::Path) -> std::io::Result<()> {
    let colour = crate::ui::Console::detect().is_colour();
    let transcribed = s.answers.iter().any(|a| a.recording.transcript.is_some());
    writeln!(
        std::io::stdout().lock(),
        "Session {} · {}",
        s.id,
        s.status.as_str()
    )?;
    match s.ended_at {
        Some(end) => writeln!(
            std::io::stdout().lock(),
            "started {} · ended {}",
            local_minute(s.started_at),
            local_minute(end)
        )?,
        None => writeln!(
            std::io::stdout().lock(),
            "started {}",
            local_minute(s.started_at)
        )?,
    }
    if let Some(i) = &s.input {
        writeln!(
            std::io::stdout().lock(),
            "input {} ({}), {} Hz, {} ch, {}",
            i.device_id,
            i.device_name,
            i.sample_rate,
            i.channels,
            i.sample_format
        )?;
    }
    if let Some(f) = &s.imported_from {
        writeln!(
            std::io::stdout().lock(),
            "imported from {} ({} in {}, {} Hz, {} ch)",
            f.file,
            f.codec,
            f.container,
            f.sample_rate,
            f.channels
        )?;
    }
    writeln!(std::io::stdout().lock(), "folder {}", path.display())?;
    if transcribed && !colour {
        writeln!(
            std::io::stdout().lock(),
            "marks {}",
            crate::ui::PLAIN_LEGEND
        )?;
    }
    for a in &s.answers {
        writeln!(std::io::stdout().lock())?;
        writeln!(
            std::io::stdout().lock(),
            "{:>2}. [{}] {}",
            a.number,
            a.question.category,
            a.question.text
        )?;
        match &a.recording.file {
            Some(f) => writeln!(
                std::io::stdout().lock(),
                "    {} · {} · {}",
                a.recording.status.as_str(),
                crate::clock::clock_seconds(a.recording.duration_seconds),
                f
            )?,
            None => writeln!(
                std::io::stdout().lock(),
                "    {}",
                a.recording.status.as_str()
            )?,
        }
        let earlier: Vec<&String> = a
            .takes
            .iter()
            .filter(|t| Some(*t) != a.recording.file.as_ref())
            .collect();
        if !earlier.is_empty() {
            writeln!(
                std::io::stdout().lock(),
                "    earlier takes: {}",
                earlier
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )?;
        }
        if let (Some(m), Some(_)) = (&a.recording.metrics, &a.recording.file) {
            for line in m.detail_lines() {
                writeln!(std::io::stdout().lock(), "    {line}")?;
            }
        }
        if a.recording.dropped_frames > 0 {
            writeln!(
                std::io::stdout().lock(),
                "    {} frames lost during recording",
                a.recording.dropped_frames
            )?;
        }
        for line in said_lines(&a.recording, "    ", colour) {
            writeln!(std::io::stdout().lock(), "{line}")?;
        }
        for f in &a.follow_ups {
            let mut out = std::io::stdout().lock();
            writeln!(out, "    follow-up {}: {}", f.number, f.text)?;
            match &f.recording.file {
                Some(file) => writeln!(
                    out,
                    "      {} · {} · {file}",
                    f.recording.status.as_str(),
                    crate::clock::clock_seconds(f.recording.duration_seconds)
                )?,
                None => writeln!(out, "      {}", f.recording.status.as_str())?,
            }
            if let (Some(m), true) = (&f.recording.metrics, f.is_recorded()) {
                writeln!(out, "      {}", m.brief())?;
            }
            for line in said_lines(&f.recording, "      ", colour) {
                writeln!(out, "{line}")?;
            }
        }
        for r in &a.reviews {
            let scores: Vec<String> = r.scores.iter().map(|(k, v)| format!("{k} {v}")).collect();
            writeln!(
                std::io::stdout().lock(),
                "    review by {} ({}): {}",
                r.reviewer,
                local_minute(r.at),
                scores.join(", ")
            )?;
            if !r.notes.is_empty() {
                writeln!(std::io::stdout().lock(), "      {}", r.notes)?;
            }
        }
    }
    Ok(())
}
