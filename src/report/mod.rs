//! HTML rendering of a session: one renderer (`page`) for the page of
//! `mockview report` and the shared page of `mockview share`: a player and
//! a waveform per recording with the reviewers' pinned comments, the
//! delivery metrics, transcripts, the reviews and the review form (`form`,
//! with page.js), and charts of the progress across sessions when the
//! command passes it in. Rendering reads the session's WAVs for the
//! waveforms and the pitch contours (analysed again, with the default
//! settings) and nothing else; `file` writes the report with the progress
//! of the sessions up to this one, for `report` and `import` alike; `share`
//! embeds each recording compressed by `opus`.

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

pub use file::{check_replaceable, write, NotOurFile, ReportError, Written};
pub use page::{render, render_page, render_with_progress, Audio, EmbeddedAudio, Page};
pub use share::{share, ShareError, ShareOptions, Shared};
