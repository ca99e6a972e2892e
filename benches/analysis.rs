//! Analysis of a two-minute answer at 48 kHz (the budget is 60 ms, issue 21).
//! The signal is synthetic speech-like audio: a voiced buzz with syllable-rate
//! amplitude modulation, broken by pauses, over a little noise.

use criterion::{criterion_group, criterion_main, Criterion};
use mockview::analysis::{analyze_samples, AnalysisConfig};

fn speech_like(seconds: usize, rate: u32) -> Vec<i16> {
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    (0..seconds * rate as usize)
        .map(|i| {
            let t = i as f64 / rate as f64;
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let noise = (seed >> 40) as f64 / (1u64 << 24) as f64 - 0.5;
            let talking = (t % 7.0) < 5.5;
            let syllable = (std::f64::consts::PI * 4.0 * t).sin().abs();
            let pitch = 120.0 + 20.0 * (t * 0.7).sin();
            let buzz: f64 = (1..8)
                .map(|h| (2.0 * std::f64::consts::PI * pitch * h as f64 * t).sin() / h as f64)
                .sum();
            let voice = if talking {
                6000.0 * syllable * buzz
            } else {
                0.0
            };
            (voice + 60.0 * noise) as i16
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let samples = speech_like(120, 48_000);
    let config = AnalysisConfig::default();
    c.bench_function("analyze 2 min at 48 kHz", |b| {
        b.iter(|| analyze_samples(std::hint::black_box(&samples), 48_000, &config))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
