//! `mockview stats`: progress across sessions. Per session (pace, pauses,
//! answer length, time to the first word, review scores), the trend over
//! time (with fillers and hedges per minute once answers are
//! transcribed), and per question. The figures come from [`crate::progress`]; this
//! command loads them, reports what could not be read, and formats them as
//! text (a table, sparklines on a terminal) or one JSON document.

use crate::analysis::AnalysisConfig;
use crate::progress::{
    question_progress, trend, History, QuestionProgress, SessionProgress, Skipped, TREND_SERIES,
};
use crate::session::SessionStore;
use crate::ui::Console;
use anyhow::Result;
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;

/// The `--json` document.
#[derive(Serialize)]
struct Stats {
    /// Oldest first.
    sessions: Vec<SessionProgress>,
    /// Each series oldest first, one value per session that has it.
    trend: BTreeMap<&'static str, Vec<f64>>,
    /// Most practised first.
    questions: Vec<QuestionProgress>,
    skipped: Vec<Skipped>,
}

pub fn run(store: &SessionStore, json: bool) -> Result<()> {
    let history = History::load(store, &AnalysisConfig::default(), |_| true)?;
    for s in &history.skipped {
        crate::ui::stderr_line(format!("warning: skipped session {}: {}", s.id, s.error));
    }
    for u in &history.unanalysed {
        crate::ui::stderr_line(format!("warning: session {}: {}", u.session, u.error));
    }
    let stats = Stats {
        trend: trend(&history.sessions),
        questions: question_progress(history.logs.iter()),
        sessions: history.sessions,
        skipped: history.skipped,
    };
    if json {
        super::print_json(&stats)?;
    } else {
        print_text(&stats, Console::detect(), store)?;
    }
    Ok(())
}

/// The label of each series of the trend.
fn label(key: &str) -> &str {
    match key {
        "pace_wpm" => "pace (wpm)",
        "pauses_per_minute" => "pauses / min",
        "average_answer_seconds" => "answer length (s)",
        "first_word_seconds" => "first word (s)",
        "pitch_sd_semitones" => "pitch var. (st)",
        "fillers_per_minute" => "fillers / min",
        "hedges_per_minute" => "hedges / min",
        criterion => criterion,
    }
}

/// Sessions shown in a sparkline (the latest).
const SPARK_WIDTH: usize = 40;

/// `▁▂▃▄▅▆▇█`, scaled between the series' minimum and maximum.
fn sparkline(values: &[f64]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), &v| {
            (l.min(v), h.max(v))
        });
    values
        .iter()
        .map(|&v| {
            let x = if hi > lo { (v - lo) / (hi - lo) } else { 0.5 };
            BARS[((x * 7.0).round() as usize).min(7)]
        })
        .collect()
}

fn opt(v: Option<f64>, decimals: usize) -> String {
    v.map_or("-".to_string(), |v| format!("{v:.decimals$}"))
}

fn print_text(stats: &Stats, console: Console, store: &SessionStore) -> std::io::Result<()> {
    if stats.sessions.is_empty() {
        super::print_no_sessions(store)?;
        return Ok(());
    }
    let reviewed: Vec<&str> = crate::session::criterion_keys()
        .filter(|c| stats.sessions.iter().any(|s| s.scores.contains_key(*c)))
        .collect();
    writeln!(std::io::stdout().lock(), "Sessions (oldest first)")?;
    let mut header = format!(
        "{:<20} {:<10} {:>7} {:>9} {:>5} {:>9} {:>10} {:>8}",
        "id", "date", "answers", "avg len s", "wpm", "pauses/m", "1st word s", "pitch st"
    );
    for c in &reviewed {
        header.push_str(&format!(" {:>11}", c));
    }
    writeln!(std::io::stdout().lock(), "{header}")?;
    for s in &stats.sessions {
        let mut row = format!(
            "{:<20} {:<10} {:>7} {:>9} {:>5} {:>9} {:>10} {:>8}",
            s.id,
            s.date,
            s.answers,
            opt(s.average_answer_seconds, 0),
            opt(s.pace_wpm, 0),
            opt(s.pauses_per_minute, 1),
            opt(s.first_word_seconds, 1),
            opt(s.pitch_sd_semitones, 1)
        );
        for c in &reviewed {
            row.push_str(&format!(" {:>11}", opt(s.scores.get(*c).copied(), 1)));
        }
        writeln!(std::io::stdout().lock(), "{row}")?;
    }

    writeln!(std::io::stdout().lock())?;
    writeln!(std::io::stdout().lock(), "Trend (oldest → newest)")?;
    for key in TREND_SERIES.iter().chain(&reviewed) {
        let label = label(key);
        let Some(v) = stats.trend.get(key).filter(|v| !v.is_empty()) else {
            continue;
        };
        let (first, last) = (v[0], v[v.len() - 1]);
        if console.is_interactive() {
            // One character a session: the latest ones fit on a line.
            let recent = &v[v.len().saturating_sub(SPARK_WIDTH)..];
            writeln!(
                std::io::stdout().lock(),
                "  {label:<18} {}  {first:.1} → {last:.1}",
                sparkline(recent)
            )?;
        } else {
            let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            writeln!(std::io::stdout().lock(),
                "  {label:<18} first {first:>6.1}  last {last:>6.1}  min {lo:>6.1}  max {hi:>6.1}  sessions {}",
                v.len()
            )?;
        }
    }

    writeln!(std::io::stdout().lock())?;
    writeln!(std::io::stdout().lock(), "Questions (most practised first)")?;
    for q in &stats.questions {
        let scores = if q.latest_scores.is_empty() {
            String::new()
        } else {
            let s: Vec<String> = q
                .latest_scores
                .iter()
                .map(|(k, v)| format!("{k} {v:.1}"))
                .collect();
            format!(" · latest scores: {}", s.join(", "))
        };
        writeln!(
            std::io::stdout().lock(),
            "  {:>3}×  last {}  {}{}",
            q.practised,
            q.last_practised,
            q.text,
            scores
        )?;
    }
    if !stats.skipped.is_empty() {
        writeln!(std::io::stdout().lock())?;
        writeln!(
            std::io::stdout().lock(),
            "{} session{} skipped (unreadable log; see the warnings above)",
            stats.skipped.len(),
            if stats.skipped.len() == 1 { "" } else { "s" }
        )?;
    }
    Ok(())
}
