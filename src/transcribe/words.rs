//! From the engine's tokens to words with times: tokens join into words (a
//! token starting with a space starts a word; punctuation sticks to the word
//! before), known noise markers such as `[BLANK_AUDIO]`, `(music)` or
//! `♪ … ♪` are dropped, and times come from the DTW alignment.
//!
//! Only known markers go: whisper sometimes wraps a real sentence in
//! "( … )", and a filter that dropped every bracketed span, or everything
//! after an unclosed "(", emptied a whole 63 s transcript (issue 18). Other
//! brackets are taken off the words and the words kept.
//!
//! whisper.cpp's DTW gives each text token one time, which is where the
//! alignment leaves that token: its end (measured on the LibriVox clips,
//! docs/transcription.md). A word ends at its last token's time; it starts
//! where the word before ended, but at most `MAX_WORD_SECONDS` before its
//! own end, so a word after a long pause does not swallow the pause.

use crate::transcript::Word;

/// No spoken word lasts longer than this; bounds a word's start after a pause.
const MAX_WORD_SECONDS: f64 = 1.0;

/// One text token as the engine gave it.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    pub text: String,
    /// Where the alignment puts the token's end, in seconds.
    pub end_seconds: f64,
    pub probability: f32,
}

/// Join tokens into words, drop markers, place the words in time.
pub fn assemble(pieces: &[Piece], duration_seconds: f64) -> Vec<Word> {
    // Tokens into raw words: (text, end, lowest token probability).
    let mut raw: Vec<(String, f64, f32)> = Vec::new();
    for p in pieces {
        let starts_word = p.text.starts_with(' ') || raw.is_empty();
        let text = p.text.trim();
        if text.is_empty() {
            continue;
        }
        let glued = !starts_word
            || text
                .chars()
                .all(|c| c.is_ascii_punctuation() && !matches!(c, '[' | '(' | '$' | '£' | '"'));
        match raw.last_mut() {
            Some(last) if glued => {
                last.0.push_str(text);
                last.1 = last.1.max(p.end_seconds);
                last.2 = last.2.min(p.probability);
            }
            _ => raw.push((text.to_string(), p.end_seconds, p.probability)),
        }
    }
    let raw = drop_markers(raw);
    let mut words = Vec::with_capacity(raw.len());
    let mut previous_end = 0.0f64;
    for (text, end, probability) in raw {
        let end = end.clamp(previous_end, duration_seconds.max(previous_end));
        let start = previous_end.max(end - MAX_WORD_SECONDS);
        words.push(Word {
            word: text,
            start_seconds: round_ms(start),
            end_seconds: round_ms(end),
            probability: (probability * 1000.0).round() / 1000.0,
        });
        previous_end = end;
    }
    words
}

/// What the engine writes for sounds that are not speech, lower case,
/// inside `[ ]`, `( )` or `* *`. A group is a marker when every word of
/// it is one of these.
const NOISE_WORDS: [&str; 32] = [
    "blank_audio",
    "blank",
    "audio",
    "music",
    "upbeat",
    "soft",
    "gentle",
    "dramatic",
    "background",
    "playing",
    "laughs",
    "laughing",
    "laughter",
    "applause",
    "coughs",
    "coughing",
    "cough",
    "sighs",
    "sigh",
    "silence",
    "noise",
    "noises",
    "inaudible",
    "static",
    "clears",
    "throat",
    "breathing",
    "breath",
    "beep",
    "beeping",
    "no",
    "speech",
];
/// A marker group is closed within this many words, or it is no marker.
const MAX_MARKER_WORDS: usize = 6;

/// Drop the known noise markers; take stray brackets off real words.
fn drop_markers(raw: Vec<(String, f64, f32)>) -> Vec<(String, f64, f32)> {
    let mut out = Vec::with_capacity(raw.len());
    let mut i = 0;
    while i < raw.len() {
        if let Some(j) = marker_end(&raw, i) {
            i = j + 1;
            continue;
        }
        let (text, end, p) = &raw[i];
        let kept: String = text
            .chars()
            .filter(|c| !matches!(c, '(' | ')' | '[' | ']' | '♪' | '*'))
            .collect();
        if kept.chars().any(char::is_alphanumeric) {
            out.push((kept, *end, *p));
        }
        i += 1;
    }
    out
}

/// If a known marker starts at word `i`, the index of its last word.
fn marker_end(raw: &[(String, f64, f32)], i: usize) -> Option<usize> {
    let open = raw[i].0.chars().next()?;
    let close = match open {
        '[' => ']',
        '(' => ')',
        '*' => '*',
        '♪' => {
            // Music notes, with or without lyrics between them: a lone ♪,
            // or up to the next ♪ close by.
            if raw[i].0.chars().filter(|&c| c == '♪').count() >= 2 || raw[i].0 == "♪" {
                let next = (i + 1..raw.len().min(i + 1 + MAX_MARKER_WORDS * 2))
                    .find(|&j| raw[j].0.contains('♪'));
                return Some(if raw[i].0 == "♪" {
                    next.unwrap_or(i)
                } else {
                    i
                });
            }
            return None;
        }
        _ => return None,
    };
    let mut inner = String::new();
    for (j, (text, _, _)) in raw.iter().enumerate().skip(i).take(MAX_MARKER_WORDS) {
        let body = if j == i {
            &text[open.len_utf8()..]
        } else {
            &text[..]
        };
        let (body, closed) = match body.find(close) {
            Some(at) => (&body[..at], true),
            None => (body, false),
        };
        inner.push(' ');
        inner.push_str(body);
        if closed {
            let known = inner
                .split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .filter(|w| !w.is_empty())
                .all(|w| NOISE_WORDS.contains(&w.to_lowercase().as_str()));
            return known.then_some(j);
        }
    }
    None
}

fn round_ms(s: f64) -> f64 {
    (s * 1000.0).round() / 1000.0
}

/// The words as text, one space between.
#[cfg_attr(not(feature = "transcribe"), allow(dead_code))]
pub fn text_of(words: &[Word]) -> String {
    words
        .iter()
        .map(|w| w.word.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(text: &str, end: f64) -> Piece {
        Piece {
            text: text.into(),
            end_seconds: end,
            probability: 0.9,
        }
    }

    #[test]
    fn tokens_join_into_words_with_punctuation() {
        let w = assemble(
            &[
                p(" Um", 0.4),
                p(",", 0.45),
                p(" I", 0.7),
                p(" led", 1.0),
                p(" the", 1.2),
                p(" rede", 1.5),
                p("sign", 1.8),
                p(".", 1.85),
            ],
            3.0,
        );
        let texts: Vec<&str> = w.iter().map(|w| w.word.as_str()).collect();
        assert_eq!(texts, ["Um,", "I", "led", "the", "redesign."]);
        assert_eq!(w[4].end_seconds, 1.85);
        assert_eq!(w[4].start_seconds, 1.2);
        assert_eq!(w[0].start_seconds, 0.0);
        assert_eq!(text_of(&w), "Um, I led the redesign.");
    }

    #[test]
    fn markers_never_reach_the_words() {
        let w = assemble(
            &[
                p(" [", 0.1),
                p("BLANK", 0.2),
                p("_AUDIO", 0.3),
                p("]", 0.4),
                p(" Hello", 1.0),
                p(" (", 1.1),
                p("upbeat", 1.2),
                p(" music", 1.3),
                p(")", 1.4),
                p(" there", 2.0),
            ],
            3.0,
        );
        let texts: Vec<&str> = w.iter().map(|w| w.word.as_str()).collect();
        assert_eq!(texts, ["Hello", "there"]);
        let w = assemble(
            &[
                p(" ♪", 0.1),
                p(" la", 0.2),
                p(" la", 0.3),
                p(" ♪", 0.4),
                p(" So", 1.0),
            ],
            3.0,
        );
        let texts: Vec<&str> = w.iter().map(|w| w.word.as_str()).collect();
        assert_eq!(texts, ["So"]);
    }

    #[test]
    fn speech_in_brackets_is_kept() {
        // Issue 18: a real sentence in "( … )", and an unclosed "(" that
        // once emptied a whole transcript.
        let w = assemble(
            &[
                p(" (", 0.1),
                p("I", 0.2),
                p(" rolled", 0.5),
                p(" it", 0.6),
                p(" back", 0.9),
                p(".)", 1.0),
                p(" Then", 1.5),
                p(" (", 1.6),
                p("we", 1.7),
                p(" fixed", 2.0),
                p(" it", 2.2),
                p(" properly", 2.6),
                p(" and", 2.8),
                p(" shipped", 3.1),
                p(" it", 3.3),
            ],
            4.0,
        );
        let texts: Vec<&str> = w.iter().map(|w| w.word.as_str()).collect();
        assert_eq!(
            texts,
            [
                "I", "rolled", "it", "back.", "Then", "we", "fixed", "it", "properly", "and",
                "shipped", "it"
            ]
        );
    }

    #[test]
    fn times_are_in_order_inside_the_recording_and_bounded() {
        let w = assemble(
            &[p(" a", 0.5), p(" b", 0.3), p(" c", 9.0), p(" d", 20.0)],
            10.0,
        );
        for pair in w.windows(2) {
            assert!(pair[0].end_seconds <= pair[1].start_seconds + 1e-9);
        }
        assert_eq!(w[1].end_seconds, 0.5); // never before the word before
        assert_eq!(w[2].start_seconds, 8.0); // a pause is not part of the word
        assert_eq!(w[3].end_seconds, 10.0); // never past the end
    }
}
