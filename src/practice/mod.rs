//! The practice room: the session flow of `mockview practice` as a domain
//! module. The question loop, the prep countdown, the take lifecycle (start,
//! retake, skip, stop, limit, save, cancel), follow-ups, the spoken question
//! and the input check live here; `commands/practice.rs` only turns the
//! settings into a [`Plan`] and a [`World`] and the result into an exit code.
//!
//! The room talks to the world through small traits (`world.rs`): the input
//! stream and the microphone that opens it, the keys, the screen, the clock,
//! the speaker and the transcriber. The unit tests (`tests/`) run the whole
//! flow in-process against fakes of them, in milliseconds; the end-to-end
//! tests (tests/it/practice_*.rs) run it through real audio devices.
//!
//! Not here: the capture itself (`audio`), the log's types and take rules
//! (`session`), the selection of questions (`questions`), the terminal
//! (`ui`), the transcription engine (`commands::transcription`).

mod input_check;
mod record;
mod room;
mod summary;
mod take;
mod world;

#[cfg(test)]
mod tests;

pub use input_check::check_input;
pub use room::{run, Ended, Plan};
pub use world::{
    Clock, ConsoleScreen, DeviceMicrophone, InputStream, Keys, Microphone, Screen, Speaker,
    SystemClock, SystemVoice, Transcribed, Transcriber, World,
};
