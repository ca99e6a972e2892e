//! The terminal: keys (from a terminal or from stdin lines), prompts, the
//! progress bars and meters, Ctrl-C. Knows nothing of audio devices or
//! sessions: commands hand it numbers to show.

mod console;
mod inert;
mod interrupt;
mod keys;
mod speech;
mod transcript;

pub use console::{
    fit, level_meter, set_color_choice, stderr_line, terminal_width, text_out, wrap, ColorChoice,
    Console, Wrapped,
};
pub use inert::inert;
pub use interrupt::Interrupt;
pub use keys::{Key, KeySource, RawModeGuard};
pub use speech::{set_voice, speak, Voice};
pub use transcript::{caption, marked_text, sentences, PLAIN_LEGEND};
