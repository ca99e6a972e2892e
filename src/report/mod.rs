//! HTML rendering of a session (`mockview report`): one self-contained page
//! with a player per take, a waveform per answer, the delivery metrics and
//! the reviews. It reads the session's WAVs for the waveforms and writes
//! nothing: the command decides where the page goes.

pub mod escape;
mod page;
pub mod waveform;

pub use page::{render, CRITERIA};
