//! Speech delivery metrics computed from PCM samples.
