//! `mockview questions`: list the banks' questions, show one, check a bank file.

use crate::cli::{QuestionsAction, QuestionsArgs};
use crate::questions::{self, Order, Question, SelectionRequest};
use anyhow::Result;
use serde::Serialize;
use std::collections::HashMap;
use std::io::Write;

pub fn run(args: QuestionsArgs) -> Result<()> {
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
            let banks = questions::resolve_banks(&args.banks)?;
            let q = banks
                .iter()
                .flat_map(|b| &b.questions)
                .find(|q| q.id == id)
                .ok_or_else(|| anyhow::anyhow!("no question `{id}` (see `mockview questions`)"))?;
            if args.json {
                writeln!(
                    std::io::stdout().lock(),
                    "{}",
                    serde_json::to_string_pretty(q)?
                )?;
            } else {
                print_full(q)?;
            }
            Ok(())
        }
        None => list(&args),
    }
}

#[derive(Serialize)]
struct Listed<'a> {
    bank: &'a str,
    #[serde(flatten)]
    question: &'a Question,
}

fn list(args: &QuestionsArgs) -> Result<()> {
    let banks = questions::resolve_banks(&args.banks)?;
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
        },
    )?;
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
        writeln!(
            std::io::stdout().lock(),
            "{}",
            serde_json::to_string_pretty(&rows)?
        )?;
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
