//! `mockview stats`: progress across sessions. Per session (pace, pauses,
//! answer length, time to the first word, review scores), the trend over
//! time, and per question. Reads the logs only; an answer whose log has no
//! metrics is analysed from its WAV (older sessions, or an analysis that
//! failed when it was recorded).

use crate::analysis::{analyze_wav, AnalysisConfig, Metrics};
use crate::session::{AnswerStatus, Session, SessionStore};
use crate::ui::Console;
use anyhow::Result;
use serde::Serialize;
use std::collections::BTreeMap;

/// The review criteria, in the order they are shown.
const CRITERIA: [&str; 5] = [
    "structure",
    "relevance",
    "specificity",
    "clarity",
    "delivery",
];

#[derive(Serialize)]
struct SessionStats {
    id: String,
    started_at: String,
    /// Local date, YYYY-MM-DD.
    date: String,
    /// Answers with a recording.
    answers: usize,
    /// Averages over the answers with metrics; `null` when there are none.
    average_answer_seconds: Option<f64>,
    pace_wpm: Option<f64>,
    pauses_per_minute: Option<f64>,
    first_word_seconds: Option<f64>,
    /// Average review score (1-5) per criterion over every review.
    scores: BTreeMap<String, f64>,
}

#[derive(Serialize)]
struct QuestionStats {
    id: String,
    text: String,
    category: String,
    practised: usize,
    last_practised: String,
    /// Average scores of the latest reviewed answer to this question.
    latest_scores: BTreeMap<String, f64>,
}

#[derive(Serialize)]
struct Skipped {
    id: String,
    error: String,
}

#[derive(Serialize)]
struct Stats {
    /// Oldest first.
    sessions: Vec<SessionStats>,
    /// Each series oldest first, one value per session that has it.
    trend: BTreeMap<&'static str, Vec<f64>>,
    /// Most practised first.
    questions: Vec<QuestionStats>,
    skipped: Vec<Skipped>,
}

pub fn run(store: &SessionStore, json: bool) -> Result<()> {
    let mut logs = Vec::new();
    let mut skipped = Vec::new();
    for dir in store.list()?.into_iter().rev() {
        match dir.load() {
            Ok(s) => logs.push((dir, s)),
            Err(e) => {
                eprintln!("warning: skipped session {}: {e}", dir.id);
                skipped.push(Skipped {
                    id: dir.id,
                    error: e.to_string(),
                });
            }
        }
    }
    let config = AnalysisConfig::default();
    let mut sessions = Vec::new();
    for (dir, log) in &logs {
        let metrics: Vec<Metrics> = log
            .answers
            .iter()
            .filter_map(|a| {
                let file = a.file.as_deref()?;
                if let Some(m) = &a.metrics {
                    return Some(m.clone());
                }
                match analyze_wav(&dir.path.join(file), &config) {
                    Ok(m) => Some(m),
                    Err(e) => {
                        eprintln!("warning: session {}: {e}", dir.id);
                        None
                    }
                }
            })
            .collect();
        sessions.push(session_stats(log, &metrics));
    }
    let stats = Stats {
        trend: trend(&sessions),
        questions: question_stats(logs.iter().map(|(_, s)| s)),
        sessions,
        skipped,
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&stats)?);
    } else {
        print_text(&stats, Console::detect(), store);
    }
    Ok(())
}

fn mean(values: impl Iterator<Item = f64>) -> Option<f64> {
    let (n, sum) = values.fold((0usize, 0.0), |(n, s), v| (n + 1, s + v));
    (n > 0).then(|| sum / n as f64)
}

fn local_date(t: jiff::Timestamp) -> String {
    t.to_zoned_datetime(jiff::tz::TimeZone::system())
        .strftime("%Y-%m-%d")
        .to_string()
}

fn session_stats(log: &Session, metrics: &[Metrics]) -> SessionStats {
    // Pauses per minute of answer time (first word to end of last word),
    // over the whole session, so short answers do not weigh as much.
    let (pauses, minutes) = metrics.iter().fold((0usize, 0.0), |(p, t), m| {
        let answer = m.duration_seconds - m.first_word_seconds - m.trailing_silence_seconds;
        (p + m.pauses.len(), t + answer.max(0.0) / 60.0)
    });
    let mut scores: BTreeMap<String, (f64, usize)> = BTreeMap::new();
    for r in log.answers.iter().flat_map(|a| &a.reviews) {
        for (k, v) in &r.scores {
            let e = scores.entry(k.clone()).or_default();
            e.0 += f64::from(*v);
            e.1 += 1;
        }
    }
    let spoken: Vec<&Metrics> = metrics.iter().filter(|m| m.syllables > 0).collect();
    SessionStats {
        id: log.id.clone(),
        started_at: log.started_at.to_string(),
        date: local_date(log.started_at),
        answers: log.answers.iter().filter(|a| a.file.is_some()).count(),
        average_answer_seconds: mean(metrics.iter().map(|m| m.duration_seconds)),
        pace_wpm: mean(spoken.iter().map(|m| m.words_per_minute)),
        pauses_per_minute: (minutes > 0.0).then(|| pauses as f64 / minutes),
        first_word_seconds: mean(spoken.iter().map(|m| m.first_word_seconds)),
        scores: scores
            .into_iter()
            .map(|(k, (sum, n))| (k, sum / n as f64))
            .collect(),
    }
}

/// The series shown as the trend, with their labels.
const SERIES: [(&str, &str); 4] = [
    ("pace_wpm", "pace (wpm)"),
    ("pauses_per_minute", "pauses / min"),
    ("average_answer_seconds", "answer length (s)"),
    ("first_word_seconds", "first word (s)"),
];

fn series_value(s: &SessionStats, key: &str) -> Option<f64> {
    match key {
        "pace_wpm" => s.pace_wpm,
        "pauses_per_minute" => s.pauses_per_minute,
        "average_answer_seconds" => s.average_answer_seconds,
        "first_word_seconds" => s.first_word_seconds,
        criterion => s.scores.get(criterion).copied(),
    }
}

fn trend(sessions: &[SessionStats]) -> BTreeMap<&'static str, Vec<f64>> {
    SERIES
        .iter()
        .map(|(k, _)| *k)
        .chain(CRITERIA)
        .map(|k| {
            (
                k,
                sessions
                    .iter()
                    .filter_map(|s| series_value(s, k))
                    .collect::<Vec<f64>>(),
            )
        })
        .filter(|(_, v)| !v.is_empty())
        .collect()
}

fn question_stats<'a>(logs: impl Iterator<Item = &'a Session>) -> Vec<QuestionStats> {
    let mut by_id: BTreeMap<String, QuestionStats> = BTreeMap::new();
    // Logs come oldest first, so the last answer seen is the latest.
    for log in logs {
        for a in log
            .answers
            .iter()
            .filter(|a| a.status == AnswerStatus::Recorded && a.file.is_some())
        {
            let q = by_id
                .entry(a.question.id.clone())
                .or_insert_with(|| QuestionStats {
                    id: a.question.id.clone(),
                    text: a.question.text.clone(),
                    category: a.question.category.clone(),
                    practised: 0,
                    last_practised: String::new(),
                    latest_scores: BTreeMap::new(),
                });
            q.practised += 1;
            q.last_practised = local_date(log.started_at);
            if !a.reviews.is_empty() {
                let mut sums: BTreeMap<String, (f64, usize)> = BTreeMap::new();
                for (k, v) in a.reviews.iter().flat_map(|r| &r.scores) {
                    let e = sums.entry(k.clone()).or_default();
                    e.0 += f64::from(*v);
                    e.1 += 1;
                }
                q.latest_scores = sums
                    .into_iter()
                    .map(|(k, (s, n))| (k, s / n as f64))
                    .collect();
            }
        }
    }
    let mut v: Vec<QuestionStats> = by_id.into_values().collect();
    v.sort_by(|a, b| {
        b.practised
            .cmp(&a.practised)
            .then_with(|| b.last_practised.cmp(&a.last_practised))
            .then_with(|| a.id.cmp(&b.id))
    });
    v
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

fn print_text(stats: &Stats, console: Console, store: &SessionStore) {
    if stats.sessions.is_empty() {
        println!(
            "no sessions yet in {} (start one with `mockview practice`)",
            store.root().display()
        );
        return;
    }
    let reviewed: Vec<&str> = CRITERIA
        .iter()
        .copied()
        .filter(|c| stats.sessions.iter().any(|s| s.scores.contains_key(*c)))
        .collect();
    println!("Sessions (oldest first)");
    let mut header = format!(
        "{:<20} {:<10} {:>7} {:>9} {:>5} {:>9} {:>10}",
        "id", "date", "answers", "avg len s", "wpm", "pauses/m", "1st word s"
    );
    for c in &reviewed {
        header.push_str(&format!(" {:>11}", c));
    }
    println!("{header}");
    for s in &stats.sessions {
        let mut row = format!(
            "{:<20} {:<10} {:>7} {:>9} {:>5} {:>9} {:>10}",
            s.id,
            s.date,
            s.answers,
            opt(s.average_answer_seconds, 0),
            opt(s.pace_wpm, 0),
            opt(s.pauses_per_minute, 1),
            opt(s.first_word_seconds, 1)
        );
        for c in &reviewed {
            row.push_str(&format!(" {:>11}", opt(s.scores.get(*c).copied(), 1)));
        }
        println!("{row}");
    }

    println!();
    println!("Trend (oldest → newest)");
    let labels = SERIES
        .iter()
        .copied()
        .chain(reviewed.iter().map(|c| (*c, *c)));
    for (key, label) in labels {
        let Some(v) = stats.trend.get(key).filter(|v| !v.is_empty()) else {
            continue;
        };
        let (first, last) = (v[0], v[v.len() - 1]);
        if console.is_interactive() {
            // One character a session: the latest ones fit on a line.
            let recent = &v[v.len().saturating_sub(SPARK_WIDTH)..];
            println!(
                "  {label:<18} {}  {first:.1} → {last:.1}",
                sparkline(recent)
            );
        } else {
            let lo = v.iter().copied().fold(f64::INFINITY, f64::min);
            let hi = v.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            println!(
                "  {label:<18} first {first:>6.1}  last {last:>6.1}  min {lo:>6.1}  max {hi:>6.1}  sessions {}",
                v.len()
            );
        }
    }

    println!();
    println!("Questions (most practised first)");
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
        println!(
            "  {:>3}×  last {}  {}{}",
            q.practised, q.last_practised, q.text, scores
        );
    }
    if !stats.skipped.is_empty() {
        println!();
        println!(
            "{} session{} skipped (unreadable log; see the warnings above)",
            stats.skipped.len(),
            if stats.skipped.len() == 1 { "" } else { "s" }
        );
    }
}
