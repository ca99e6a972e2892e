//! HTML rendering of a session (`mockview report`): one self-contained page
//! with a player per take, a waveform per answer, the delivery metrics and
//! the reviews, and charts of the progress across sessions when the command
//! passes it in. Rendering (`page`) reads the session's WAVs for the
//! waveforms and the pitch contours (analysed again, with the default
//! settings) and nothing else; `file` writes the page with the progress of
//! the sessions up to this one, for `report` and `import` alike.

mod chart;
mod contour;
pub mod escape;
mod file;
mod form;
pub mod opus;
mod page;
mod share;
mod transcript;
pub mod waveform;

pub use file::{write, ReportError, Written};
pub use page::{render, render_page, render_with_progress, Audio, EmbeddedAudio, Page};
pub use share::{share, ShareError, ShareOptions, Shared};
