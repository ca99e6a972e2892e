//! When a content finding is worth a flag. Defaults are the values
//! documented, with their sources, in `docs/metrics.md`.

use serde::{Deserialize, Serialize};

/// Limits beyond which a content finding becomes a flag. Every limit is
/// strict ("more than", "fewer than").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContentThresholds {
    /// `fillers`: more fillers per minute of speaking than this. 4.
    pub fillers_per_minute: f64,
    /// `hedging`: more hedges per minute of speaking than this. 3.
    pub hedges_per_minute: f64,
    /// `negative`: more negative sentences than this. 0: one is enough.
    pub negatives: u32,
    /// `we_not_i`: "we" words more than this many times the "I" words. 1.
    pub we_per_i: f64,
    /// `we_not_i` needs at least this many "we" words. 3.
    pub min_we: u32,
    /// `fillers`, `hedging`, `no_result` and `no_star` need at least this
    /// many words, so that a few words make no verdict. 40.
    pub min_words: u32,
    /// `no_star`: fewer STAR parts found than this. 3.
    pub min_star_parts: u32,
}

impl Default for ContentThresholds {
    fn default() -> Self {
        Self {
            fillers_per_minute: 4.0,
            hedges_per_minute: 3.0,
            negatives: 0,
            we_per_i: 1.0,
            min_we: 3,
            min_words: 40,
            min_star_parts: 3,
        }
    }
}
