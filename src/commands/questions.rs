//! `mockview questions`: list the banks' questions, show one, check a bank
//! file; `--history`: how each was practised in the sessions.

use crate::cli::{QuestionsAction, QuestionsArgs};
use crate::progress::{store_question_progress, QuestionProgress};
use crate::questions::{self, Order, Question, SelectionRequest};
use crate::session::SessionStore;
use anyhow::Result;
use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;

pub fn run(args: QuestionsArgs, store: &SessionStore) -> Result<()> {
    match args.action {
        Some(QuestionsAction::Check { file }) => {
            let bank = questions::load_bank_file(&file)?;
            let cats = questions::categories(std::slice::from_ref(&bank));
            writeln!(
                std::io::stdout().lock(),
                "{}: ok, {} question{} in {} categor{} ({})",
                file.display(),
                bank.questions.len(),
                if bank.questions.len() == 1 { "" } else { "s" },
                cats.len(),
                if cats.len() == 1 { "y" } else { "ies" },
                cats.join(", ")
            )?;
            Ok(())
        }
        Some(QuestionsAction::Show { id }) => {
            let banks = questions::resolve_banks(&args.bank.banks)?;
            let q = banks
                .iter()
                .flat_map(|b| &b.questions)
                .find(|q| q.id == id)
                .ok_or_else(|| anyhow::anyhow!("no question `{id}` (see `mockview questions`)"))?;
            if args.json {
                super::print_json(q)?;
            } else {
                print_full(q)?;
            }
            Ok(())
        }
        None if args.history => history(&args, store),
        None => list(&args),
    }
}

#[derive(Serialize)]
struct Listed<'a> {
    bank: &'a str,
    #[serde(flatten)]
    question: &'a Question,
}

/// The banks' questions of the chosen categories, in bank order.
fn listed(args: &QuestionsArgs) -> Result<(Vec<questions::QuestionBank>, Vec<Question>)> {
    let banks = questions::resolve_banks(&args.bank.banks)?;
    let total: usize = banks.iter().map(|b| b.questions.len()).sum();
    // `select` in listed order validates the categories and filters by them.
    let chosen = questions::select(
        &banks,
        &SelectionRequest {
            count: total.max(1),
            categories: &args.categories,
            order: Order::Listed,
            seed: 0,
            history: &HashMap::new(),
            only: &[],
        },
    )
    .map_err(|e| super::selection_error(e, &crate::config::Source::Flag))?;
    Ok((banks, chosen))
}

#[derive(Serialize)]
struct Practised<'a> {
    id: &'a str,
    text: &'a str,
    category: &'a str,
    practised: usize,
    /// Local date, YYYY-MM-DD; null when never practised.
    last_practised: Option<&'a str>,
    latest_scores: Option<&'a std::collections::BTreeMap<String, f64>>,
    latest_flags: usize,
}

/// `questions --history`: per question, how often it was practised, when
/// last, the latest review's scores and the latest answer's flags.
fn history(args: &QuestionsArgs, store: &SessionStore) -> Result<()> {
    let (_, chosen) = listed(args)?;
    let progress: HashMap<String, QuestionProgress> = store_question_progress(store)
        .into_iter()
        .map(|p| (p.id.clone(), p))
        .collect();
    let rows: Vec<Practised> = chosen
        .iter()
        .map(|q| {
            let p = progress.get(&q.id);
            Practised {
                id: &q.id,
                text: &q.text,
                category: &q.category,
                practised: p.map_or(0, |p| p.practised),
                last_practised: p.map(|p| p.last_practised.as_str()),
                latest_scores: p.map(|p| &p.latest_scores).filter(|s| !s.is_empty()),
                latest_flags: p.map_or(0, |p| p.latest_flags),
            }
        })
        .collect();
    if args.json {
        return super::print_json(&rows);
    }
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "{:<44} {:>9}  {:<10}  {:>5}  {:>5}  latest scores",
        "question", "practised", "last", "score", "flags"
    )?;
    for (r, q) in rows.iter().zip(&chosen) {
        let past = progress.get(&q.id).map(QuestionProgress::past);
        let score = past
            .and_then(|p| p.latest_score)
            .map_or("-".to_string(), |s| format!("{s:.1}"));
        let scores = r.latest_scores.map_or(String::new(), |s| {
            s.iter()
                .map(|(k, v)| format!("{k} {v:.1}"))
                .collect::<Vec<_>>()
                .join(", ")
        });
        writeln!(
            out,
            "{:<44} {:>9}  {:<10}  {:>5}  {:>5}  {}",
            r.id,
            r.practised,
            r.last_practised.unwrap_or("never"),
            score,
            r.latest_flags,
            scores
        )?;
    }
    let practised = rows.iter().filter(|r| r.practised > 0).count();
    writeln!(
        out,
        "\n{practised} of {} question{} practised · `mockview practice --order weakest` drills the weakest",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    )?;
    Ok(())
}

fn list(args: &QuestionsArgs) -> Result<()> {
    let (banks, chosen) = listed(args)?;
    let bank_of = |q: &Question| {
        banks
            .iter()
            .find(|b| b.questions.iter().any(|x| x.id == q.id))
            .map_or("", |b| b.name.as_str())
    };
    if args.json {
        let rows: Vec<Listed> = chosen
            .iter()
            .map(|q| Listed {
                bank: bank_of(q),
                question: q,
            })
            .collect();
        super::print_json(&rows)?;
        return Ok(());
    }
    let mut category = String::new();
    for q in &chosen {
        if q.category != category {
            category = q.category.clone();
            writeln!(
                std::io::stdout().lock(),
                "\n{} ({})",
                questions::category_title(&category),
                category
            )?;
        }
        writeln!(std::io::stdout().lock(), "  {:<44} {}", q.id, q.text)?;
    }
    writeln!(
        std::io::stdout().lock(),
        "\n{} question{} · `mockview questions show ID` for tips",
        chosen.len(),
        if chosen.len() == 1 { "" } else { "s" }
    )?;
    Ok(())
}

fn print_full(q: &Question) -> std::io::Result<()> {
    writeln!(std::io::stdout().lock(), "{}", q.text)?;
    writeln!(
        std::io::stdout().lock(),
        "id: {} · category: {}",
        q.id,
        q.category
    )?;
    if let Some(l) = q.limit_seconds {
        writeln!(std::io::stdout().lock(), "time limit: {l} s")?;
    }
    if let Some(t) = &q.tips {
        writeln!(std::io::stdout().lock(), "tip: {t}")?;
    }
    for f in &q.follow_ups {
        writeln!(std::io::stdout().lock(), "follow-up: {f}")?;
    }
    Ok(())
}
