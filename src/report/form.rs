//! The review form of the page (issue 20): the reviewer's name once, at the
//! top, with "Save review" and "Copy"; per answer the rubric's scores (the
//! same keys as `mockview review`, from `session::RUBRIC`), notes, and
//! comments pinned to moments of the recording. The form is HTML here;
//! page.js keeps its draft, pins the comments and writes the review file
//! (`session::review_file`), whose bounds set the fields' `maxlength`.

use super::escape::html as e;
use crate::session::review_file::{MAX_COMMENT_CHARS, MAX_NOTES_CHARS, MAX_REVIEWER_CHARS};
use crate::session::{Answer, RUBRIC, SCORE_RANGE};
use std::fmt::Write as _;

pub(super) const STYLE: &str = r#"
.tools{position:sticky;top:0;z-index:2;background:var(--bg);border-bottom:1px solid var(--line);padding:.5rem 0;margin-bottom:.5rem}
.tools p{margin:.2rem 0}.tools input{font:inherit;padding:.2rem .4rem}.tools button,.review-form button{font:inherit;padding:.2rem .7rem;cursor:pointer}
.private{font-size:.9rem;color:var(--muted)}#page-error,#no-opus{color:var(--warn);font-weight:600}
#review-text{width:100%;height:6rem}
.wave-box{position:relative}
.pin{position:absolute;top:0;bottom:0;width:3px;margin-left:-1px;padding:0;border:0;background:var(--warn);opacity:.8;cursor:pointer}
.pin.mine{background:var(--accent)}
fieldset.review-form{border:1px solid var(--line);border-radius:.4rem;margin:.8rem 0 0;padding:.5rem .8rem}
.review-form table{border-collapse:collapse}.review-form td,.review-form th{padding:.1rem .4rem;text-align:left;font-weight:normal;vertical-align:top}
.review-form td.score{text-align:center}.review-form .what{color:var(--muted);font-size:.85rem;display:block}
.review-form textarea{width:100%;min-height:4rem;font:inherit}
.review-form input.comment-at{width:5.5rem;font:inherit}.review-form input.comment-text{width:min(100%,28rem);font:inherit}
ol.comments{margin:.3rem 0;padding-left:1.4rem}ol.comments .at{font-variant-numeric:tabular-nums;color:var(--accent)}
@media print{.tools,fieldset.review-form{display:none}}
"#;

/// The bar at the top: the privacy line, the reviewer's name, Save and
/// Copy. `shared`: the page carries Ogg Opus audio (say so where it
/// cannot play).
pub(super) fn tools(h: &mut String, shared: bool) {
    let _ = write!(
        h,
        "<div class=\"tools\" id=\"review-tools\">\n\
<p class=\"private\">Private: this page loads nothing and sends nothing. Nothing leaves this device except the review file you choose to send.</p>\n\
<p><label>Your name <input id=\"reviewer-name\" autocomplete=\"name\" maxlength=\"{MAX_REVIEWER_CHARS}\"></label> \
<button type=\"button\" id=\"save-review\">Save review</button> \
<button type=\"button\" id=\"copy-review\">Copy</button> \
<span id=\"review-status\" role=\"status\"></span></p>\n\
<p class=\"muted\">Score each answer below; click the waveform or a word to comment on that moment, or press c while it plays. Your draft is kept in this browser.</p>\n\
<textarea id=\"review-text\" hidden readonly aria-label=\"the review\"></textarea>\n\
<p id=\"page-error\" hidden></p>\n"
    );
    if shared {
        h.push_str(
            "<p id=\"no-opus\" hidden>This browser cannot play the recordings (Ogg Opus; older Safari cannot): open this file in Firefox or Chrome, on a computer or a phone.</p>\n",
        );
    }
    h.push_str("</div>\n");
}

/// The form of one answer.
pub(super) fn answer_form(h: &mut String, a: &Answer) {
    let n = a.number;
    let _ = write!(
        h,
        "<fieldset class=\"review-form\" data-answer=\"{n}\" data-question=\"{}\">\n\
<legend>Your review of answer {n}</legend>\n<table>\n<tr><th scope=\"col\">criterion</th>",
        e(&a.question.id)
    );
    for s in SCORE_RANGE {
        let _ = write!(h, "<th scope=\"col\" class=\"score\">{s}</th>");
    }
    h.push_str("</tr>\n");
    for c in RUBRIC {
        let _ = write!(
            h,
            "<tr><th scope=\"row\">{}<span class=\"what\">{}</span></th>",
            e(c.title),
            e(c.description)
        );
        for s in SCORE_RANGE {
            let _ = write!(
                h,
                "<td class=\"score\"><input type=\"radio\" name=\"score-{n}-{key}\" data-key=\"{key}\" value=\"{s}\" aria-label=\"{} {s}\"></td>",
                e(c.title),
                key = e(c.key)
            );
        }
        h.push_str("</tr>\n");
    }
    let _ = write!(
        h,
        "</table>\n<p><label>Notes<br><textarea class=\"notes\" maxlength=\"{MAX_NOTES_CHARS}\"></textarea></label></p>\n\
<ol class=\"comments\"></ol>\n\
<p>Comment at <input class=\"comment-at\" value=\"0:00.0\" aria-label=\"moment (m:ss.s)\"> <span class=\"comment-where muted\">in the answer</span> \
<input class=\"comment-text\" maxlength=\"{MAX_COMMENT_CHARS}\" placeholder=\"here you lost me\" aria-label=\"comment\"> \
<button type=\"button\" class=\"add-comment\">Add comment</button></p>\n</fieldset>\n"
    );
}
