//! HTML rendering of a session (`mockview report`): one self-contained page
//! with a player per take, a waveform per answer, the delivery metrics and
//! the reviews, and charts of the progress across sessions when the command
//! passes it in. It reads the session's WAVs for the waveforms and nothing
//! else (never the store), and writes nothing: the command decides where the
//! page goes and which sessions it charts.

mod chart;
pub mod escape;
mod page;
mod transcript;
pub mod waveform;

pub use page::{render, render_with_progress};
