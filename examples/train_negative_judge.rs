//! Trains the negative-talk judge (src/content/judge.rs) and chooses how it
//! joins the rules, from the tuned-on batches of the corpus only (1 to
//! `READ_THROUGH_BATCH`; the held-out batch is never read here), and
//! writes phrases/negative-embedding.toml:
//!   cargo run --example train_negative_judge -- MODEL_DIR [--write]
//! MODEL_DIR: the all-MiniLM-L6-v2 folder (scripts/test-embedder.sh);
//! without `--write` it prints the figures only.
//!
//! The judge is a logistic regression on each sentence's unit vector,
//! without regularisation: full-batch gradient descent from zero weights,
//! `STEPS` steps of `RATE`, in f64 and a fixed order, so every run gives
//! the same weights. Two training sets are compared: eval/negative.toml's
//! labelled sentences alone, and those plus every sentence of the story
//! answers of eval/stories.toml as innocent (they carry no negative-talk
//! label; told in STAR answers, a coach would accuse almost none). The
//! training set, the threshold and the combination (rules only, judge
//! only, rules OR judge, rules AND judge) are chosen by leave-one-batch-out
//! cross-validation over the tuned-on batches: each batch judged by
//! weights trained on the others. Precision counts every story sentence
//! flagged as a false accusation too, since the feedback reads ordinary
//! answers far more than complaints: among the choices whose pooled
//! precision is at least `PRECISION_FLOOR` (a wrong accusation is worse
//! than a miss), the highest recall, then the highest precision, then the
//! highest threshold. The weights shipped are then trained on all the
//! tuned-on batches.

use mockview::content::eval::{
    judged_negative, parse_negative, parse_stories, Counts, NEGATIVE, READ_THROUGH_BATCH, STORIES,
};
use mockview::content::{Combination, ContentRules, JudgeWeights};
use mockview::semantic::{Embedder, DIMENSIONS, MODEL_FOLDER};
use ndarray::{Array2, Axis};

const STEPS: usize = 20_000;
const RATE: f64 = 4.0;
const PRECISION_FLOOR: f64 = 0.95;
const THRESHOLDS: [f64; 11] = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.925, 0.95, 0.97, 0.98, 0.99];
const OUT: &str = "phrases/negative-embedding.toml";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let write = args.iter().any(|a| a == "--write");
    let Some(dir) = args.iter().find(|a| !a.starts_with("--")) else {
        eprintln!("usage: train_negative_judge MODEL_DIR [--write]   (MODEL_DIR: scripts/test-embedder.sh)");
        std::process::exit(2);
    };
    let embedder = match Embedder::load(std::path::Path::new(dir)) {
        Ok(e) => e,
        Err(e) => {
            eprintln!("train_negative_judge: {e}");
            std::process::exit(1);
        }
    };
    let rules = ContentRules::default();
    // The labelled sentences, then the story sentences (innocent).
    let mut set: Vec<Example> = parse_negative(NEGATIVE)
        .expect("eval/negative.toml is checked by the tests")
        .into_iter()
        .filter(|s| s.batch <= READ_THROUGH_BATCH)
        .map(|s| Example {
            by_rules: judged_negative(&s.text, &rules),
            text: s.text,
            batch: s.batch,
            negative: s.negative,
            story: false,
        })
        .collect();
    let labelled = set.len();
    for a in parse_stories(STORIES).expect("eval/stories.toml is checked by the tests") {
        if a.batch > READ_THROUGH_BATCH || !a.story {
            continue;
        }
        for (_, text) in a.sentences {
            set.push(Example {
                by_rules: judged_negative(&text, &rules),
                text,
                batch: a.batch,
                negative: false,
                story: true,
            });
        }
    }
    let n = set.len();
    let mut x = Array2::<f64>::zeros((n, DIMENSIONS));
    for (i, e) in set.iter().enumerate() {
        // The sentence as the content feedback gives it to the judge: its
        // words joined by one space.
        let text = e.text.split_whitespace().collect::<Vec<_>>().join(" ");
        for (j, v) in embedder.embed(&text).into_iter().enumerate() {
            x[[i, j]] = f64::from(v);
        }
    }
    let y: Vec<f64> = set
        .iter()
        .map(|e| f64::from(u8::from(e.negative)))
        .collect();
    println!(
        "Batches 1-{READ_THROUGH_BATCH}: {labelled} labelled sentences ({} negative), {} story sentences ({} flagged by the rules)",
        set.iter().filter(|e| e.negative).count(),
        n - labelled,
        set.iter().filter(|e| e.story && e.by_rules).count()
    );

    let mut best: Option<(Training, Combination, f64, Counts, usize)> = None;
    for training in [Training::Labelled, Training::WithStories] {
        let trains = |i: usize| training == Training::WithStories || !set[i].story;
        // Leave one batch out: every sentence of batch b (stories too)
        // judged by weights trained on the other batches.
        let mut p = vec![0.0; n];
        for b in 1..=READ_THROUGH_BATCH {
            let train: Vec<usize> = (0..n).filter(|&i| set[i].batch != b && trains(i)).collect();
            let (w, c) = fit(
                &x.select(Axis(0), &train),
                &train.iter().map(|&i| y[i]).collect::<Vec<_>>(),
            );
            for i in (0..n).filter(|&i| set[i].batch == b) {
                p[i] = probability(&w, c, &x.row(i).to_vec());
            }
        }
        println!(
            "Leave one batch out, trained on {} (precision counts flagged story sentences as false accusations):",
            training.name()
        );
        for combination in Combination::ALL {
            if combination == Combination::Rules && training == Training::WithStories {
                continue;
            }
            let thresholds: &[f64] = if combination == Combination::Rules {
                &[1.0]
            } else {
                &THRESHOLDS
            };
            for &t in thresholds {
                let mut f = Counts::default();
                let mut stories_flagged = 0;
                for (i, e) in set.iter().enumerate() {
                    let said = combination.verdict(e.by_rules, || p[i] >= t);
                    f.add(said, e.negative);
                    stories_flagged += usize::from(said && e.story);
                }
                let at = if combination == Combination::Rules {
                    String::new()
                } else {
                    format!(" at {t}")
                };
                println!(
                    "  {}{at}: {} ({stories_flagged} story sentences flagged)",
                    combination.name(),
                    f.line()
                );
                let better = match &best {
                    None => true,
                    Some((_, _, bt, bf, _)) => {
                        (f.recall(), f.precision(), t) > (bf.recall(), bf.precision(), *bt)
                    }
                };
                if f.precision() >= PRECISION_FLOOR && better {
                    best = Some((training, combination, t, f, stories_flagged));
                }
            }
        }
    }
    let Some((training, combination, threshold, f, stories_flagged)) = best else {
        eprintln!("train_negative_judge: no choice reaches precision {PRECISION_FLOOR}");
        std::process::exit(1);
    };
    println!(
        "Chosen: {} at {threshold}, trained on {} (precision >= {PRECISION_FLOOR}, then recall): {}",
        combination.name(),
        training.name(),
        f.line()
    );
    let train: Vec<usize> = (0..n)
        .filter(|&i| training == Training::WithStories || !set[i].story)
        .collect();
    let (w, c) = fit(
        &x.select(Axis(0), &train),
        &train.iter().map(|&i| y[i]).collect::<Vec<_>>(),
    );
    let weights = JudgeWeights {
        model: MODEL_FOLDER.to_string(),
        trained_on: (1..=READ_THROUGH_BATCH).collect(),
        combination,
        threshold,
        bias: round(c),
        weights: w.iter().map(|&v| round(v)).collect(),
    };
    if write {
        let text = format!(
            "# The negative-talk judge (src/content/judge.rs): logistic regression on a\n\
             # sentence's all-MiniLM-L6-v2 vector (Apache-2.0, src/semantic/), trained on\n\
             # batches 1-{READ_THROUGH_BATCH} of {} ({} sentences)\n\
             # by examples/train_negative_judge.rs, which also chose the training set,\n\
             # the threshold and the combination with the rules by leave-one-batch-out\n\
             # cross-validation (precision >= {PRECISION_FLOOR}, story sentences flagged\n\
             # counted as false accusations, then recall).\n\
             # Cross-validated: {}; {stories_flagged} of {} story sentences flagged.\n\
             # Generated: run it again rather than edit.\n{}",
            training.name(),
            train.len(),
            f.line(),
            n - labelled,
            toml::to_string(&weights).expect("plain data")
        );
        let tmp = format!("{OUT}.tmp");
        std::fs::write(&tmp, text)
            .and_then(|_| std::fs::rename(&tmp, OUT))
            .unwrap_or_else(|e| {
                eprintln!("train_negative_judge: cannot write {OUT}: {e}");
                std::process::exit(1);
            });
        println!("Wrote {OUT}");
    }
}

/// A sentence of the training data.
struct Example {
    text: String,
    batch: u32,
    negative: bool,
    /// From a story answer: no label, counted innocent.
    story: bool,
    by_rules: bool,
}

/// What the judge is trained on.
#[derive(Clone, Copy, PartialEq)]
enum Training {
    /// eval/negative.toml's labelled sentences.
    Labelled,
    /// Those and the story sentences as innocent.
    WithStories,
}

impl Training {
    fn name(self) -> &'static str {
        match self {
            Training::Labelled => "eval/negative.toml",
            Training::WithStories => "eval/negative.toml and the story sentences (innocent)",
        }
    }
}

/// Nine significant digits: the same text whatever the last bits of the
/// CPU's sums.
fn round(v: f64) -> f64 {
    format!("{v:.8e}").parse().expect("a number")
}

/// Logistic regression by full-batch gradient descent from zero.
fn fit(x: &Array2<f64>, y: &[f64]) -> (Vec<f64>, f64) {
    let n = x.nrows() as f64;
    let y = Array2::from_shape_vec((y.len(), 1), y.to_vec()).expect("one label a row");
    let mut w = Array2::<f64>::zeros((x.ncols(), 1));
    let mut c = 0.0;
    let xt = x.t();
    for _ in 0..STEPS {
        let mut e = x.dot(&w);
        e.mapv_inplace(|z| 1.0 / (1.0 + (-(z + c)).exp()));
        e -= &y;
        let g = xt.dot(&e);
        w.scaled_add(-RATE / n, &g);
        c -= RATE * e.sum() / n;
    }
    (w.into_iter().collect(), c)
}

fn probability(w: &[f64], c: f64, x: &[f64]) -> f64 {
    let z = c + w.iter().zip(x).map(|(a, b)| a * b).sum::<f64>();
    1.0 / (1.0 + (-z).exp())
}
