//! `mockview report`: the page in real headless Chromium (every question,
//! one player per take pointing at a file that exists, hostile question text
//! escaped), and its errors.

use crate::common::*;
use std::path::{Path, PathBuf};
use std::process::Command as Process;

pub const HOSTILE: &str = "Tell me about <script>alert(1)</script> your \"best\" & worst day?";

/// A real session made by `practice` through the file device: two questions
/// from a custom .txt bank (the first one hostile), the first answered twice
/// (a retake), 1 s each. Returns the device (its root is the sessions root)
/// and the session folder.
pub fn recorded_session() -> (FileDevice, PathBuf) {
    let dev = FileDevice::new(
        &speech("Hello there, I am answering.", 170, RATE),
        10.0,
        RawFormat::S16Mono,
    );
    let bank = dev.home.path().join("bank.txt");
    std::fs::write(
        &bank,
        format!("# a custom bank\n{HOSTILE}\nWhy this job?\n"),
    )
    .unwrap();
    dev.cmd()
        .arg("practice")
        .args(FileDevice::open_args(RawFormat::S16Mono))
        .arg("--bank")
        .arg(&bank)
        .args([
            "--count", "2", "--order", "listed", "--prep", "0", "--limit", "1",
        ])
        .write_stdin("r\n")
        .assert()
        .success();
    let (dir, log) = only_session(&dev.root);
    assert_eq!(
        log["answers"][0]["takes"].as_array().unwrap().len(),
        2,
        "a retake"
    );
    (dev, dir)
}

/// Every take's file name in the log, in order.
pub fn takes(log: &serde_json::Value) -> Vec<String> {
    log["answers"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|a| a["takes"].as_array().unwrap().iter())
        .map(|t| t.as_str().unwrap().to_string())
        .collect()
}

fn chromium(user_data: &Path) -> Process {
    require("chromium");
    let mut c = Process::new("chromium");
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
    ])
    .arg(format!("--user-data-dir={}", user_data.display()));
    c
}

/// The DOM of the page after Chromium has parsed it.
pub fn dump_dom(page: &Path) -> String {
    let profile = tempfile::tempdir().unwrap();
    let out = chromium(profile.path())
        .arg("--dump-dom")
        .arg(file_url(page))
        .output()
        .unwrap();
    assert!(out.status.success(), "chromium failed: {out:?}");
    String::from_utf8(out.stdout).unwrap()
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' && i + 2 < b.len() {
            out.push(u8::from_str_radix(&s[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

/// The `src` of every `<audio>` in a DOM dump.
fn audio_sources(dom: &str) -> Vec<String> {
    dom.split("<audio")
        .skip(1)
        .map(|tag| {
            let tag = &tag[..tag.find('>').unwrap()];
            let start = tag.find("src=\"").expect("audio has a src") + 5;
            let end = start + tag[start..].find('"').unwrap();
            tag[start..end].replace("&amp;", "&")
        })
        .collect()
}

/// Check that the page holds every question, one player per take, and that
/// each player's source is an existing file that is that take.
fn check_page(page: &Path, session_dir: &Path) {
    let log: serde_json::Value = log_of(session_dir);
    let dom = dump_dom(page);
    assert!(
        dom.contains(
            "Tell me about &lt;script&gt;alert(1)&lt;/script&gt; your \"best\" &amp; worst day?"
        ),
        "the hostile question is shown as text"
    );
    assert!(dom.contains("Why this job?"));
    assert_eq!(
        dom.to_lowercase().matches("<script").count(),
        1,
        "no script element but the page's own"
    );
    let sources = audio_sources(&dom);
    let mut want = takes(&log);
    assert_eq!(
        sources.len(),
        want.len(),
        "one player per take: {sources:?}"
    );
    let mut got: Vec<String> = sources
        .iter()
        .map(|src| {
            assert!(!src.contains("://"), "relative: {src}");
            let file = page.parent().unwrap().join(percent_decode(src));
            assert!(file.is_file(), "{src} -> {} exists", file.display());
            assert_eq!(
                std::fs::canonicalize(file.parent().unwrap()).unwrap(),
                std::fs::canonicalize(session_dir).unwrap()
            );
            file.file_name().unwrap().to_str().unwrap().to_string()
        })
        .collect();
    got.sort();
    want.sort();
    assert_eq!(got, want);
    assert!(dom.contains("take 1"));
    assert_eq!(
        dom.matches("<svg class=\"wave\"").count(),
        2,
        "a waveform per answer"
    );
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[test]
fn report_in_chromium_has_every_take_and_no_injected_script() {
    let (dev, dir) = recorded_session();
    dev.cmd().args(["report", "latest"]).assert().success();
    let page = dir.join("report.html");
    #[cfg(unix)]
    assert_eq!(mode(&page), 0o600);
    check_page(&page, &dir);

    // A phone-sized screenshot: a real, non-empty PNG.
    let profile = tempfile::tempdir().unwrap();
    let png = dev.home.path().join("report.png");
    let out = chromium(profile.path())
        .arg("--window-size=412,1400")
        .arg(format!("--screenshot={}", png.display()))
        .arg(file_url(&page))
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    assert!(bytes.len() > 10_000, "not blank: {} bytes", bytes.len());
    if let Ok(keep) = std::env::var("MOCKVIEW_KEEP_SCREENSHOT") {
        std::fs::copy(&png, keep).unwrap();
    }
}

#[test]
fn report_elsewhere_still_finds_the_audio() {
    let (dev, dir) = recorded_session();
    let out_dir = dev.home.path().join("for the coach #1");
    std::fs::create_dir(&out_dir).unwrap();
    let id = dir.file_name().unwrap().to_str().unwrap().to_string();
    // By a relative -o, from another working folder.
    dev.cmd()
        .current_dir(dev.home.path())
        .args(["report", &id[..8], "-o", "for the coach #1/ré port.html"])
        .assert()
        .success();
    let page = out_dir.join("ré port.html");
    check_page(&page, &dir);
    assert!(!dir.join("report.html").exists(), "only where asked");
}

#[test]
fn report_errors_are_one_line_and_write_nothing() {
    let (dev, dir) = recorded_session();
    let before = listing(&dev.root);
    for (args, code, needle) in [
        (vec!["report", "1999"], 1, "no session `1999`"),
        (vec!["report", "../x"], 1, "not a session id"),
        (
            vec!["report", "latest", "-o", "/nonexistent/dir/r.html"],
            1,
            "does not exist",
        ),
        (vec!["report", "latest", "-o", "/tmp"], 2, "is a folder"),
    ] {
        let out = dev.cmd().args(&args).output().unwrap();
        assert_eq!(out.status.code(), Some(code), "{args:?}: {out:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    assert_eq!(listing(&dev.root), before);
    assert!(!dir.join("report.html").exists());
}

/// Every path under `root` (recursively), for before/after comparisons.
pub fn listing(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        if let Ok(rd) = std::fs::read_dir(&d) {
            for e in rd {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p.clone());
                }
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// A session written with the library's types: one answer with stored
/// metrics (pace `wpm`, `long` long pauses) and its WAV, optionally reviewed.
fn progress_session(
    store: &mockview::session::SessionStore,
    id: &str,
    started: &str,
    wpm: f64,
    long: usize,
    score: Option<u8>,
) {
    use mockview::analysis::{Metrics, Pause};
    use mockview::session::{Answer, AnswerStatus, QuestionRef, Review, Session, Settings};
    let dir = store.create(id).unwrap();
    let settings = Settings {
        seed: 1,
        ..Settings::default()
    };
    let mut s = Session::new(dir.id.clone(), started.parse().unwrap(), settings);
    let file = "01-why.wav".to_string();
    write_wav(
        &dir.path.join(&file),
        &speech("Because I like it.", 150, RATE),
        RATE,
    );
    let mut answer = Answer {
        reviews: score
            .map(|v| Review {
                reviewer: "coach".into(),
                at: started.parse().unwrap(),
                scores: [("structure".to_string(), v)].into_iter().collect(),
                notes: String::new(),
                self_check: None,
                comments: Vec::new(),
            })
            .into_iter()
            .collect(),
        ..Answer::new(
            1,
            QuestionRef {
                id: "why".into(),
                text: "Why this job?".into(),
                category: "motivation".into(),
                ..QuestionRef::default()
            },
            AnswerStatus::Recorded,
        )
        .with_take(file, 0, RATE)
    };
    answer.recording.duration_seconds = 61.0;
    answer.recording.metrics = Some(Metrics {
        duration_seconds: 61.0,
        first_word_seconds: 1.0,
        words_per_minute: wpm,
        syllables: 100,
        long_pauses: vec![Pause::default(); long],
        ..Metrics::default()
    });
    s.answers.push(answer);
    dir.save(&s).unwrap();
}

/// The `<circle` tags of the chart of `key` in `page`.
fn chart_points<'a>(page: &'a str, key: &str) -> Vec<&'a str> {
    let Some(start) = page.find(&format!("data-series=\"{key}\"")) else {
        return Vec::new();
    };
    let fig = &page[start..start + page[start..].find("</figure>").unwrap()];
    fig.split("<circle").skip(1).collect()
}

#[test]
fn report_charts_progress_up_to_this_session() {
    let tmp = tempfile::tempdir().unwrap();
    let store = mockview::session::SessionStore::new(tmp.path());
    progress_session(
        &store,
        "20261101-090000",
        "2026-11-01T09:00:00Z",
        120.0,
        3,
        None,
    );
    progress_session(
        &store,
        "20261108-090000",
        "2026-11-08T09:00:00Z",
        150.0,
        2,
        Some(3),
    );
    progress_session(
        &store,
        "20261115-090000",
        "2026-11-15T09:00:00Z",
        135.0,
        1,
        Some(4),
    );
    let report = |id: &str| {
        mockview_in(tmp.path())
            .args(["report", id])
            .assert()
            .success();
        std::fs::read_to_string(tmp.path().join(id).join("report.html")).unwrap()
    };

    let page = report("20261115-090000");
    assert!(page.contains("<h2>Progress</h2>"), "{page}");
    for key in [
        "pace_wpm",
        "average_answer_seconds",
        "long_pauses_per_minute",
    ] {
        let points = chart_points(&page, key);
        assert_eq!(points.len(), 3, "{key}: {points:?}");
        assert!(points[2].contains("class=\"point this\""), "{key}");
        assert!(points[..2].iter().all(|p| !p.contains("this")), "{key}");
    }
    // Two sessions were reviewed.
    assert_eq!(chart_points(&page, "average_score").len(), 2);
    // Oldest first: the tooltips name the sessions in date order.
    let pace = chart_points(&page, "pace_wpm");
    for (p, id) in pace.iter().zip(["20261101", "20261108", "20261115"]) {
        assert!(p.contains(id), "{p}");
    }
    assert!(page.contains("Pace (wpm): this session 135"));

    // The middle session's page stops at it: later sessions are not shown.
    let page = report("20261108-090000");
    let points = chart_points(&page, "pace_wpm");
    assert_eq!(points.len(), 2);
    assert!(points[1].contains("point this"));
    // The first session has nothing to compare with.
    assert!(!report("20261101-090000").contains("Progress"));

    // The page still parses as it should in a real browser.
    let dom = dump_dom(&tmp.path().join("20261115-090000/report.html"));
    assert_eq!(dom.matches("<svg class=\"chart\"").count(), 4);
    assert_eq!(dom.matches("class=\"point this\"").count(), 4);
    assert_eq!(dom.to_lowercase().matches("<script").count(), 1);
}

#[test]
fn single_session_report_has_no_progress() {
    let tmp = tempfile::tempdir().unwrap();
    let store = mockview::session::SessionStore::new(tmp.path());
    progress_session(
        &store,
        "20261101-090000",
        "2026-11-01T09:00:00Z",
        120.0,
        3,
        Some(4),
    );
    mockview_in(tmp.path())
        .args(["report", "latest"])
        .assert()
        .success();
    let page = std::fs::read_to_string(tmp.path().join("20261101-090000/report.html")).unwrap();
    assert!(page.contains("Why this job?"));
    assert!(!page.contains("Progress") && !page.contains("svg class=\"chart\""));
}
