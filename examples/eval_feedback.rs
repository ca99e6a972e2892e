//! Prints the content feedback's precision and recall on the evaluation
//! corpus (eval/stories.toml, eval/negative.toml): STAR parts by sentence,
//! `no_star`, `no_result` and negative talk, for the whole corpus and for
//! its held-out quarter. Run by scripts/eval-feedback.sh; the bounds are
//! held by the tests of src/content/eval.rs. `--mistakes` lists what was
//! judged wrongly.

use mockview::content::eval::{
    held_out, held_out_pair, negative_figures, parse_negative, parse_stories, star_figures,
    Transcription, NEGATIVE, STORIES,
};
use mockview::content::{ContentRules, STAR_PARTS};

/// A named part of the corpus: which items (by index in their file) it keeps.
type Subset = (&'static str, fn(usize) -> bool);

fn main() {
    let mistakes = std::env::args().any(|a| a == "--mistakes");
    let rules = ContentRules::default();
    let answers = parse_stories(STORIES).expect("eval/stories.toml is checked by the tests");
    let sentences = parse_negative(NEGATIVE).expect("eval/negative.toml is checked by the tests");
    let subsets: [Subset; 3] = [
        ("all", |_| true),
        ("tuned on (3 of 4)", |i| !held_out(i)),
        ("held out (every 4th)", held_out),
    ];
    for how in [
        Transcription::Written,
        Transcription::PausesOnly,
        Transcription::RunOn,
    ] {
        println!("STAR by sentence, transcript punctuation: {how:?}");
        for (name, keep) in subsets {
            let f = star_figures(&answers, &rules, how, keep);
            println!(
                "  {name}: {} answers, {} story sentences",
                f.answers, f.sentences
            );
            for (p, c) in f.parts.iter().enumerate() {
                println!("    {:<10} {}", STAR_PARTS[p], c.line());
            }
            println!("    {:<10} {}", "no_star", f.no_star.line());
            println!("    {:<10} {}", "no_result", f.no_result.line());
            if mistakes && name == "tuned on (3 of 4)" {
                for (id, code, raised) in &f.flag_mistakes {
                    let what = if *raised { "raised wrongly" } else { "missed" };
                    println!("      {id}: {code} {what}");
                }
                for (id, label, got, text) in &f.mistakes {
                    println!("      {id}: {label} -> {got}: {text}");
                }
            }
        }
    }
    println!("Negative talk by sentence");
    let pairs: [Subset; 3] = [
        ("all", |_| true),
        ("tuned on (3 of 4)", |i| !held_out_pair(i)),
        ("held out (every 4th pair)", held_out_pair),
    ];
    for (name, keep) in pairs {
        let (c, wrong) = negative_figures(&sentences, &rules, keep);
        println!("  {name}: {}", c.line());
        if mistakes && name == "tuned on (3 of 4)" {
            for (negative, text) in wrong {
                println!(
                    "      {}: {text}",
                    if negative { "missed" } else { "false alarm" }
                );
            }
        }
    }
}
