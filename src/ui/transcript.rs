//! A transcript as a terminal shows it: fillers, hedges and negative
//! phrases marked, in colour on a terminal and with plain brackets when the
//! output is piped (so a file or a test still sees them), and the caption
//! of the words being spoken at a playback position.

use crate::content::Mark;
use crate::transcript::Word;

/// The plain marks, shown once as a legend: `[um]`, `{I think}`, `<<hated>>`.
pub const PLAIN_LEGEND: &str = "[filler] {hedge} <<negative>>";

fn plain(mark: Mark, text: &str) -> String {
    match mark {
        Mark::Filler => format!("[{text}]"),
        Mark::Hedge => format!("{{{text}}}"),
        Mark::Negative => format!("<<{text}>>"),
    }
}

fn coloured(mark: Mark, text: &str) -> String {
    // Yellow, cyan, red: the report's highlight colours in ANSI.
    let code = match mark {
        Mark::Filler => "33",
        Mark::Hedge => "36",
        Mark::Negative => "1;31",
    };
    format!("\x1b[{code}m{text}\x1b[0m")
}

/// The words joined by spaces, each run of words with the same mark marked
/// once. `marks` holds one entry per word (shorter is read as unmarked).
pub fn marked_text(words: &[Word], marks: &[Option<Mark>], colour: bool) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < words.len() {
        let mark = marks.get(i).copied().flatten();
        let mut j = i + 1;
        while j < words.len() && mark.is_some() && marks.get(j).copied().flatten() == mark {
            j += 1;
        }
        let run: Vec<&str> = words[i..j].iter().map(|w| w.word.trim()).collect();
        let run = run.join(" ");
        if !out.is_empty() {
            out.push(' ');
        }
        match mark {
            Some(m) if colour => out.push_str(&coloured(m, &run)),
            Some(m) => out.push_str(&plain(m, &run)),
            None => out.push_str(&run),
        }
        i = j;
    }
    out
}

/// The caption at `seconds` into the recording: the words of the last
/// `width` characters up to and including the word being spoken (a word
/// shows from its start). Empty before the first word.
pub fn caption(words: &[Word], seconds: f64, width: usize) -> String {
    let spoken = words.partition_point(|w| w.start_seconds <= seconds);
    let mut line = String::new();
    for w in words[..spoken].iter().rev() {
        let word = w.word.trim();
        if line.chars().count() + word.chars().count() + 1 > width && !line.is_empty() {
            break;
        }
        line = if line.is_empty() {
            word.to_string()
        } else {
            format!("{word} {line}")
        };
    }
    line
}

/// The transcript cut into sentences for a plain caption: each sentence's
/// text and the time its last word starts (when it has all been heard
/// begun). A sentence ends at `.`, `?` or `!`, and the last one at the end.
pub fn sentences(words: &[Word]) -> Vec<(f64, String)> {
    let mut out = Vec::new();
    let mut text: Vec<&str> = Vec::new();
    for w in words {
        let word = w.word.trim();
        if word.is_empty() {
            continue;
        }
        text.push(word);
        if word.ends_with(['.', '?', '!']) {
            out.push((w.start_seconds, text.join(" ")));
            text.clear();
        }
    }
    if let (false, Some(last)) = (text.is_empty(), words.last()) {
        out.push((last.start_seconds, text.join(" ")));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(word: &str, start: f64) -> Word {
        Word {
            word: word.into(),
            start_seconds: start,
            end_seconds: start + 0.3,
            probability: 1.0,
        }
    }

    #[test]
    fn runs_are_marked_once_in_plain_text() {
        let words = [
            w("Um,", 0.0),
            w("I", 0.5),
            w("think", 0.8),
            w("it", 1.2),
            w("was", 1.4),
            w("terrible.", 1.6),
        ];
        let marks = [
            Some(Mark::Filler),
            Some(Mark::Hedge),
            Some(Mark::Hedge),
            None,
            None,
            Some(Mark::Negative),
        ];
        assert_eq!(
            marked_text(&words, &marks, false),
            "[Um,] {I think} it was <<terrible.>>"
        );
        assert!(marked_text(&words, &marks, true).contains("\x1b[33mUm,\x1b[0m"));
    }

    #[test]
    fn the_caption_follows_the_playback_position() {
        let words = [
            w("one", 0.0),
            w("two", 1.0),
            w("three", 2.0),
            w("four", 3.0),
        ];
        assert_eq!(caption(&words, -0.1, 40), "");
        assert_eq!(caption(&words, 1.5, 40), "one two");
        assert_eq!(caption(&words, 9.0, 40), "one two three four");
        assert_eq!(caption(&words, 9.0, 12), "three four");
    }

    #[test]
    fn sentences_end_at_their_last_word() {
        let words = [
            w("One", 0.0),
            w("two.", 1.0),
            w("Three", 2.0),
            w("four", 3.0),
        ];
        assert_eq!(
            sentences(&words),
            [
                (1.0, "One two.".to_string()),
                (3.0, "Three four".to_string())
            ]
        );
    }
}
