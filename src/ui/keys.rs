//! Keys: single key presses on a terminal (raw mode, crossterm), or one key
//! per line when stdin is not a terminal, so that sessions are scriptable:
//! an empty line is Enter, `r`, `s`, `q`, `n` are themselves, `space`,
//! `left` and `right` name those keys.

use super::Interrupt;
use crossterm::event::{self, Event, KeyCode, KeyEventKind, KeyModifiers};
use std::io::{BufRead, IsTerminal};
use std::sync::mpsc;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Key {
    Enter,
    Char(char),
    Space,
    Left,
    Right,
    /// Ctrl-C or SIGTERM.
    Interrupt,
}

enum Source {
    Terminal,
    /// Lines with the moment each was read: a key typed while the program
    /// was busy (draining a take) still counts from when it came.
    Lines {
        rx: mpsc::Receiver<(String, Instant)>,
        eof: bool,
    },
}

pub struct KeySource {
    source: Source,
    interrupt: Interrupt,
}

impl KeySource {
    pub fn new(interrupt: Interrupt) -> KeySource {
        let source = if std::io::stdin().is_terminal() {
            Source::Terminal
        } else {
            let (tx, rx) = mpsc::channel();
            std::thread::Builder::new()
                .name("mockview-stdin".into())
                .spawn(move || {
                    for line in std::io::stdin().lock().lines() {
                        let Ok(line) = line else { break };
                        if tx.send((line, Instant::now())).is_err() {
                            break;
                        }
                    }
                })
                .expect("spawning the stdin reader");
            Source::Lines { rx, eof: false }
        };
        KeySource { source, interrupt }
    }

    /// Ctrl-C or SIGTERM came, for waits that read no keys.
    pub fn interrupted(&self) -> bool {
        self.interrupt.requested()
    }

    pub fn is_terminal(&self) -> bool {
        matches!(self.source, Source::Terminal)
    }

    /// True once stdin (not a terminal) has ended: no key will ever come.
    pub fn at_eof(&self) -> bool {
        matches!(self.source, Source::Lines { eof: true, .. })
    }

    /// One whole line (for prompts: scores, notes), without its newline.
    /// `None` at the end of input or on Ctrl-C. Not in raw mode.
    pub fn read_line(&mut self) -> Option<String> {
        if self.interrupt.requested() {
            return None;
        }
        match &mut self.source {
            Source::Terminal => {
                let mut line = String::new();
                match std::io::stdin().read_line(&mut line) {
                    Ok(0) | Err(_) => None,
                    Ok(_) => Some(line.trim_end_matches(['\r', '\n']).to_string()),
                }
            }
            Source::Lines { rx, eof } => loop {
                if *eof || self.interrupt.requested() {
                    return None;
                }
                match rx.recv_timeout(Duration::from_millis(50)) {
                    Ok((line, _)) => return Some(line),
                    Err(mpsc::RecvTimeoutError::Timeout) => {}
                    Err(mpsc::RecvTimeoutError::Disconnected) => *eof = true,
                }
            },
        }
    }

    /// Enter raw mode for the life of the guard (terminal only), so single
    /// key presses arrive without Enter.
    pub fn raw_mode(&self) -> RawModeGuard {
        let on = self.is_terminal() && crossterm::terminal::enable_raw_mode().is_ok();
        RawModeGuard { on }
    }

    /// The next key, waiting at most `timeout`. Returns the moment the key
    /// was seen too: commands map it onto the audio clock.
    pub fn poll(&mut self, timeout: Duration) -> Option<(Key, Instant)> {
        if self.interrupt.requested() {
            return Some((Key::Interrupt, Instant::now()));
        }
        let key = match &mut self.source {
            Source::Terminal => poll_terminal(timeout).map(|k| (k, Instant::now())),
            Source::Lines { rx, eof } => {
                if *eof {
                    std::thread::sleep(timeout);
                    None
                } else {
                    match rx.recv_timeout(timeout) {
                        Ok((line, at)) => line_key(&line).map(|k| (k, at)),
                        Err(mpsc::RecvTimeoutError::Timeout) => None,
                        Err(mpsc::RecvTimeoutError::Disconnected) => {
                            *eof = true;
                            None
                        }
                    }
                }
            }
        };
        if matches!(key, Some((Key::Interrupt, _))) {
            self.interrupt.request();
        }
        if key.is_none() && self.interrupt.requested() {
            return Some((Key::Interrupt, Instant::now()));
        }
        key
    }
}

fn line_key(line: &str) -> Option<Key> {
    let word = line.trim();
    Some(match word {
        "" => Key::Enter,
        "space" => Key::Space,
        "left" => Key::Left,
        "right" => Key::Right,
        w if w.chars().count() == 1 => Key::Char(w.chars().next()?.to_ascii_lowercase()),
        _ => return None,
    })
}

fn poll_terminal(timeout: Duration) -> Option<Key> {
    if !event::poll(timeout).unwrap_or(false) {
        return None;
    }
    let Ok(Event::Key(k)) = event::read() else {
        return None;
    };
    if k.kind == KeyEventKind::Release {
        return None;
    }
    match k.code {
        KeyCode::Char('c') if k.modifiers.contains(KeyModifiers::CONTROL) => Some(Key::Interrupt),
        KeyCode::Enter => Some(Key::Enter),
        KeyCode::Char(' ') => Some(Key::Space),
        KeyCode::Left => Some(Key::Left),
        KeyCode::Right => Some(Key::Right),
        KeyCode::Esc => Some(Key::Char('q')),
        KeyCode::Char(c) => Some(Key::Char(c.to_ascii_lowercase())),
        _ => None,
    }
}

/// Leaves raw mode when dropped (also on early returns and errors).
pub struct RawModeGuard {
    on: bool,
}

impl Drop for RawModeGuard {
    fn drop(&mut self) {
        if self.on {
            let _ = crossterm::terminal::disable_raw_mode();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_map_to_keys() {
        assert_eq!(line_key(""), Some(Key::Enter));
        assert_eq!(line_key("  "), Some(Key::Enter));
        assert_eq!(line_key("r"), Some(Key::Char('r')));
        assert_eq!(line_key("Q"), Some(Key::Char('q')));
        assert_eq!(line_key("space"), Some(Key::Space));
        assert_eq!(line_key("left"), Some(Key::Left));
        assert_eq!(line_key("what"), None);
    }
}
