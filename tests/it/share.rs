//! `mockview share` and `import review-….json` (issue 20): the shared page
//! in real headless Chromium and Firefox through WebDriver (players load
//! and play for the answer's duration, a word seeks, no error, no request),
//! a review filled in Chromium (draft kept over a reload, saved, imported,
//! replayed with its comment at its moment), and hostile review files.

use crate::common::*;
use mockview::session::{SessionStore, REPORT_FILE};
use mockview::transcript::{Transcript, Word};
use serde_json::json;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

const ANSWER: &str = "In my last job I led the migration of our billing system. We missed the \
first deadline by two weeks because I underestimated the data cleanup. I told my manager early, \
we split the work, and we shipped with no lost invoices.";

/// A session of two recorded answers of real (synthesised) speech, about
/// 16 s and 6 s, the first with a transcript whose word times are spread
/// over it (the page's seeking is under test here, not transcription).
fn session(root: &Path) -> PathBuf {
    let rate = 48_000;
    let mut one = silence(0.5, rate);
    one.extend(speech(ANSWER, 150, rate));
    one.extend(silence(0.5, rate));
    let two = speech("I would ask what the team needs first.", 150, rate);
    let dir = make_session(root, &[(&one, rate), (&two, rate)], false);
    let store = SessionStore::new(root);
    let d = store.resolve("latest").unwrap();
    let mut s = d.load().unwrap();
    let secs = s.answers[0].recording.duration_seconds;
    let words: Vec<&str> = ANSWER.split_whitespace().collect();
    let step = (secs - 1.0) / words.len() as f64;
    s.answers[0].recording.transcript = Some(Transcript {
        model: "hand-made".into(),
        text: ANSWER.into(),
        words: words
            .iter()
            .enumerate()
            .map(|(i, w)| Word {
                word: w.to_string(),
                start_seconds: 0.5 + i as f64 * step,
                end_seconds: 0.5 + (i as f64 + 0.8) * step,
                probability: 0.9,
            })
            .collect(),
    });
    d.save(&s).unwrap();
    dir
}

fn share(root: &Path, out: &Path, extra: &[&str]) -> String {
    let o = mockview_in(root)
        .args(["share", "latest", "-o"])
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    succeeded(&o)
}

/// Every player loads its audio, reports the answer's duration and plays;
/// a click on a word seeks its player there; nothing errs, nothing is fetched.
fn check_shared_page(b: &Browser, page: &Path, dir: &Path) {
    let log = log_of(dir);
    b.goto(&file_url(page));
    b.wait_for(
        "the page script",
        Duration::from_secs(20),
        "return document.documentElement.dataset.seek === 'ready'",
    );
    let players = b
        .run(
            "return document.querySelectorAll('audio').length",
            json!([]),
        )
        .as_u64()
        .unwrap();
    assert_eq!(players, 2, "{}: one player per answer", b.name);
    for (i, a) in log["answers"].as_array().unwrap().iter().enumerate() {
        let expected = a["duration_seconds"].as_f64().unwrap();
        b.wait_for(
            &format!("player {i} to load"),
            Duration::from_secs(30),
            &format!("return document.querySelectorAll('audio')[{i}].readyState >= 1"),
        );
        let got = b
            .run(
                &format!("return document.querySelectorAll('audio')[{i}].duration"),
                json!([]),
            )
            .as_f64()
            .unwrap();
        assert!(
            (got - expected).abs() < 0.05,
            "{}: player {i} lasts {got} s, the answer {expected} s",
            b.name
        );
        b.run(
            &format!("document.querySelectorAll('audio')[{i}].play()"),
            json!([]),
        );
        b.wait_for(
            &format!("player {i} to play"),
            Duration::from_secs(30),
            &format!("return document.querySelectorAll('audio')[{i}].currentTime > 0.3"),
        );
        b.run(
            &format!("document.querySelectorAll('audio')[{i}].pause()"),
            json!([]),
        );
    }
    // The 20th word of answer 1: its player jumps there.
    let word = a_word(&log, 20);
    let span = b.find(&format!("#answer-1 span[data-t=\"{word:.2}\"]"));
    b.click(&span);
    b.wait_for(
        "the click on a word to seek",
        Duration::from_secs(20),
        &format!(
            "var a = document.querySelector('#answer-1 audio'); \
             return a.currentTime >= {word} - 0.05 && a.currentTime < {word} + 3"
        ),
    );
    b.run(
        "document.querySelector('#answer-1 audio').pause()",
        json!([]),
    );
    let hidden = b.run(
        "return document.getElementById('page-error').hidden && document.getElementById('no-opus').hidden",
        json!([]),
    );
    assert_eq!(
        hidden,
        json!(true),
        "{}: the page reported an error",
        b.name
    );
    let requests = b.run(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; })",
        json!([]),
    );
    assert_eq!(
        requests,
        json!([]),
        "{}: the page fetched something",
        b.name
    );
}

fn a_word(log: &serde_json::Value, k: usize) -> f64 {
    let t = log["answers"][0]["transcript"]["words"][k]["start_seconds"]
        .as_f64()
        .unwrap();
    (t * 100.0).round() / 100.0
}

fn no_console_errors(b: &Browser) {
    let errors: Vec<_> = b
        .console()
        .into_iter()
        .filter(|(level, _)| level == "SEVERE" || level == "WARNING")
        .collect();
    assert!(errors.is_empty(), "console: {errors:?}");
}

#[test]
fn shared_page_plays_and_seeks_in_chromium() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("recordings");
    let dir = session(&root);
    let page = tmp.path().join("for-kim.html");
    let said = share(&root, &page, &[]);
    assert!(said.contains("2 answers"), "{said}");
    let b = Browser::chromium(tmp.path());
    check_shared_page(&b, &page, &dir);
    no_console_errors(&b);
}

#[test]
fn shared_page_plays_and_seeks_in_firefox() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("recordings");
    let dir = session(&root);
    let page = tmp.path().join("for-kim.html");
    share(&root, &page, &[]);
    let b = Browser::firefox();
    check_shared_page(&b, &page, &dir);
}

#[test]
fn share_options_and_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("recordings");
    session(&root);
    mockview_in(&root)
        .args(["analyze", "latest", "--save"])
        .assert()
        .success();
    let all = tmp.path().join("all.html");
    share(&root, &all, &[]);
    let all = std::fs::read_to_string(&all).unwrap();
    assert!(all.contains("<h3 class=\"muted\">Delivery</h3>"));
    let one = tmp.path().join("one.html");
    share(&root, &one, &["--answers", "2", "--no-feedback"]);
    let one = std::fs::read_to_string(&one).unwrap();
    assert_eq!(one.matches("<audio").count(), 1);
    assert!(one.contains("id=\"answer-2\"") && !one.contains("id=\"answer-1\""));
    assert!(
        !one.contains("<h3 class=\"muted\">Delivery</h3>") && !one.contains("svg class=\"pitch\"")
    );
    assert!(one.contains("Nothing leaves this device except the review file you choose to send"));
    // The policy allows nothing remote and no connection.
    let csp = &one[one.find("Content-Security-Policy").unwrap()..];
    let csp = &csp[..csp.find('>').unwrap()];
    assert!(
        csp.contains("default-src 'none'") && !csp.contains("connect-src"),
        "{csp}"
    );
    assert!(!one.contains("http://") && !one.contains("https://"));
    mockview_in(&root)
        .args(["share", "latest", "--answers", "7", "-o"])
        .arg(tmp.path().join("x.html"))
        .assert()
        .code(2)
        .stderr(predicates::str::contains("has no answer 7"));
    assert!(!tmp.path().join("x.html").exists());
}

/// Run `replay` of answer 1 into a null sink of its own; the seconds after
/// the "playing" line at which each line came.
fn replay_lines(root: &Path) -> Vec<(f64, String)> {
    let sink = PulseSink::running("share");
    let mut child = child_in(root)
        .env("PULSE_SINK", &sink.name)
        .args(["replay", "latest", "1", "--device", "alsa:pulse"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut started = None;
    let mut lines = Vec::new();
    for line in BufReader::new(child.stdout.take().unwrap()).lines() {
        let line = line.unwrap();
        if line.starts_with("playing ") {
            started = Some(Instant::now());
        }
        let at = started.map_or(0.0, |s| s.elapsed().as_secs_f64());
        lines.push((at, line));
    }
    assert!(child.wait().unwrap().success(), "{lines:?}");
    lines
}

#[test]
fn a_review_made_in_chromium_imports_and_replays_at_its_moment() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("recordings");
    let dir = session(&root);
    let page = tmp.path().join("for-kim.html");
    share(&root, &page, &[]);
    let downloads = tmp.path().join("downloads");
    std::fs::create_dir(&downloads).unwrap();
    let b = Browser::chromium(&downloads);
    b.goto(&file_url(&page));
    b.wait_for(
        "the page script",
        Duration::from_secs(20),
        "return document.documentElement.dataset.seek === 'ready'",
    );
    let name = b.find("#reviewer-name");
    b.type_into(&name, "Kim O'Neil");
    b.click(&b.find("input[name=\"score-1-structure\"][value=\"4\"]"));
    b.click(&b.find("input[name=\"score-1-clarity\"][value=\"2\"]"));
    b.type_into(
        &b.find("#answer-1 textarea.notes"),
        "Strong result; the <b>start</b> drags.",
    );
    let at = b.find("#answer-1 input.comment-at");
    b.clear(&at);
    b.type_into(&at, "0:12.5");
    b.type_into(&b.find("#answer-1 input.comment-text"), "here you lost me");
    b.click(&b.find("#answer-1 button.add-comment"));
    b.wait_for(
        "the comment in the list and on the waveform",
        Duration::from_secs(10),
        "return document.querySelector('#answer-1 ol.comments').textContent.indexOf('0:12.5') >= 0 \
         && document.querySelectorAll('#answer-1 .pin.mine').length === 1",
    );

    // A closed tab loses nothing: the draft comes back.
    b.refresh();
    b.wait_for(
        "the page script after the reload",
        Duration::from_secs(20),
        "return document.documentElement.dataset.seek === 'ready'",
    );
    let draft = b.run(
        "return [document.getElementById('reviewer-name').value, \
         document.querySelector('input[name=\"score-1-structure\"][value=\"4\"]').checked, \
         document.querySelector('#answer-1 textarea.notes').value, \
         document.querySelector('#answer-1 ol.comments').textContent]",
        json!([]),
    );
    assert_eq!(draft[0], "Kim O'Neil");
    assert_eq!(draft[1], true);
    assert_eq!(draft[2], "Strong result; the <b>start</b> drags.");
    assert!(draft[3].as_str().unwrap().contains("here you lost me"));

    b.click(&b.find("#save-review"));
    let file = downloads.join("review-20260101-120000-kim-o-neil.json");
    wait_until(Duration::from_secs(30), || file.is_file())
        .unwrap_or_else(|_| panic!("no download: {:?}", std::fs::read_dir(&downloads)));
    no_console_errors(&b);
    drop(b);
    let size = std::fs::metadata(&file).unwrap().len();
    assert!(size < 8 * 1024, "a few KB: {size}");

    let before = std::fs::read(log_path(&dir)).unwrap();
    let out = mockview_in(&root)
        .arg("import")
        .arg(&file)
        .output()
        .unwrap();
    let said = succeeded(&out);
    assert!(
        said.contains("merged Kim O'Neil's review of 1 answer"),
        "{said}"
    );
    let l = log_of(&dir);
    let r = &l["answers"][0]["reviews"][0];
    assert_eq!(r["reviewer"], "Kim O'Neil");
    assert_eq!(r["scores"], json!({"structure": 4, "clarity": 2}));
    assert_eq!(r["notes"], "Strong result; the <b>start</b> drags.");
    assert_eq!(
        r["comments"],
        json!([{"seconds": 12.5, "text": "here you lost me"}])
    );
    assert_ne!(before, std::fs::read(log_path(&dir)).unwrap());
    // The same file again adds nothing.
    let after = std::fs::read(log_path(&dir)).unwrap();
    let again = mockview_in(&root)
        .arg("import")
        .arg(&file)
        .output()
        .unwrap();
    assert!(succeeded(&again).contains("nothing added"));
    assert_eq!(after, std::fs::read(log_path(&dir)).unwrap());

    // show lists the comment; the report draws it on the waveform.
    let shown = succeeded(
        &mockview_in(&root)
            .args(["show", "latest"])
            .output()
            .unwrap(),
    );
    assert!(shown.contains("@ 0:12.5 here you lost me"), "{shown}");
    let json: serde_json::Value = serde_json::from_str(&succeeded(
        &mockview_in(&root)
            .args(["show", "latest", "--json"])
            .output()
            .unwrap(),
    ))
    .unwrap();
    assert_eq!(
        json["answers"][0]["reviews"][0]["comments"][0]["seconds"],
        12.5
    );
    mockview_in(&root)
        .args(["report", "latest"])
        .assert()
        .success();
    let report = std::fs::read_to_string(dir.join(REPORT_FILE)).unwrap();
    assert!(report.contains("class=\"pin\" data-t=\"12.50\""));
    assert!(report.contains("the &lt;b&gt;start&lt;/b&gt; drags"));

    // replay prints the comment when the audio reaches 12.5 s.
    let lines = replay_lines(&root);
    let (at, _) = lines
        .iter()
        .find(|(_, l)| l == "@ 0:12.5  Kim O'Neil: here you lost me")
        .unwrap_or_else(|| panic!("{lines:?}"));
    assert!(
        (12.0..16.0).contains(at),
        "printed {at:.2} s into playback: {lines:?}"
    );
    let end = lines
        .iter()
        .position(|(_, l)| l.starts_with("played "))
        .unwrap();
    let cue = lines.iter().position(|(_, l)| l.starts_with("@ ")).unwrap();
    assert!(cue < end);
}

#[test]
fn hostile_review_files_are_refused_or_inert() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("recordings");
    let dir = session(&root);
    let s = log_of(&dir);
    let good = json!({
        "format": "mockview-review", "version": 1, "session": s["id"],
        "session_started_at": s["started_at"], "reviewer": "Eve",
        "saved_at": "2026-12-01T10:00:00Z",
        "answers": [{"number": 1, "question_id": "q1", "scores": {"structure": 3},
                     "notes": "ok", "comments": [{"seconds": 1.0, "text": "here"}]}]
    });
    let import = |name: &str, v: &serde_json::Value| {
        let f = tmp.path().join(name);
        std::fs::write(&f, serde_json::to_vec(v).unwrap()).unwrap();
        mockview_in(&root).arg("import").arg(&f).output().unwrap()
    };
    let saved = std::fs::read(log_path(&dir)).unwrap();
    let mut cases: Vec<(&str, serde_json::Value, &str)> = Vec::new();
    let mut v = good.clone();
    v["session"] = json!("20991231-235959");
    cases.push((
        "wrong.json",
        v,
        "a review of session 20991231-235959, which is not in",
    ));
    let mut v = good.clone();
    v["answers"][0]["scores"]["structure"] = json!(9);
    cases.push((
        "nine.json",
        v,
        "answer 1: score 9 for `structure`; scores are 1 to 5",
    ));
    let mut v = good.clone();
    v["answers"][0]["notes"] = json!("x".repeat(10 << 20));
    cases.push((
        "huge.json",
        v,
        "more than the 1024 KB a review file may hold",
    ));
    let mut v = good.clone();
    v["answers"][0]["comments"][0]["seconds"] = json!(-3);
    cases.push((
        "early.json",
        v,
        "a comment at -3 s, before the recording starts",
    ));
    let mut v = good.clone();
    v["answers"][0]["comments"][0]["seconds"] = json!(600);
    cases.push(("late.json", v, "a comment at 600 s, past the end"));
    let mut v = good.clone();
    v["answers"][0]["question_id"] = json!("other");
    cases.push((
        "other.json",
        v,
        "answer 1 here is question `q1`, not `other`",
    ));
    for (name, v, message) in &cases {
        let out = import(name, v);
        assert_eq!(out.status.code(), Some(1), "{name}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{name}: one line: {err}");
        assert!(err.contains(message), "{name}: {err}");
        assert!(err.contains(name), "{name} names the file: {err}");
        assert_eq!(saved, std::fs::read(log_path(&dir)).unwrap(), "{name}");
    }

    // Markup and terminal escapes in a note: stored as typed, shown inert.
    let mut v = good.clone();
    let nasty = "<script>alert(1)</script>\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m";
    v["answers"][0]["notes"] = json!(nasty);
    v["reviewer"] = json!("Eve\u{1b}[31m");
    v["answers"][0]["comments"][0]["text"] = json!("\u{1b}[1Ahere<img src=x>");
    let out = import("nasty.json", &v);
    let said = succeeded(&out);
    assert!(!said.contains('\u{1b}'), "{said:?}");
    assert_eq!(log_of(&dir)["answers"][0]["reviews"][0]["notes"], nasty);
    let shown = succeeded(
        &mockview_in(&root)
            .args(["show", "latest"])
            .output()
            .unwrap(),
    );
    assert!(
        !shown.contains('\u{1b}') && !shown.contains('\u{7}') && !shown.contains('\u{9b}'),
        "{shown:?}"
    );
    assert!(shown.contains("<script>alert(1)</script>\u{FFFD}]0;pwned"));
    mockview_in(&root)
        .args(["report", "latest"])
        .assert()
        .success();
    let report = std::fs::read_to_string(dir.join(REPORT_FILE)).unwrap();
    assert_eq!(report.matches("<script").count(), 1, "only the page's own");
    assert!(!report.contains("<img src=x"));
    assert!(report.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    let dom = crate::report::dump_dom(&dir.join(REPORT_FILE));
    assert!(!dom.contains("<img src=\"x\""), "inert in the browser too");
}
