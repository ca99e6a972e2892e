//! The sentence model (src/semantic/): one spoken sentence of 20 words
//! embedded (tokens, 6 layers, mean, unit length), and the loading of the
//! model, which a command pays once. Needs the model:
//! `MOCKVIEW_TEST_EMBEDDER` (scripts/test-embedder.sh); without it the
//! benchmark says so and measures nothing.

use criterion::{criterion_group, criterion_main, Criterion};
use mockview::semantic::Embedder;

const SENTENCE: &str =
    "Honestly my last manager never listened to anyone and the whole team paid for it in the end.";

fn embedding(c: &mut Criterion) {
    let Some(dir) = std::env::var_os("MOCKVIEW_TEST_EMBEDDER") else {
        eprintln!("MOCKVIEW_TEST_EMBEDDER is not set: run `export MOCKVIEW_TEST_EMBEDDER=$(scripts/test-embedder.sh)`");
        return;
    };
    let e = Embedder::load(std::path::Path::new(&dir)).expect("the test model loads");
    eprintln!("{} tokens", e.tokens(SENTENCE).len());
    c.bench_function("embed one 20-word sentence", |b| {
        b.iter(|| e.embed(SENTENCE))
    });
    // What a command pays once when the model is installed.
    let mut g = c.benchmark_group("load");
    g.sample_size(10);
    g.bench_function("load the model (91 MB)", |b| {
        b.iter(|| Embedder::load(std::path::Path::new(&dir)).expect("loads"))
    });
    g.finish();
}

criterion_group!(benches, embedding);
criterion_main!(benches);
