//! The HTML page of one session, the one renderer of `report` and `share`:
//! header, the review tools, then each answer with its recordings (the
//! final take and each follow-up's reply drawn by the same code: player,
//! waveform with pinned comments, pitch contour, metrics, transcript), the
//! reviews and the review form. One self-contained file: inline CSS and
//! SVG, one inline script allowed by its hash (page.js), nothing loaded
//! from the network. The report's players point at the session's WAV
//! files by relative URL; the shared page embeds compressed audio instead.

use super::escape::{href, html as e};
use super::{chart, contour, form, transcript, waveform};
use crate::analysis::{pitch_track_wav, AnalysisConfig};
use crate::clock::local_minute;
use crate::progress::SessionProgress;
use crate::session::{criterion_keys, Answer, Recording, RecordingKey, Review, Session};
use sha2::Digest as _;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::Path;

/// The start of the page's generator tag (the version follows): how
/// `-o` knows a file is a page mockview wrote ([`super::check_replaceable`]).
pub(crate) const GENERATOR_TAG: &str = "<meta name=\"generator\" content=\"mockview";

/// The page's one script: seeking, comments, the review form's draft and file.
const PAGE_SCRIPT: &str = include_str!("page.js");

const STYLE: &str = r#"
:root{color-scheme:light dark;--fg:#1b1b1f;--bg:#fff;--muted:#5d5d66;--line:#d9d9e0;--card:#f6f6f9;--accent:#2454c5;--warn:#9a3b00}
@media (prefers-color-scheme:dark){:root{--fg:#e8e8ee;--bg:#15161a;--muted:#a4a4b0;--line:#363843;--card:#1e2026;--accent:#8cadff;--warn:#ffb27a}}
*{box-sizing:border-box}
body{margin:0 auto;max-width:52rem;padding:1rem;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg);overflow-wrap:anywhere}
h1{font-size:1.5rem;margin:.2rem 0}h2{font-size:1.15rem;margin:0 0 .4rem}
.muted,figcaption,.meta{color:var(--muted);font-size:.9rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .8rem;margin:.5rem 0}
dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}
section.answer{background:var(--card);border:1px solid var(--line);border-radius:.6rem;padding:.9rem;margin:1rem 0;break-inside:avoid-page}
figure{margin:.5rem 0}audio{width:100%;max-width:100%}
svg.wave{display:block;width:100%;height:4rem;color:var(--accent)}svg.wave path{stroke:currentColor;stroke-width:1;fill:none;vector-effect:non-scaling-stroke}
svg.pitch{display:block;width:100%;height:3rem;color:var(--fg);border-top:1px dashed var(--line)}svg.pitch>path{stroke:currentColor;stroke-width:1.5;fill:none;vector-effect:non-scaling-stroke}
svg.pitch path.rise,.legend .rise{fill:var(--warn);color:var(--warn);stroke:none}svg.pitch path.fade,.legend .fade{fill:var(--accent);color:var(--accent);stroke:none}.legend{margin:0}
ul.flags{margin:.3rem 0;padding-left:1.2rem;color:var(--warn)}
.review{border-top:1px solid var(--line);margin-top:.6rem;padding-top:.5rem}
table.scores{border-collapse:collapse;margin:.3rem 0}table.scores td,table.scores th{border:1px solid var(--line);padding:.15rem .5rem;text-align:left;font-weight:normal}
table.scores td{text-align:center;font-weight:600}
.notes{white-space:pre-wrap;margin:.3rem 0}
section.progress{margin:1rem 0;break-inside:avoid-page}.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(15rem,1fr));gap:.4rem 1rem}
svg.chart{display:block;width:100%;height:auto;color:var(--accent);font-size:12px}svg.chart text{fill:var(--muted)}svg.chart text.label{fill:var(--fg);font-weight:600}
svg.chart .axis{stroke:var(--line);fill:none}svg.chart .now{stroke:var(--muted);stroke-dasharray:3 3;fill:none}svg.chart .line{stroke:currentColor;stroke-width:2;fill:none}
svg.chart .point{fill:var(--bg);stroke:currentColor;stroke-width:2}svg.chart .point.this{fill:var(--warn);stroke:var(--warn)}
@media print{body{max-width:none;font-size:11pt}audio{display:none}section.answer{border-color:#999}figcaption .file{display:inline}}
"#;

/// Where the page's players take their audio from.
pub enum Audio<'a> {
    /// The session's WAV files, by relative URL from the folder the page is
    /// written in (`report`: the page stays next to the recordings).
    Files { page_dir: &'a Path },
    /// Each recording compressed and embedded in the page, by its file name
    /// in the session folder (`share`: one file to send).
    Embedded(&'a HashMap<String, EmbeddedAudio>),
}

/// One recording compressed for the page.
pub struct EmbeddedAudio {
    /// The MIME type with its codec, as `canPlayType` takes it.
    pub mime: &'static str,
    pub bytes: Vec<u8>,
}

/// What goes into a page: the one renderer of `report` and `share`.
pub struct Page<'a> {
    pub session: &'a Session,
    /// Absolute: the recordings are read from here for the waveforms.
    pub session_dir: &'a Path,
    pub audio: Audio<'a>,
    /// The answers to show, by number; `None`: every answer.
    pub answers: Option<&'a [u32]>,
    /// The machine's feedback (metrics, flags, pitch, content) and earlier
    /// reviews; off for a reviewer who should judge unprompted.
    pub feedback: bool,
    /// Sessions in date order (this one among them) for the progress charts.
    pub progress: &'a [SessionProgress],
}

/// Render the page of `session`, whose files are in `session_dir`, for a
/// page written in `page_dir`. Both folders must be absolute, so that the
/// players' relative URLs are right.
pub fn render(session: &Session, session_dir: &Path, page_dir: &Path) -> String {
    render_with_progress(session, session_dir, page_dir, &[])
}

/// [`render`], with a "Progress" section charting `progress` (sessions in
/// date order, this one among them) when at least two of them have metrics.
pub fn render_with_progress(
    session: &Session,
    session_dir: &Path,
    page_dir: &Path,
    progress: &[SessionProgress],
) -> String {
    render_page(&Page {
        session,
        session_dir,
        audio: Audio::Files { page_dir },
        answers: None,
        feedback: true,
        progress,
    })
}

/// The script's entry in the page's `script-src`: its SHA-256, base64.
fn script_hash() -> String {
    use base64::Engine as _;
    let digest = sha2::Sha256::digest(PAGE_SCRIPT.as_bytes());
    format!(
        "'sha256-{}'",
        base64::engine::general_purpose::STANDARD.encode(digest)
    )
}

/// The page.
pub fn render_page(p: &Page) -> String {
    let session = p.session;
    let mut h = String::with_capacity(64 * 1024);
    let title = format!("mockview session {}", session.id);
    // Nothing from anywhere: no connection (default-src 'none' covers
    // connect-src), no remote font, style or script; the one script by hash.
    let media = match p.audio {
        Audio::Files { .. } => "media-src 'self' file:",
        Audio::Embedded(_) => "media-src data: blob:",
    };
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; {media}; style-src 'unsafe-inline'; img-src data:; script-src {}; form-action 'none'; base-uri 'none'\">\n\
{GENERATOR_TAG} {}\">\n<title>{}</title>\n<style>{STYLE}{}{}</style>\n</head>\n\
<body data-session=\"{}\" data-started=\"{}\">\n",
        script_hash(),
        env!("CARGO_PKG_VERSION"),
        e(&title),
        transcript::STYLE,
        form::STYLE,
        e(&session.id),
        e(&session.started_at.to_string()),
    );
    header(&mut h, session);
    form::tools(&mut h, matches!(p.audio, Audio::Embedded(_)));
    h.push_str(&chart::section(p.progress, &session.id));
    let chosen = session
        .answers
        .iter()
        .filter(|a| p.answers.is_none_or(|ns| ns.contains(&a.number)));
    let mut any = false;
    for a in chosen {
        answer(&mut h, p, a);
        any = true;
    }
    if !any {
        h.push_str("<p class=\"muted\">No questions were asked in this session.</p>\n");
    }
    let _ = writeln!(h, "<script>{PAGE_SCRIPT}</script>");
    let _ = writeln!(
        h,
        "<footer class=\"muted\"><p>Written by mockview {} from {}/session.json.</p></footer>\n</body>\n</html>",
        e(env!("CARGO_PKG_VERSION")),
        e(&session.id)
    );
    h
}

fn header(h: &mut String, s: &Session) {
    let (answered, secs) = s.answered();
    let _ = write!(
        h,
        "<header>\n<h1>Session {}</h1>\n<p class=\"meta\">{} · {} · {} of {} answered · {}</p>\n<dl class=\"facts\">\n",
        e(&s.id),
        e(&local_minute(s.started_at)),
        e(s.status.as_str()),
        answered,
        s.answers.len(),
        e(&crate::clock::prose(secs))
    );
    if let Some(end) = s.ended_at {
        fact(h, "Ended", &local_minute(end));
    }
    if let Some(i) = &s.input {
        fact(h, "Input", &format!("{} ({})", i.device_name, i.device_id));
        fact(
            h,
            "Format",
            &format!(
                "{} Hz, {} channel{}, {} (saved as 16-bit mono WAV)",
                i.sample_rate,
                i.channels,
                if i.channels == 1 { "" } else { "s" },
                i.sample_format
            ),
        );
    }
    let st = &s.settings;
    let limit = if st.limit_seconds == 0 {
        "no limit".to_string()
    } else {
        format!("{} s", st.limit_seconds)
    };
    let mut settings = format!(
        "{} questions, {} order, seed {}, prep {} s, limit {}",
        st.count, st.order, st.seed, st.prep_seconds, limit
    );
    if st.speak {
        settings.push_str(", spoken questions");
    }
    if st.follow_ups {
        settings.push_str(", follow-up questions");
    }
    fact(h, "Settings", &settings);
    if !st.banks.is_empty() {
        fact(h, "Banks", &st.banks.join(", "));
    }
    if !st.categories.is_empty() {
        fact(h, "Categories", &st.categories.join(", "));
    }
    h.push_str("</dl>\n</header>\n");
}

fn fact(h: &mut String, name: &str, value: &str) {
    let _ = writeln!(h, "<dt>{}</dt><dd>{}</dd>", e(name), e(value));
}

fn answer(h: &mut String, p: &Page, a: &Answer) {
    let _ = write!(
        h,
        "<section class=\"answer\" id=\"answer-{n}\" data-answer=\"{n}\">\n<h2>{n}. {}</h2>\n<p class=\"meta\">{}",
        e(&a.question.text),
        e(&a.question.category),
        n = a.number,
    );
    if a.recording.dropped_frames > 0 {
        let _ = write!(
            h,
            " · {} frames lost while recording",
            a.recording.dropped_frames
        );
    }
    h.push_str("</p>\n");
    let reviews: &[Review] = if p.feedback { &a.reviews } else { &[] };
    recording(h, p, RecordingKey::answer(a.number), &a.recording, reviews);
    // Earlier takes: the person's own page only; a shared page carries the
    // answer as given.
    if let Audio::Files { page_dir } = p.audio {
        for (k, take) in a.takes.iter().enumerate() {
            if Some(take) != a.recording.file.as_ref() {
                let url = href(page_dir, &p.session_dir.join(take));
                player(h, &format!("take {}", k + 1), take, &url, None);
            }
        }
    }
    for f in &a.follow_ups {
        let _ = writeln!(
            h,
            "<div class=\"follow-up\">\n<h3>Follow-up {}: {}</h3>",
            f.number,
            e(&f.text)
        );
        let key = RecordingKey {
            answer: a.number,
            follow_up: Some(f.number),
        };
        recording(h, p, key, &f.recording, reviews);
        h.push_str("</div>\n");
    }
    for r in reviews {
        review(h, r);
    }
    if a.is_recorded() {
        form::answer_form(h, a);
    }
    h.push_str("</section>\n");
}

/// One recording, an answer's final take or a follow-up's reply, drawn the
/// same way: its player, its waveform with the comments pinned on it (or
/// why there is none), its pitch contour, metrics and transcript.
fn recording(h: &mut String, p: &Page, key: RecordingKey, rec: &Recording, reviews: &[Review]) {
    let what = key.to_string();
    // page.js finds a comment's recording by these.
    let own = match key.follow_up {
        None => " data-own".to_string(),
        Some(k) => format!(" data-follow-up=\"{k}\""),
    };
    let _ = write!(
        h,
        "<div class=\"recording\"{own} data-duration=\"{:.3}\">\n<p class=\"meta\">{}",
        rec.duration_seconds,
        e(rec.status.as_str())
    );
    if rec.file.is_some() {
        let _ = write!(h, " · {}", e(&crate::clock::prose(rec.duration_seconds)));
    }
    h.push_str("</p>\n");
    if let Some(file) = &rec.file {
        let label = match key.follow_up {
            None => "final take".to_string(),
            Some(k) => format!("follow-up {k}"),
        };
        match &p.audio {
            Audio::Files { page_dir } => {
                let url = href(page_dir, &p.session_dir.join(file));
                player(h, &label, file, &url, None);
            }
            Audio::Embedded(audio) => match audio.get(file) {
                Some(a) => {
                    use base64::Engine as _;
                    let url = format!(
                        "data:{};base64,{}",
                        a.mime.split(';').next().unwrap_or(a.mime),
                        base64::engine::general_purpose::STANDARD.encode(&a.bytes)
                    );
                    player(h, &label, file, &url, Some(a.mime));
                }
                None => {
                    let _ = writeln!(h, "<p class=\"muted\">{}: not shared</p>", e(&label));
                }
            },
        }
        let wav = p.session_dir.join(file);
        let _ = write!(h, "<div class=\"wave-box\">");
        match waveform::read(&wav, waveform::COLUMNS) {
            Ok(w) => h.push_str(&w.to_svg(&e(&format!("waveform of {what}")))),
            Err(err) => {
                let _ = write!(
                    h,
                    "<p class=\"muted\">no waveform: {}: {}</p>",
                    e(file),
                    e(&err.to_string())
                );
            }
        }
        pins(h, rec.duration_seconds, reviews, key.follow_up);
        h.push_str("</div>\n");
        if p.feedback {
            pitch(h, &what, rec, &wav);
        }
    }
    if p.feedback {
        if let Some(m) = &rec.metrics {
            metrics(h, &serde_json::to_value(m).unwrap_or_default());
        }
    }
    if let Some(t) = &rec.transcript {
        let content = rec.content.as_ref().filter(|_| p.feedback);
        transcript::section(h, t, content);
    }
    h.push_str("</div>\n");
}

/// The reviews' comments on one recording, as marks on its waveform: a
/// click plays from there, the comment shows on hover.
fn pins(h: &mut String, duration: f64, reviews: &[Review], follow_up: Option<u32>) {
    for r in reviews {
        for c in r.comments_on(follow_up) {
            let left = if duration > 0.0 {
                (100.0 * c.seconds / duration).clamp(0.0, 100.0)
            } else {
                0.0
            };
            let _ = write!(
                h,
                "<button type=\"button\" class=\"pin\" data-t=\"{:.2}\" style=\"left:{left:.2}%\" title=\"{}\"></button>",
                c.seconds,
                e(&format!(
                    "{} {}: {}",
                    crate::clock::clock_tenths(c.seconds),
                    r.reviewer,
                    c.text
                ))
            );
        }
    }
}

/// The pitch contour under the waveform, with the phrase ends the stored
/// metrics found rising or fading (those of this analysis when none are
/// stored). Nothing when the file cannot be read (the waveform said why)
/// or nothing in it was voiced.
fn pitch(h: &mut String, what: &str, rec: &Recording, wav: &Path) {
    let Ok((fresh, track)) = pitch_track_wav(wav, &AnalysisConfig::default()) else {
        return;
    };
    let ends = rec
        .metrics
        .as_ref()
        .map_or(&fresh.phrase_ends, |m| &m.phrase_ends);
    let label = format!(
        "pitch contour of {what}: {}",
        rec.metrics.as_ref().unwrap_or(&fresh).voice_line()
    );
    if let Some(svg) = contour::to_svg(
        &track.hz,
        track.frame_seconds,
        fresh.duration_seconds,
        ends,
        &e(&label),
    ) {
        h.push_str(&svg);
        h.push_str(
            "<p class=\"muted legend\">pitch · <span class=\"rise\">▲</span> statement ends rising \
· <span class=\"fade\">▼</span> phrase ends fading</p>",
        );
    }
}

/// A player; `codec` (embedded audio) lets the page tell a browser that
/// cannot play it. A file's player links to the file for browsers without
/// audio; embedded audio is not repeated in a link.
fn player(h: &mut String, label: &str, file: &str, url: &str, codec: Option<&str>) {
    let (codec, fallback) = match codec {
        Some(c) => (format!(" data-codec=\"{}\"", e(c)), e(file)),
        None => (
            String::new(),
            format!("<a href=\"{}\">{}</a>", e(url), e(file)),
        ),
    };
    let _ = writeln!(
        h,
        "<figure><figcaption>{} · <span class=\"file\">{}</span></figcaption>\
<audio controls preload=\"metadata\"{codec} src=\"{}\">{fallback}</audio></figure>",
        e(label),
        e(file),
        e(url),
    );
}

/// Known metrics with their labels and units, in reading order.
const METRICS: [(&str, &str, Unit); 13] = [
    ("duration_seconds", "Length", Unit::Seconds),
    ("speaking_seconds", "Speaking time", Unit::Seconds),
    ("first_word_seconds", "First word after", Unit::Seconds),
    (
        "trailing_silence_seconds",
        "Silence at the end",
        Unit::Seconds,
    ),
    ("words_per_minute", "Pace", Unit::Wpm),
    ("syllables", "Syllables", Unit::Count),
    ("pauses", "Pauses", Unit::Count),
    ("long_pauses", "Long pauses", Unit::Count),
    ("longest_pause_seconds", "Longest pause", Unit::Seconds),
    ("loudness_lufs", "Loudness", Unit::Lufs),
    ("peak_dbfs", "Peak", Unit::Dbfs),
    ("noise_floor_dbfs", "Noise floor", Unit::Dbfs),
    ("clipped_fraction", "Clipping", Unit::Percent),
];

#[derive(Clone, Copy)]
enum Unit {
    Seconds,
    Wpm,
    Count,
    Lufs,
    Dbfs,
    Percent,
}

fn metric_value(v: &serde_json::Value, unit: Unit) -> Option<String> {
    if let Some(list) = v.as_array() {
        return Some(list.len().to_string());
    }
    if v.is_null() {
        return Some("–".into());
    }
    let x = v.as_f64()?;
    Some(match unit {
        Unit::Seconds => format!("{x:.1} s"),
        Unit::Wpm => format!("{x:.0} wpm"),
        Unit::Count => format!("{x}"),
        Unit::Lufs => format!("{x:.1} LUFS"),
        Unit::Dbfs => format!("{x:.1} dBFS"),
        Unit::Percent => format!("{:.2} %", x * 100.0),
    })
}

fn metrics(h: &mut String, m: &serde_json::Value) {
    let Some(obj) = m.as_object() else { return };
    h.push_str("<h3 class=\"muted\">Delivery</h3>\n<dl class=\"facts\">\n");
    for (key, label, unit) in METRICS {
        let text = match unit {
            // The one pace, labelled as every surface labels it.
            Unit::Wpm => serde_json::from_value::<crate::analysis::Metrics>(m.clone())
                .ok()
                .map(|m| m.pace().label()),
            _ => obj.get(key).and_then(|v| metric_value(v, unit)),
        };
        if let Some(text) = text {
            fact(h, label, &text);
        }
    }
    h.push_str("</dl>\n");
    let flags: Vec<&str> = obj
        .get("flags")
        .and_then(|f| f.as_array())
        .map(|f| {
            f.iter()
                .filter_map(|x| x.get("message").or_else(|| x.get("code")))
                .filter_map(|x| x.as_str())
                .collect()
        })
        .unwrap_or_default();
    if !flags.is_empty() {
        h.push_str("<ul class=\"flags\">\n");
        for f in flags {
            let _ = writeln!(h, "<li>{}</li>", e(f));
        }
        h.push_str("</ul>\n");
    }
}

fn review(h: &mut String, r: &Review) {
    let _ = writeln!(
        h,
        "<div class=\"review\"><p><strong>{}</strong> <span class=\"muted\">{}</span></p>",
        e(&r.reviewer),
        e(&local_minute(r.at))
    );
    if !r.scores.is_empty() {
        let mut keys: Vec<&str> = criterion_keys()
            .filter(|c| r.scores.contains_key(*c))
            .collect();
        keys.extend(
            r.scores
                .keys()
                .map(String::as_str)
                .filter(|k| criterion_keys().all(|c| c != *k)),
        );
        h.push_str("<table class=\"scores\"><tr>");
        for k in &keys {
            let _ = write!(h, "<th scope=\"col\">{}</th>", e(k));
        }
        h.push_str("</tr><tr>");
        for k in &keys {
            let _ = write!(h, "<td>{}/5</td>", r.scores[*k]);
        }
        h.push_str("</tr></table>\n");
    }
    if !r.notes.is_empty() {
        let _ = writeln!(h, "<p class=\"notes\">{}</p>", e(&r.notes));
    }
    if !r.comments.is_empty() {
        h.push_str("<ol class=\"comments\">\n");
        for c in &r.comments {
            let on = c
                .follow_up
                .map_or(String::new(), |k| format!(" (follow-up {k})"));
            let _ = writeln!(
                h,
                "<li><span class=\"at\">{}{on}</span> {}</li>",
                e(&crate::clock::clock_tenths(c.seconds)),
                e(&c.text)
            );
        }
        h.push_str("</ol>\n");
    }
    h.push_str("</div>\n");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{AnswerStatus, QuestionRef, Settings};

    fn session() -> Session {
        let settings = Settings {
            banks: vec!["<b>bank</b>".into()],
            seed: 7,
            ..Settings::default()
        };
        let mut s = Session::new(
            "20261126-101503".into(),
            jiff::Timestamp::UNIX_EPOCH,
            settings,
        );
        let mut a = Answer {
            takes: vec!["01-q.take1.wav".into(), "01 \"x\".wav".into()],
            reviews: vec![Review {
                reviewer: "Eve <eve@example.org>".into(),
                at: jiff::Timestamp::UNIX_EPOCH,
                scores: [("structure".to_string(), 4u8), ("<x>".to_string(), 2u8)]
                    .into_iter()
                    .collect(),
                notes: "good'\n</p><script>".into(),
                self_check: None,
                comments: vec![crate::session::Comment {
                    seconds: 0.5,
                    follow_up: None,
                    text: "<b>here</b> \u{1b}[31m".into(),
                }],
            }],
            ..Answer::new(
                1,
                QuestionRef {
                    id: "q".into(),
                    text: "<script>alert(1)</script>".into(),
                    category: "a&b".into(),
                    ..QuestionRef::default()
                },
                AnswerStatus::Recorded,
            )
        };
        a.recording.file = Some("01 \"x\".wav".into());
        (
            a.recording.duration_seconds,
            a.recording.frames,
            a.recording.sample_rate,
        ) = (1.0, 8000, 8000);
        a.recording.metrics = Some(
            serde_json::from_value(serde_json::json!({
                "duration_seconds": 1.0, "pauses": [
                    {"start_seconds": 0.1, "end_seconds": 0.4},
                    {"start_seconds": 0.5, "end_seconds": 0.8}
                ], "loudness_lufs": null,
                "flags": [{"code": "x", "message": "<img src=x onerror=alert(1)>", "value": 1.0}]
            }))
            .expect("metrics JSON"),
        );
        s.answers.push(a);
        s
    }

    #[test]
    fn user_text_is_escaped_everywhere() {
        let page = render(&session(), Path::new("/r/s"), Path::new("/r/s"));
        assert_eq!(page.matches("<script").count(), 1, "only the page script");
        assert!(!page.contains("<img"));
        assert!(!page.contains("<b>bank"));
        assert!(!page.contains("<eve@"));
        assert!(!page.contains("<x>"));
        assert!(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(page.contains("a&amp;b"));
        assert!(!page.contains("<b>here"));
        assert!(
            page.contains("&lt;b&gt;here&lt;/b&gt; \u{FFFD}[31m"),
            "comments escaped"
        );
        // The file name is percent-encoded in the URL and escaped in text.
        assert!(page.contains("src=\"01%20%22x%22.wav\""));
        assert!(page.contains("01 &quot;x&quot;.wav"));
    }

    #[test]
    fn progress_comes_after_the_header_and_only_with_two_sessions() {
        let p = |id: &str, wpm: f64| SessionProgress {
            id: id.into(),
            date: "2026-11-01".into(),
            pace_wpm: Some(wpm),
            average_answer_seconds: Some(60.0),
            ..SessionProgress::default()
        };
        let s = session();
        let two = [p("older", 120.0), p(&s.id, 140.0)];
        let page = render_with_progress(&s, Path::new("/r/s"), Path::new("/r/s"), &two);
        let at = |needle: &str| page.find(needle).unwrap_or_else(|| panic!("{needle}"));
        assert!(at("</header>") < at("<h2>Progress</h2>"));
        assert!(at("<h2>Progress</h2>") < at("<section class=\"answer\""));
        assert_eq!(page.matches("point this").count(), 2, "pace and length");
        let one = render_with_progress(&s, Path::new("/r/s"), Path::new("/r/s"), &two[1..]);
        assert_eq!(one, render(&s, Path::new("/r/s"), Path::new("/r/s")));
        assert!(!one.contains("<h2>Progress"));
    }

    #[test]
    fn one_player_per_take_and_what_metrics_there_are() {
        let page = render(&session(), Path::new("/r/s"), Path::new("/out"));
        assert_eq!(
            page.matches("<audio controls preload=\"metadata\"").count(),
            2
        );
        assert!(page.contains("src=\"../r/s/01-q.take1.wav\""));
        assert!(page.contains("take 1"));
        assert!(page.contains("<dt>Pauses</dt><dd>2</dd>"));
        assert!(page.contains("<dt>Loudness</dt><dd>–</dd>"));
        assert!(
            page.contains("<dt>Pace</dt>"),
            "typed metrics are always complete"
        );
        assert!(page.contains("4/5"));
        assert!(!page.contains("http://") && !page.contains("https://"));
    }

    /// A voiced 1 s WAV: a 150 Hz tone with harmonics.
    fn voiced_wav(path: &Path) {
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 16_000,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(path, spec).unwrap();
        for i in 0..16_000 {
            let t = f64::from(i) / 16_000.0;
            let x = (2.0 * std::f64::consts::PI * 150.0 * t).sin() * 0.4
                + (2.0 * std::f64::consts::PI * 300.0 * t).sin() * 0.2;
            w.write_sample((x * 32767.0) as i16).unwrap();
        }
        w.finalize().unwrap();
    }

    #[test]
    fn a_reply_is_drawn_like_the_answer() {
        // Issue 19: one renderer of a recording; the reply gets its pitch
        // contour, and says why it has no waveform, like the answer.
        let dir = tempfile::tempdir().unwrap();
        voiced_wav(&dir.path().join("01-q.wav"));
        voiced_wav(&dir.path().join("01-q.follow1.wav"));
        let mut s = Session::new(
            "20261126-101503".into(),
            jiff::Timestamp::UNIX_EPOCH,
            crate::session::Settings::default(),
        );
        let mut a = Answer::new(1, QuestionRef::default(), AnswerStatus::Recorded)
            .with_take("01-q.wav", 16_000, 16_000);
        let name = crate::session::TakeName::final_take(1, "q").follow_up(1);
        let mut reply = crate::session::FollowUp::begin(&name, "And then?".into(), 16_000);
        reply.recording.finish(16_000, 16_000, 0, 0);
        a.put_follow_up(reply);
        s.answers.push(a);
        let page = render(&s, dir.path(), dir.path());
        assert_eq!(page.matches("<svg class=\"pitch\"").count(), 2, "{page}");
        assert_eq!(page.matches("<svg class=\"wave\"").count(), 2);
        std::fs::remove_file(dir.path().join("01-q.follow1.wav")).unwrap();
        let page = render(&s, dir.path(), dir.path());
        assert!(page.contains("no waveform: 01-q.follow1.wav"), "{page}");
    }
}
