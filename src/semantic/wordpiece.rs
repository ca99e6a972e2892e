//! BERT's uncased WordPiece tokenisation, as Hugging Face `tokenizers`
//! does it for all-MiniLM-L6-v2 (its `tokenizer.json`: BertNormalizer with
//! lower case and accents stripped, BertPreTokenizer, WordPiece with at
//! most 100 characters a word, `[CLS] ... [SEP]`), cut at 256 tokens and
//! never padded, as sentence-transformers runs the model.
//! Hand-written rather than the `tokenizers` crate: that one brings a
//! regex engine, a C library (onig) by default, rayon and much more for
//! the sixty lines needed here; this one is checked token for token
//! against it on the whole evaluation corpus
//! (scripts/semantic-reference.py, `tests::the_corpus_tokenises_as_hugging_face_does`).

use std::collections::HashMap;

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Longest word WordPiece splits; a longer one is `[UNK]` (tokenizers'
/// `max_input_chars_per_word`).
const MAX_WORD_CHARS: usize = 100;
/// The model's longest input (`sentence_bert_config.json`:
/// `max_seq_length` 256, over `tokenizer.json`'s 128), the two special
/// tokens included.
pub const MAX_TOKENS: usize = 256;

/// A vocabulary (`vocab.txt`: one token a line, its id the line number).
#[derive(Debug, Clone)]
pub struct WordPiece {
    ids: HashMap<String, u32>,
    unk: u32,
    cls: u32,
    sep: u32,
}

impl WordPiece {
    /// The vocabulary of `vocab.txt`'s text; `None` names a missing special token.
    pub fn new(vocab: &str) -> Result<Self, &'static str> {
        let ids: HashMap<String, u32> = vocab
            .lines()
            .enumerate()
            .map(|(i, t)| (t.to_string(), i as u32))
            .collect();
        let id = |t: &'static str| ids.get(t).copied().ok_or(t);
        Ok(Self {
            unk: id("[UNK]")?,
            cls: id("[CLS]")?,
            sep: id("[SEP]")?,
            ids,
        })
    }

    /// The token ids of `text`: `[CLS]`, its word pieces (cut to fit), `[SEP]`.
    pub fn encode(&self, text: &str) -> Vec<u32> {
        let mut out = vec![self.cls];
        for word in pre_tokenize(&normalize(text)) {
            self.word_pieces(&word, &mut out);
            if out.len() >= MAX_TOKENS - 1 {
                break;
            }
        }
        out.truncate(MAX_TOKENS - 1);
        out.push(self.sep);
        out
    }

    /// Greedy longest match first; a word with a part not in the
    /// vocabulary is one `[UNK]`.
    fn word_pieces(&self, word: &str, out: &mut Vec<u32>) {
        let chars: Vec<char> = word.chars().collect();
        if chars.len() > MAX_WORD_CHARS {
            out.push(self.unk);
            return;
        }
        let mut pieces = Vec::new();
        let mut start = 0;
        while start < chars.len() {
            let mut end = chars.len();
            let mut found = None;
            while start < end {
                let mut piece: String = chars[start..end].iter().collect();
                if start > 0 {
                    piece.insert_str(0, "##");
                }
                if let Some(&id) = self.ids.get(&piece) {
                    found = Some(id);
                    break;
                }
                end -= 1;
            }
            match found {
                Some(id) => pieces.push(id),
                None => {
                    out.push(self.unk);
                    return;
                }
            }
            start = end;
        }
        out.extend(pieces);
    }
}

/// BertNormalizer: control characters dropped, white space made a space,
/// CJK ideographs spaced apart, accents stripped (NFD, marks dropped),
/// lower case, in that order.
fn normalize(text: &str) -> String {
    let mut cleaned = String::with_capacity(text.len());
    for c in text.chars() {
        if c == '\0' || c == '\u{fffd}' || is_control(c) {
            continue;
        }
        if c.is_whitespace() {
            cleaned.push(' ');
        } else if is_cjk(c) {
            cleaned.push(' ');
            cleaned.push(c);
            cleaned.push(' ');
        } else {
            cleaned.push(c);
        }
    }
    // tokenizers drops non-spacing marks (Mn); this drops every combining
    // mark (Mn, Mc, Me): the same in the scripts English is written in.
    let stripped: String = cleaned.nfd().filter(|&c| !is_combining_mark(c)).collect();
    stripped.to_lowercase()
}

/// BertPreTokenizer: words split at white space, each punctuation mark a
/// word of its own.
fn pre_tokenize(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    for chunk in text.split_whitespace() {
        let mut word = String::new();
        for c in chunk.chars() {
            if is_punctuation(c) {
                if !word.is_empty() {
                    words.push(std::mem::take(&mut word));
                }
                words.push(c.to_string());
            } else {
                word.push(c);
            }
        }
        if !word.is_empty() {
            words.push(word);
        }
    }
    words
}

/// Control and format characters (Unicode Cc, Cf) but tab and line ends,
/// which are white space.
fn is_control(c: char) -> bool {
    if matches!(c, '\t' | '\n' | '\r') {
        return false;
    }
    c.is_control()
        || matches!(c as u32,
            0xad | 0x600..=0x605 | 0x61c | 0x6dd | 0x70f | 0x180e | 0x200b..=0x200f
            | 0x202a..=0x202e | 0x2060..=0x2064 | 0x2066..=0x206f | 0xfeff
            | 0xfff9..=0xfffb)
}

/// ASCII punctuation and symbols (as BERT counts them) and Unicode
/// punctuation (category P) of the blocks text in English uses: Latin-1,
/// General Punctuation (dashes, curly quotes, ellipsis), CJK and
/// full-width forms. Symbols such as € or © are not punctuation.
fn is_punctuation(c: char) -> bool {
    c.is_ascii_punctuation()
        || matches!(c as u32,
            0xa1 | 0xa7 | 0xab | 0xb6 | 0xb7 | 0xbb | 0xbf | 0x37e | 0x387
            | 0x2010..=0x2027 | 0x2030..=0x2043 | 0x2045..=0x2051 | 0x2053..=0x205e
            | 0x2308..=0x230b | 0x2329 | 0x232a | 0x2e00..=0x2e4f
            | 0x3001..=0x3003 | 0x3008..=0x3011 | 0x3014..=0x301f | 0x3030 | 0x303d
            | 0xfe10..=0xfe19 | 0xfe30..=0xfe52 | 0xfe54..=0xfe61 | 0xfe63 | 0xfe68
            | 0xfe6a | 0xfe6b | 0xff01..=0xff03 | 0xff05..=0xff0a | 0xff0c..=0xff0f
            | 0xff1a | 0xff1b | 0xff1f | 0xff20 | 0xff3b..=0xff3d | 0xff3f | 0xff5b
            | 0xff5d | 0xff5f..=0xff65)
}

/// The CJK ideograph blocks BERT spaces apart.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x4e00..=0x9fff | 0x3400..=0x4dbf | 0x20000..=0x2a6df | 0x2a700..=0x2b73f
        | 0x2b740..=0x2b81f | 0x2b820..=0x2ceaf | 0xf900..=0xfaff | 0x2f800..=0x2fa1f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> WordPiece {
        WordPiece::new("[PAD]\n[UNK]\n[CLS]\n[SEP]\nmy\nboss\n##es\nwas\n.\n'\nt\nnaive\nun\n##want\n##ed\n,\nrun\n##ning")
            .unwrap()
    }

    #[test]
    fn words_are_split_into_the_longest_pieces() {
        let v = vocab();
        assert_eq!(v.encode("My bosses"), [2, 4, 5, 6, 3]);
        assert_eq!(
            v.encode("unwanted, running"),
            [2, 12, 13, 14, 15, 16, 17, 3]
        );
        // A word with a part the vocabulary lacks is one unknown token.
        assert_eq!(v.encode("bossy"), [2, 1, 3]);
    }

    #[test]
    fn text_is_normalised_as_bert_does() {
        assert_eq!(normalize("Naïve\tBOSS\u{200b}"), "naive boss");
        assert_eq!(
            pre_tokenize("wasn’t... (ok)"),
            ["wasn", "’", "t", ".", ".", ".", "(", "ok", ")"]
        );
        assert_eq!(pre_tokenize("50€ a—b"), ["50€", "a", "—", "b"]);
        assert_eq!(vocab().encode("NAÏVE."), [2, 11, 8, 3]);
    }

    #[test]
    fn long_text_is_cut_to_the_models_length() {
        let v = vocab();
        let ids = v.encode(&"boss ".repeat(600));
        assert_eq!(ids.len(), MAX_TOKENS);
        assert_eq!((ids[0], ids[MAX_TOKENS - 1]), (2, 3));
        assert_eq!(v.encode(&"x".repeat(101)), [2, 1, 3]);
    }
}
