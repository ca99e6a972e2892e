//! A transcript's words as the phrase lists see them: lower case, no
//! punctuation, with where each sentence starts and where a comma was heard.
//! Knows nothing of what the words mean; `phrases` and the findings do.

use crate::transcript::Word;

/// One word of a transcript, normalised for matching.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    /// Lower case, punctuation stripped from both ends, curly apostrophes
    /// made straight: `"Don’t,"` -> `don't`.
    pub norm: String,
    /// The word as transcribed, trimmed.
    pub raw: String,
    /// Index of the transcript word it comes from.
    pub word: usize,
    /// First word of the answer, or the word before it ended a sentence.
    pub sentence_start: bool,
    /// The word before it ended with a comma (or a dash, colon, semicolon):
    /// the engine writes the pause around a filler that way.
    pub after_comma: bool,
    /// The transcript word's times, in seconds: sentences are also cut at
    /// long silences, where the engine wrote no full stop.
    pub start_seconds: f64,
    pub end_seconds: f64,
}

/// Splits the transcript's words into tokens. A transcript word holding
/// several (an engine may join "I think" into one) gives several tokens with
/// the same word index; a word that is only punctuation or a bracketed
/// marker gives none.
pub(crate) fn tokens(words: &[Word]) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::with_capacity(words.len());
    let mut sentence_start = true;
    let mut after_comma = false;
    for (index, w) in words.iter().enumerate() {
        for part in w.word.split_whitespace() {
            if part.starts_with('[') || part.starts_with('(') && part.ends_with(')') {
                continue;
            }
            let norm = normalise(part);
            if !norm.is_empty() {
                out.push(Token {
                    norm,
                    raw: part.to_string(),
                    word: index,
                    sentence_start,
                    after_comma,
                    start_seconds: w.start_seconds,
                    end_seconds: w.end_seconds,
                });
                sentence_start = false;
                after_comma = false;
            }
            if ends_sentence(part) {
                sentence_start = true;
            } else if part.ends_with([',', ';', ':', '-', '—', '–']) {
                after_comma = true;
            }
        }
    }
    out
}

/// Abbreviations whose full stop ends no sentence.
const ABBREVIATIONS: [&str; 9] = [
    "mr.", "mrs.", "ms.", "dr.", "st.", "e.g.", "i.e.", "vs.", "etc.",
];

/// Whether a word as transcribed closes its sentence: a full stop, question
/// or exclamation mark, or an ellipsis, but not "Dr." or "e.g.".
pub(crate) fn ends_sentence(raw: &str) -> bool {
    let raw = raw.trim_end_matches(['"', '\'', '”', '’', ')']);
    raw.ends_with(['.', '?', '!', '…'])
        && !ABBREVIATIONS.iter().any(|a| raw.eq_ignore_ascii_case(a))
}

/// The matching form of one word: `"Um,"` -> `um`, `"20%"` -> `20%`.
pub(crate) fn normalise(word: &str) -> String {
    // Curly quotes, the modifier letter apostrophe and the acute accent
    // some keyboards and engines write for an apostrophe.
    let word = word.replace(['’', '‘', 'ʼ', '´', '`'], "'");
    word.trim_matches(|c: char| {
        !(c.is_alphanumeric() || c == '%' || c == '$' || c == '€' || c == '£')
    })
    .trim_start_matches('%')
    .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::tests::words;

    #[test]
    fn normalises_case_punctuation_and_apostrophes() {
        let t = tokens(&words("So, I Don’t know. \"Really\"? 20%, $5"));
        let norms: Vec<&str> = t.iter().map(|t| t.norm.as_str()).collect();
        assert_eq!(norms, ["so", "i", "don't", "know", "really", "20%", "$5"]);
        assert!(t[0].sentence_start);
        assert!(t[1].after_comma && !t[1].sentence_start);
        assert!(t[4].sentence_start);
        assert!(t[5].sentence_start, "a question mark ends a sentence");
    }

    #[test]
    fn markers_and_bare_punctuation_give_no_token() {
        let t = tokens(&words("[BLANK_AUDIO] well - done"));
        let norms: Vec<&str> = t.iter().map(|t| t.norm.as_str()).collect();
        assert_eq!(norms, ["well", "done"]);
        assert_eq!(t[1].word, 3);
        assert!(t[1].after_comma, "a dash is heard as a pause");
    }

    #[test]
    fn a_word_holding_two_gives_two_tokens_with_its_index() {
        let t = tokens(&[Word {
            word: " I think".into(),
            start_seconds: 0.0,
            end_seconds: 0.5,
            probability: 1.0,
        }]);
        assert_eq!(t.len(), 2);
        assert_eq!((t[0].word, t[1].word), (0, 0));
    }
}
