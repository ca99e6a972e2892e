//! HTML rendering of a session (`mockview report`): one self-contained page
//! with a player per take, a waveform per answer, the delivery metrics and
//! the reviews, and charts of the progress across sessions when the command
//! passes it in. It reads the session's WAVs for the waveforms and the pitch
//! contours (analysed again, with the default settings) and nothing
//! else (never the store), and writes nothing: the command decides where the
//! page goes and which sessions it charts.

mod chart;
mod contour;
pub mod escape;
mod page;
pub mod waveform;

pub use page::{render, render_with_progress, CRITERIA};
