//! Prints the content feedback's precision and recall on the evaluation
//! corpus (eval/stories.toml, eval/negative.toml): STAR parts by sentence,
//! `no_star`, `no_result` and negative talk, for the whole corpus, the part
//! the rules are tuned on, and the held-out sets (eval/README.md), then the
//! review set (eval/review-*.toml: adversarial, written knowing the rules,
//! a regression set reported apart, its mistakes always listed). Run by
//! scripts/eval-feedback.sh; the bounds are held by the tests of
//! src/content/eval.rs. `--mistakes` lists what was judged wrongly on the
//! tuned-on part only: the held-out batch (the highest number present)
//! stays unread. `--sentence-model DIR` (the all-MiniLM-L6-v2 folder,
//! scripts/test-embedder.sh) adds negative talk's figures with the
//! sentence model's judge (src/content/judge.rs) beside the rules alone's.

use mockview::content::eval::{
    negative_figures, parse_negative, parse_stories, star_figures, story_sentences_flagged, Subset,
    Transcription, NEGATIVE, REVIEW_NEGATIVE, REVIEW_STORIES, STORIES,
};
use mockview::content::{Combination, ContentRules, NegativeJudge, STAR_PARTS};
use mockview::semantic::Embedder;
use std::io::Write;

fn main() {
    // A closed pipe (`| head`) ends the listing quietly, not with a panic.
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    if let Err(e) = run(&mut out) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("eval_feedback: {e}");
            std::process::exit(1);
        }
    }
}

fn run(out: &mut impl Write) -> std::io::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mistakes = args.iter().any(|a| a == "--mistakes");
    let rules = ContentRules::default();
    // Negative talk by the rules alone, and with the sentence model's judge
    // when `--sentence-model DIR` names the model's folder.
    let mut negative_rules = vec![("rules only".to_string(), rules.clone())];
    if let Some(dir) = args
        .iter()
        .position(|a| a == "--sentence-model")
        .and_then(|i| args.get(i + 1))
    {
        let embedder = Embedder::load(std::path::Path::new(dir))
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        let shipped = NegativeJudge::new(embedder);
        // Each way of joining the rules and the judge, at the shipped
        // threshold; the shipped one named.
        for combination in Combination::ALL
            .into_iter()
            .filter(|&c| c != Combination::Rules)
        {
            let mut judge = shipped.clone();
            judge.weights.combination = combination;
            negative_rules.push((
                format!(
                    "{} (sentence model at {}){}",
                    combination.name(),
                    judge.weights.threshold,
                    if combination == shipped.weights.combination {
                        ", as shipped"
                    } else {
                        ""
                    }
                ),
                ContentRules {
                    negative_judge: Some(judge),
                    ..rules.clone()
                },
            ));
        }
    }
    let answers = parse_stories(STORIES).expect("eval/stories.toml is checked by the tests");
    let sentences = parse_negative(NEGATIVE).expect("eval/negative.toml is checked by the tests");
    // The highest batch present is held out (eval/README.md).
    let subsets = Subset::all(&answers, &sentences);
    for how in [
        Transcription::Written,
        Transcription::PausesOnly,
        Transcription::RunOn,
    ] {
        writeln!(out, "STAR by sentence, transcript punctuation: {how:?}")?;
        for &subset in &subsets {
            let f = star_figures(&answers, &rules, how, subset);
            writeln!(
                out,
                "  {}: {} answers, {} story sentences",
                subset.name(),
                f.answers,
                f.sentences
            )?;
            for (p, c) in f.parts.iter().enumerate() {
                writeln!(out, "    {:<10} {}", STAR_PARTS[p], c.line())?;
            }
            writeln!(out, "    {:<10} {}", "no_star", f.no_star.line())?;
            writeln!(out, "    {:<10} {}", "no_result", f.no_result.line())?;
            if mistakes && subset.lists_mistakes() {
                for (id, code, raised) in &f.flag_mistakes {
                    let what = if *raised { "raised wrongly" } else { "missed" };
                    writeln!(out, "      {id}: {code} {what}")?;
                }
                for (id, label, got, text) in &f.mistakes {
                    writeln!(out, "      {id}: {label} -> {got}: {text}")?;
                }
            }
        }
    }
    for (name, rules) in &negative_rules {
        writeln!(out, "Negative talk by sentence, {name}")?;
        for &subset in &subsets {
            let (c, wrong) = negative_figures(&sentences, rules, subset);
            writeln!(out, "  {}: {}", subset.name(), c.line())?;
            if mistakes && subset.lists_mistakes() {
                for (negative, text) in wrong {
                    writeln!(
                        out,
                        "      {}: {text}",
                        if negative { "missed" } else { "false alarm" }
                    )?;
                }
            }
        }
        // Ordinary answers: the story sentences flagged, each alone.
        for &subset in subsets
            .iter()
            .filter(|s| matches!(s, Subset::TunedOn { .. } | Subset::HeldOut(_)))
        {
            let (flagged, total) = story_sentences_flagged(&answers, rules, subset);
            writeln!(
                out,
                "  story sentences flagged, {}: {flagged} of {total}",
                subset.name()
            )?;
        }
    }
    let review =
        parse_stories(REVIEW_STORIES).expect("eval/review-stories.toml is checked by the tests");
    let review_sentences =
        parse_negative(REVIEW_NEGATIVE).expect("eval/review-negative.toml is checked by the tests");
    writeln!(
        out,
        "Review set (adversarial, written knowing the rules: a regression set)"
    )?;
    for how in [Transcription::Written, Transcription::PausesOnly] {
        let f = star_figures(&review, &rules, how, Subset::All);
        writeln!(
            out,
            "  STAR, {how:?}: {} answers, {} sentences, {} judged as labelled",
            f.answers,
            f.sentences,
            f.sentences as usize - f.mistakes.len()
        )?;
        for (id, code, raised) in &f.flag_mistakes {
            let what = if *raised { "raised wrongly" } else { "missed" };
            writeln!(out, "      {id}: {code} {what}")?;
        }
        for (id, label, got, text) in &f.mistakes {
            writeln!(out, "      {id}: {label} -> {got}: {text}")?;
        }
    }
    for (name, rules) in &negative_rules {
        let (c, wrong) = negative_figures(&review_sentences, rules, Subset::All);
        writeln!(
            out,
            "  negative talk, {name}: {} innocent sentences, {} accused",
            review_sentences.len(),
            c.false_positive
        )?;
        for (_, text) in wrong {
            writeln!(out, "      false alarm: {text}")?;
        }
    }
    Ok(())
}
