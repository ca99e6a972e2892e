//! Speech delivery metrics computed from PCM samples (being built on the `analysis` branch).
