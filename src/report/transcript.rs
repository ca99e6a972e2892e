//! An answer's transcript on the report page: every word a span that seeks
//! the answer's player to it when clicked, fillers, hedges and negative
//! phrases highlighted, and the content feedback (facts and flags); the
//! page's script (page.js) does the seeking. Everything said is escaped.

use super::escape::html as e;
use crate::content::Content;
use crate::transcript::Transcript;
use std::fmt::Write as _;

pub(super) const STYLE: &str = r#"
.transcript{margin:.4rem 0;line-height:1.8}.transcript span[data-t]{cursor:pointer;border-radius:.2rem}
.transcript span[data-t]:hover{outline:1px solid var(--accent)}
.filler{background:#ffe9a8;color:#1b1b1f}.hedge{background:#cdeaff;color:#1b1b1f}.negative{background:#ffc9c9;color:#1b1b1f;font-weight:600}
.legend span{padding:0 .3rem}
.star{padding-left:1.2rem}.star .part{display:inline-block;min-width:5.5rem;font-size:.85em;color:var(--muted)}
"#;

/// The transcript and its content feedback, for one answer.
pub(super) fn section(h: &mut String, t: &Transcript, content: Option<&Content>) {
    h.push_str("<h3 class=\"muted\">What you said</h3>\n");
    if let Some(c) = content {
        let _ = writeln!(h, "<p class=\"meta content\">{}</p>", e(&c.brief()));
    }
    h.push_str("<p class=\"meta legend\">click a word to hear it · <span class=\"filler\">filler</span> <span class=\"hedge\">hedge</span> <span class=\"negative\">negative</span></p>\n");
    h.push_str("<p class=\"transcript\">");
    if t.words.is_empty() {
        h.push_str(&e(&t.text));
    }
    let marks = content.map(|c| c.marks(t.words.len())).unwrap_or_default();
    for (i, w) in t.words.iter().enumerate() {
        if i > 0 {
            h.push(' ');
        }
        let class = match marks.get(i).copied().flatten() {
            Some(m) => format!(" class=\"{}\"", m.name()),
            None => String::new(),
        };
        let start = if w.start_seconds.is_finite() {
            w.start_seconds.max(0.0)
        } else {
            0.0
        };
        let _ = write!(
            h,
            "<span data-t=\"{start:.2}\"{class}>{}</span>",
            e(w.word.trim())
        );
    }
    h.push_str("</p>\n");
    if let Some(c) = content {
        // The STAR part of each sentence, so the reader sees why a part
        // was heard or is missing.
        if c.story && !c.star.sentences.is_empty() {
            h.push_str("<ol class=\"star\">\n");
            for sentence in &c.star.sentences {
                let _ = writeln!(
                    h,
                    "<li><span class=\"part {0}\">{0}</span> {1}</li>",
                    e(&sentence.part),
                    e(&sentence.text)
                );
            }
            h.push_str("</ol>\n");
        }
        if !c.flags.is_empty() {
            h.push_str("<ul class=\"flags\">\n");
            for f in &c.flags {
                let _ = writeln!(h, "<li>{}</li>", e(&f.message));
            }
            h.push_str("</ul>\n");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::content::Mark;
    use crate::transcript::Word;

    #[test]
    fn words_are_escaped_marked_and_seekable() {
        let t = Transcript {
            model: "tiny.en".into(),
            text: String::new(),
            words: [
                "Um,",
                "<script>alert(1)</script>",
                "they",
                "were",
                "hopeless.",
            ]
            .iter()
            .enumerate()
            .map(|(i, w)| Word {
                word: w.to_string(),
                start_seconds: i as f64,
                end_seconds: i as f64 + 0.5,
                probability: 1.0,
            })
            .collect(),
        };
        let c = crate::content::content(
            &t.words,
            None,
            &crate::content::Phrases::builtin(),
            &crate::content::ContentThresholds::default(),
            true,
        );
        let mut h = String::new();
        section(&mut h, &t, Some(&c));
        assert!(
            h.contains("<span data-t=\"0.00\" class=\"filler\">Um,</span>"),
            "{h}"
        );
        assert!(h.contains("&lt;script&gt;"));
        assert!(!h.contains("<script"));
        assert!(h.contains("<span data-t=\"4.00\" class=\"negative\">hopeless.</span>"));
        // The STAR part of the one sentence (too short to tell one), escaped.
        assert!(
            h.contains("<li><span class=\"part none\">none</span> Um, &lt;script&gt;"),
            "{h}"
        );
        for m in [Mark::Filler, Mark::Hedge, Mark::Negative] {
            assert!(STYLE.contains(&format!(".{}{{", m.name())));
        }
    }
}
