//! Output: plain lines when stdout is not a terminal, bars and meters (and
//! colour, unless NO_COLOR or `--color never`) when it is. The one place that builds progress
//! bar styles.

use crate::clock::clock;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::sync::atomic::{AtomicU8, Ordering};
use std::time::Duration;

/// When to colour the output (`--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set.
    #[default]
    Auto,
    /// Always, even piped and with `NO_COLOR` (an explicit flag wins).
    Always,
    Never,
}

impl ColorChoice {
    /// As `--color` spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            ColorChoice::Auto => "auto",
            ColorChoice::Always => "always",
            ColorChoice::Never => "never",
        }
    }
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
    ///
    /// On a terminal the line is wrapped at its width, on word boundaries
    /// ([`fit`]); piped, it is written as it is.
    pub fn line(&self, text: impl AsRef<str>) {
        use std::io::Write;
        let mut out = std::io::stdout().lock();
        let _ = if self.interactive {
            let text = match terminal_width() {
                Some(width) => fit(text.as_ref(), width),
                None => text.as_ref().to_string(),
            };
            write!(out, "{}\r\n", text.replace('\n', "\r\n")).and_then(|()| out.flush())
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
        let width = terminal_width().unwrap_or(80).min(100);
        self.line(wrap(text.as_ref(), width).join("\n"));
    }

    /// A warning on stderr, one line, dropped like [`stderr_line`]'s when
    /// stderr is closed.
    pub fn warn(&self, text: impl AsRef<str>) {
        use std::io::Write;
        let end = if self.interactive { "\r\n" } else { "\n" };
        let label = if self.warn_color {
            "\x1b[33mwarning:\x1b[0m"
        } else {
            "warning:"
        };
        let _ = write!(std::io::stderr().lock(), "{label} {}{end}", text.as_ref());
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

/// One line on stderr. A stderr that is closed or full (`mockview
/// sessions 2>&1 | head -1` with a warning per damaged log) is no reason to
/// stop a command, nor to panic as `eprintln!` does: the line is dropped and
/// the command goes on to its own exit code.
pub fn stderr_line(text: impl AsRef<str>) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr().lock(), "{}", text.as_ref());
}

/// The width text output wraps at: the terminal's, when stdout is one
/// (never under 20 columns); `None` when it is piped, where lines are left
/// whole for the reader (`grep`, `less -S`, a file).
pub fn terminal_width() -> Option<usize> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() {
        return None;
    }
    let width = crossterm::terminal::size().map_or(80, |(w, _)| usize::from(w));
    Some(width.max(20))
}

/// Greedy word wrap at `width` columns (textwrap: display width, so `·`,
/// `“` and colour codes count as what they show); a word longer than the
/// width stands on its own line, never cut. Each line of `text` is wrapped
/// on its own.
pub fn wrap(text: &str, width: usize) -> Vec<String> {
    text.split('\n')
        .flat_map(|line| {
            let lines = textwrap::wrap(line, wrap_options(width, ""));
            if lines.is_empty() {
                vec![String::new()]
            } else {
                lines.into_iter().map(|l| l.into_owned()).collect()
            }
        })
        .collect()
}

/// `text` fitted to `width` columns for the terminal: each line wrapped on
/// word boundaries, its continuation lines indented under its text (past
/// its leading spaces and a `- ` or `12. ` list mark), so an answer's flags
/// and metrics stay in their column. Lines that fit are unchanged.
pub fn fit(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len());
    for (i, line) in text.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if textwrap::core::display_width(line) <= width {
            out.push_str(line);
            continue;
        }
        let indent = " ".repeat(hang(line));
        let lines = textwrap::wrap(line, wrap_options(width, &indent));
        out.push_str(&lines.join("\n"));
    }
    out
}

fn wrap_options<'a>(width: usize, indent: &'a str) -> textwrap::Options<'a> {
    textwrap::Options::new(width)
        .subsequent_indent(indent)
        .break_words(false)
        .word_separator(textwrap::WordSeparator::AsciiSpace)
        .wrap_algorithm(textwrap::WrapAlgorithm::FirstFit)
}

/// Where a line's text starts: after its leading spaces and a list mark.
fn hang(line: &str) -> usize {
    let rest = line.trim_start_matches(' ');
    let lead = line.len() - rest.len();
    let digits = rest.chars().take_while(char::is_ascii_digit).count();
    let mark = if rest.starts_with("- ") {
        2
    } else if digits > 0 && rest[digits..].starts_with(". ") {
        digits + 2
    } else {
        0
    };
    lead + mark
}

/// A writer for text output: on a terminal each line is [`fit`] to its
/// width, piped it passes through untouched. For commands that write their
/// report with `writeln!` (`show`), so their lines wrap like the console's.
pub struct Wrapped<W: std::io::Write> {
    inner: W,
    width: Option<usize>,
    /// The line being written, until its `\n`.
    pending: Vec<u8>,
}

impl<W: std::io::Write> Wrapped<W> {
    pub fn new(inner: W, width: Option<usize>) -> Wrapped<W> {
        Wrapped {
            inner,
            width,
            pending: Vec::new(),
        }
    }

    fn write_line(&mut self, line: &[u8], width: usize) -> std::io::Result<()> {
        let text = String::from_utf8_lossy(line);
        self.inner.write_all(fit(&text, width).as_bytes())
    }
}

/// Standard output for text, wrapped at the terminal's width when it is one.
pub fn text_out() -> Wrapped<std::io::StdoutLock<'static>> {
    Wrapped::new(std::io::stdout().lock(), terminal_width())
}

impl<W: std::io::Write> std::io::Write for Wrapped<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let Some(width) = self.width else {
            return self.inner.write(buf);
        };
        self.pending.extend_from_slice(buf);
        while let Some(end) = self.pending.iter().position(|&b| b == b'\n') {
            let line: Vec<u8> = self.pending.drain(..=end).collect();
            self.write_line(&line[..end], width)?;
            self.inner.write_all(b"\n")?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if let (Some(width), false) = (self.width, self.pending.is_empty()) {
            let line = std::mem::take(&mut self.pending);
            self.write_line(&line, width)?;
        }
        self.inner.flush()
    }
}

impl<W: std::io::Write> Drop for Wrapped<W> {
    fn drop(&mut self) {
        let _ = std::io::Write::flush(self);
    }
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
    fn fit_wraps_on_words_and_keeps_the_column() {
        // The summary line that broke mid-word on an 80-column terminal.
        let brief = "    talk 0:41 · 96 wpm · longest pause 3.1 s · first word 2.4 s · pitch 121 Hz ±2.1 st · flags: slow_start, short_answer";
        let got = fit(brief, 80);
        let lines: Vec<&str> = got.lines().collect();
        assert_eq!(lines.len(), 2, "{got}");
        assert!(lines.iter().all(|l| textwrap::core::display_width(l) <= 80));
        assert!(lines[1].starts_with("    ±2.1 st · flags:"), "{got}");
        assert!(
            got.contains("slow_start, short_answer"),
            "no word is cut: {got}"
        );
        // A list mark hangs: the text goes on under the text.
        assert_eq!(
            fit("    - you said um 9 times in 41 s", 20),
            "    - you said um 9\n      times in 41 s"
        );
        assert_eq!(
            fit(" 1. recorded  0:41  Tell me about a time", 24),
            " 1. recorded  0:41  Tell\n    me about a time"
        );
        // What fits, and colour codes, are left alone.
        assert_eq!(fit("short", 20), "short");
        assert_eq!(fit("\x1b[1mSummary\x1b[0m", 10), "\x1b[1mSummary\x1b[0m");
    }

    #[test]
    fn wrapped_output_fits_terminals_and_passes_pipes() {
        use std::io::Write;
        let text = "one two three four five six\nseven\n";
        let mut piped = Wrapped::new(Vec::new(), None);
        piped.write_all(text.as_bytes()).unwrap();
        assert_eq!(piped.inner, text.as_bytes());
        let mut narrow = Wrapped::new(Vec::new(), Some(10));
        write!(narrow, "one two three ").unwrap();
        writeln!(narrow, "four five six").unwrap();
        write!(narrow, "seven").unwrap();
        narrow.flush().unwrap();
        assert_eq!(
            String::from_utf8(narrow.inner.clone()).unwrap(),
            "one two\nthree four\nfive six\nseven"
        );
    }

    #[test]
    fn durations_and_meters() {
        assert_eq!(level_meter(1.0), "▮".repeat(12));
        assert_eq!(level_meter(0.0), "▯".repeat(12));
        assert_eq!(level_meter(0.001).chars().filter(|&c| c == '▮').count(), 0);
    }
}
