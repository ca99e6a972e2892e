//! `mockview show`, `sessions` and `review` write moments in the local time
//! zone to the minute, and `show` gives each answer the metrics `analyze`
//! prints (issue 13); `--json` keeps the log's RFC 3339.

use crate::common::*;

/// What a moment of the log reads as at UTC+5:30 (the `TZ` the commands get:
/// a POSIX rule, so no time zone database is needed).
fn at_plus_5_30(rfc3339: &str) -> String {
    let t: jiff::Timestamp = rfc3339.parse().unwrap();
    let offset = jiff::tz::Offset::from_seconds(5 * 3600 + 30 * 60).unwrap();
    t.to_zoned_datetime(jiff::tz::TimeZone::fixed(offset))
        .strftime("%Y-%m-%d %H:%M")
        .to_string()
}

#[test]
fn show_sessions_and_review_give_local_minutes_and_show_the_metrics() {
    let talk = speech(
        "I split the migration into three steps, and each one shipped on time.",
        160,
        RATE,
    );
    let dev = FileDevice::new(&talk, 6.0, RawFormat::S16Mono);
    dev.cmd()
        .arg("practice")
        .args(FileDevice::open_args(RawFormat::S16Mono))
        .args(["--count", "1", "--prep", "0", "--limit", "6"])
        .write_stdin("")
        .assert()
        .success();
    let run = |args: &[&str]| {
        let out = dev.cmd().env("TZ", "XST-5:30").args(args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    let review = run(&[
        "review",
        "latest",
        "--reviewer",
        "Kim",
        "--answer",
        "1",
        "--score",
        "structure=4",
    ]);
    let (_, log) = only_session(&dev.root);
    let started = log["started_at"].as_str().unwrap();
    let reviewed = log["answers"][0]["reviews"][0]["at"].as_str().unwrap();
    let _ = review;
    // The interactive review names the session with its local start.
    let out = dev
        .cmd()
        .env("TZ", "XST-5:30")
        .args(["review", "latest", "--reviewer", "Sam", "--no-play"])
        .write_stdin("q\n")
        .output()
        .unwrap();
    let prompts = String::from_utf8_lossy(&out.stdout);
    assert!(
        prompts.contains(&format!("({}) as Sam", at_plus_5_30(started))),
        "{prompts}"
    );

    let show = run(&["show", "latest"]);
    assert!(
        show.contains(&format!("started {}", at_plus_5_30(started))),
        "{show}"
    );
    assert!(
        show.contains(&format!("review by Kim ({})", at_plus_5_30(reviewed))),
        "{show}"
    );
    assert!(!show.contains(started), "no RFC 3339 for people: {show}");

    // The metrics block of `analyze`, line for line, flags included.
    let analyze = run(&["analyze", "latest"]);
    let block: Vec<&str> = analyze
        .lines()
        .filter(|l| {
            ["    length ", "    pauses ", "    loudness ", "    - "]
                .iter()
                .any(|p| l.starts_with(p))
        })
        .collect();
    assert!(block.len() >= 3, "{analyze}");
    assert!(block[0].contains(" wpm · "), "the metrics line: {analyze}");
    for line in &block {
        assert!(
            show.lines().any(|l| l == *line),
            "`{line}` in show:\n{show}"
        );
    }

    let sessions = run(&["sessions"]);
    assert!(sessions.contains(&at_plus_5_30(started)), "{sessions}");

    let json: serde_json::Value =
        serde_json::from_str(&run(&["show", "latest", "--json"])).unwrap();
    assert_eq!(json["started_at"], started, "JSON keeps RFC 3339");
    assert!(started.contains('T'));
}

/// `show` on a terminal wraps at its width on word boundaries, keeping an
/// answer's column; piped, every line is left whole (issue 21: lines wider
/// than the terminal broke mid-word, `s` / `hort_answer`).
#[test]
fn show_wraps_at_the_terminal_and_not_when_piped() {
    require("script");
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("recordings");
    let session = make_session(&root, &[(&vec![0i16; 4800], RATE)], false);
    let long = "Tell me about a time you disagreed with a decision your manager made, \
                what you did about it, and what you would do differently today";
    let log_path = session.join("session.json");
    let mut log: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&log_path).unwrap()).unwrap();
    log["answers"][0]["question"]["text"] = long.into();
    std::fs::write(&log_path, log.to_string()).unwrap();
    let show = |through_terminal: bool| {
        let mut c = if through_terminal {
            let mut c = std::process::Command::new("script");
            c.arg("-qec")
                .arg(format!(
                    "stty cols 40; {} show latest",
                    bin_path().display()
                ))
                .arg("/dev/null");
            c
        } else {
            let mut c = std::process::Command::new(bin_path());
            c.args(["show", "latest"]);
            c
        };
        let out = c
            .env("MOCKVIEW_DIR", &root)
            .env("MOCKVIEW_CONFIG", "/nonexistent/config.toml")
            .env("NO_COLOR", "1")
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        String::from_utf8(out.stdout).unwrap().replace("\r\n", "\n")
    };
    let piped = show(false);
    assert!(
        piped.lines().any(|l| l == format!(" 1. [failure] {long}")),
        "piped, the question stays on one line:\n{piped}"
    );
    let terminal = show(true);
    let question: Vec<&str> = terminal
        .lines()
        .skip_while(|l| !l.starts_with(" 1. [failure]"))
        .take_while(|l| !l.trim_start().starts_with("recorded"))
        .collect();
    assert!(question.len() > 3, "wrapped:\n{terminal}");
    for l in terminal.lines() {
        assert!(l.chars().count() <= 40, "{l:?} is wider than 40 columns");
    }
    // Word boundaries: the words come back whole, continuation lines in
    // the question's column.
    let rejoined: Vec<&str> = question
        .iter()
        .flat_map(|l| l.split_whitespace())
        .skip(2)
        .collect();
    assert_eq!(rejoined.join(" "), long);
    assert!(question[1..].iter().all(|l| l.starts_with("    ")));
}
