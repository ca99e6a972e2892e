//! Output: plain lines when stdout is not a terminal, bars and meters (and
//! colour, unless NO_COLOR or `--color never`) when it is. The one place that builds progress
//! bar styles.

use crate::clock::clock;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

/// When to colour the output (`--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set.
    Auto,
    /// Always, even piped and with `NO_COLOR` (an explicit flag wins).
    Always,
    Never,
}

/// The process's colour choice: set once from the command line before any
/// output, read by every [`Console::detect`].
static COLOR_CHOICE: AtomicU8 = AtomicU8::new(0);

/// Set the colour choice for every console made after this call.
pub fn set_color_choice(choice: ColorChoice) {
    let n = match choice {
        ColorChoice::Auto => 0,
        ColorChoice::Always => 1,
        ColorChoice::Never => 2,
    };
    COLOR_CHOICE.store(n, Ordering::Relaxed);
}

#[derive(Debug, Clone, Copy)]
pub struct Console {
    interactive: bool,
    /// Colour for what goes to stdout (lines, bars).
    color: bool,
    /// Colour for what goes to stderr (warnings): decided from stderr itself,
    /// so `mockview … > file` still colours warnings on the terminal, and
    /// `2> log` keeps escape codes out of the log.
    warn_color: bool,
}

impl Console {
    pub fn detect() -> Console {
        let interactive = std::io::stdout().is_terminal();
        let allowed = std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
        let (color, warn_color) = match COLOR_CHOICE.load(Ordering::Relaxed) {
            1 => (true, true),
            2 => (false, false),
            _ => (
                interactive && allowed,
                allowed && std::io::stderr().is_terminal(),
            ),
        };
        Console {
            interactive,
            color,
            warn_color,
        }
    }

    pub fn is_interactive(&self) -> bool {
        self.interactive
    }

    /// Whether output may use colour (a terminal, and no NO_COLOR).
    pub fn is_colour(&self) -> bool {
        self.color
    }

    /// Print a line. `\r\n` on a terminal, so it is right in raw mode too.
    ///
    /// A closed stdout (`| head`) is ignored here rather than ending the
    /// command: these lines accompany recording and playback, and an answer
    /// being recorded must not be lost because a reader went away.
    pub fn line(&self, text: impl AsRef<str>) {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = if self.interactive {
            write!(out, "{}\r\n", text.as_ref().replace('\n', "\r\n")).and_then(|()| out.flush())
        } else {
            writeln!(out, "{}", text.as_ref())
        };
    }

    /// Print prose wrapped at word boundaries to the terminal's width (at
    /// most 100 columns); piped output is left to the reader.
    pub fn paragraph(&self, text: impl AsRef<str>) {
        if !self.interactive {
            return self.line(text);
        }
        let width = crossterm::terminal::size()
            .map(|(w, _)| usize::from(w))
            .unwrap_or(80)
            .clamp(20, 100);
        self.line(wrap(text.as_ref(), width).join("\n"));
    }

    pub fn warn(&self, text: impl AsRef<str>) {
        if self.warn_color {
            let end = if self.interactive { "\r\n" } else { "\n" };
            eprint!("\x1b[33mwarning:\x1b[0m {}{end}", text.as_ref());
        } else if self.interactive {
            eprint!("warning: {}\r\n", text.as_ref());
        } else {
            eprintln!("warning: {}", text.as_ref());
        }
    }

    pub fn bold(&self, text: &str) -> String {
        if self.color {
            format!("\x1b[1m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    pub fn dim(&self, text: &str) -> String {
        if self.color {
            format!("\x1b[2m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }

    /// A bar for a download of `total` bytes, drawn only on a terminal.
    pub fn bytes_bar(&self, total: u64, prefix: &str) -> ProgressBar {
        if !self.interactive {
            return ProgressBar::hidden();
        }
        let bar =
            ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stdout_with_hz(10));
        let template = if self.color {
            "{prefix:.bold} {bar:30.cyan/blue} {bytes}/{total_bytes} {binary_bytes_per_sec} {eta}"
        } else {
            "{prefix} {bar:30} {bytes}/{total_bytes} {binary_bytes_per_sec} {eta}"
        };
        bar.set_style(
            ProgressStyle::with_template(template)
                .expect("static template")
                .progress_chars("█▉▊▋▌▍▎▏ "),
        );
        bar.set_prefix(prefix.to_string());
        bar
    }

    /// A bar for a timed phase (prep countdown, recording, playback), drawn
    /// only on a terminal. `len` is in milliseconds; the message carries the
    /// live details (meter, warnings).
    pub fn timer_bar(&self, len_ms: Option<u64>, prefix: &str) -> ProgressBar {
        if !self.interactive {
            return ProgressBar::hidden();
        }
        // The target is set at creation: a bar built with the default target
        // draws once to stderr before being moved, leaving a stale line.
        let bar = ProgressBar::with_draw_target(
            len_ms.map(|len| len.max(1)),
            ProgressDrawTarget::stdout_with_hz(15),
        );
        let template = match (len_ms.is_some(), self.color) {
            (true, true) => "{prefix:.bold} {elapsed_audio} {bar:24.cyan/blue} {msg}",
            (true, false) => "{prefix} {elapsed_audio} {bar:24} {msg}",
            (false, true) => "{prefix:.bold} {elapsed_audio} {msg}",
            (false, false) => "{prefix} {elapsed_audio} {msg}",
        };
        let style = ProgressStyle::with_template(template)
            .expect("static template")
            .with_key(
                "elapsed_audio",
                |state: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let pos = Duration::from_millis(state.pos());
                    let _ = match state.len() {
                        Some(len) => {
                            write!(w, "{} / {}", clock(pos), clock(Duration::from_millis(len)))
                        }
                        None => write!(w, "{}", clock(pos)),
                    };
                },
            )
            .progress_chars("█▉▊▋▌▍▎▏ ");
        bar.set_style(style);
        bar.set_prefix(prefix.to_string());
        bar
    }
}

/// Greedy word wrap; a word longer than the width stands on its own line.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split_whitespace() {
            if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > width {
                lines.push(std::mem::take(&mut line));
            }
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
        lines.push(line);
    }
    lines
}

/// A 12-cell meter of a level (0..=1 of full scale) from -60 to 0 dBFS.
pub fn level_meter(peak: f32) -> String {
    let db = crate::level::amplitude_db(f64::from(peak));
    let cells = (((db + 60.0) / 60.0) * 12.0).clamp(0.0, 12.0) as usize;
    format!("{}{}", "▮".repeat(cells), "▯".repeat(12 - cells))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_at_words() {
        assert_eq!(
            wrap("one two three four", 9),
            vec!["one two", "three", "four"]
        );
        assert_eq!(wrap("a\nb", 10), vec!["a", "b"]);
        assert_eq!(wrap("unbreakable", 4), vec!["unbreakable"]);
    }

    #[test]
    fn durations_and_meters() {
        assert_eq!(level_meter(1.0), "▮".repeat(12));
        assert_eq!(level_meter(0.0), "▯".repeat(12));
        assert_eq!(level_meter(0.001).chars().filter(|&c| c == '▮').count(), 0);
    }
}
