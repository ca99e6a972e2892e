//! Trains the negative-talk judge (src/content/judge.rs) and chooses how it
//! joins the rules, from the tuned-on batches of eval/negative.toml only
//! (1 to `READ_THROUGH_BATCH`; the held-out batch is never read here), and
//! writes phrases/negative-embedding.toml:
//!   cargo run --example train_negative_judge -- MODEL_DIR [--write]
//! MODEL_DIR: the all-MiniLM-L6-v2 folder (scripts/test-embedder.sh);
//! without `--write` it prints the figures only.
//!
//! The judge is a logistic regression on each sentence's unit vector,
//! without regularisation: full-batch gradient descent from zero weights,
//! `STEPS` steps of `RATE`, in f64 and a fixed order, so every run gives
//! the same weights. The threshold and the combination (rules only, judge
//! only, rules OR judge, rules AND judge) are chosen by leave-one-batch-out
//! cross-validation over the tuned-on batches: each batch judged by weights
//! trained on the others; among the choices whose pooled precision is at
//! least `PRECISION_FLOOR` (a wrong accusation is worse than a miss), the
//! highest recall, then the highest precision, then the highest threshold.
//! The weights shipped are then trained on all the tuned-on batches.

use mockview::content::eval::{
    judged_negative, parse_negative, Counts, NEGATIVE, READ_THROUGH_BATCH,
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
    let corpus: Vec<_> = parse_negative(NEGATIVE)
        .expect("eval/negative.toml is checked by the tests")
        .into_iter()
        .filter(|s| s.batch <= READ_THROUGH_BATCH)
        .collect();
    let rules = ContentRules::default();
    let n = corpus.len();
    let mut x = Array2::<f64>::zeros((n, DIMENSIONS));
    for (i, s) in corpus.iter().enumerate() {
        // The sentence as the content feedback gives it to the judge: its
        // words joined by one space.
        let text = s.text.split_whitespace().collect::<Vec<_>>().join(" ");
        for (j, v) in embedder.embed(&text).into_iter().enumerate() {
            x[[i, j]] = f64::from(v);
        }
    }
    let y: Vec<f64> = corpus
        .iter()
        .map(|s| f64::from(u8::from(s.negative)))
        .collect();
    let by_rules: Vec<bool> = corpus
        .iter()
        .map(|s| judged_negative(&s.text, &rules))
        .collect();
    let batches: Vec<u32> = corpus.iter().map(|s| s.batch).collect();

    // Leave one batch out.
    let mut p = vec![0.0; n];
    for b in 1..=READ_THROUGH_BATCH {
        let train: Vec<usize> = (0..n).filter(|&i| batches[i] != b).collect();
        let (w, c) = fit(
            &x.select(Axis(0), &train),
            &train.iter().map(|&i| y[i]).collect::<Vec<_>>(),
        );
        for i in (0..n).filter(|&i| batches[i] == b) {
            p[i] = probability(&w, c, &x.row(i).to_vec());
        }
    }
    println!(
        "Leave-one-batch-out over batches 1-{READ_THROUGH_BATCH} ({n} sentences, {} negative):",
        y.iter().filter(|&&v| v > 0.5).count()
    );
    let mut best: Option<(Combination, f64, Counts)> = None;
    for combination in Combination::ALL {
        let thresholds: &[f64] = if combination == Combination::Rules {
            &[1.0]
        } else {
            &THRESHOLDS
        };
        for &t in thresholds {
            let mut f = Counts::default();
            for i in 0..n {
                let said = combination.verdict(by_rules[i], || p[i] >= t);
                f.add(said, y[i] > 0.5);
            }
            let at = if combination == Combination::Rules {
                String::new()
            } else {
                format!(" at {t}")
            };
            println!("  {}{at}: {}", combination.name(), f.line());
            let better = match &best {
                None => true,
                Some((_, bt, bf)) => {
                    (f.recall(), f.precision(), t) > (bf.recall(), bf.precision(), *bt)
                }
            };
            if f.precision() >= PRECISION_FLOOR && better {
                best = Some((combination, t, f));
            }
        }
    }
    let Some((combination, threshold, f)) = best else {
        eprintln!("train_negative_judge: no choice reaches precision {PRECISION_FLOOR}");
        std::process::exit(1);
    };
    println!(
        "Chosen: {} at {threshold} (precision >= {PRECISION_FLOOR}, then recall): {}",
        combination.name(),
        f.line()
    );
    let (w, c) = fit(&x, &y);
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
             # eval/negative.toml batches 1-{READ_THROUGH_BATCH} ({n} sentences) by\n\
             # examples/train_negative_judge.rs, which also chose the threshold and the\n\
             # combination with the rules by leave-one-batch-out cross-validation\n\
             # (precision >= {PRECISION_FLOOR}, then recall).\n\
             # Cross-validated: {}.\n\
             # Generated: run it again rather than edit.\n{}",
            f.line(),
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
