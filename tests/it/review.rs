//! `review`: scripted through stdin (one line per prompt) and through flags;
//! reviews are appended, several reviewers kept, a locked session refused.

use crate::common::*;
use std::path::Path;

fn session(root: &Path) -> std::path::PathBuf {
    let a = speech("First answer.", 170, RATE);
    let b = speech("Second answer.", 170, RATE);
    make_session(root, &[(&a, RATE), (&b, RATE)], true)
}

fn review(root: &Path) -> assert_cmd::Command {
    let mut c = mockview_in(root);
    c.args(["review", "latest"]);
    c
}

#[test]
fn review_scripted_scores_skip_invalid_and_notes() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("recordings");
    let dir = session(&root);
    // Answer 1: structure 4, relevance "9" (re-asked) then 5, specificity
    // skipped, clarity 3, delivery "x" (re-asked) then 2, notes.
    // Answer 2: `s` skips it. Answer 3 was skipped while recording: not asked.
    let script = "4\n9\n5\n\n3\nx\n2\nGood result, say more about your own part.\ns\n";
    let out = review(&root)
        .args(["--reviewer", "Sam", "--no-play"])
        .write_stdin(script)
        .output()
        .unwrap();
    let stdout = succeeded(&out);
    assert!(stdout.contains("9 is outside 1..5; try again"), "{stdout}");
    assert!(stdout.contains("`x` is not a score"), "{stdout}");
    assert!(stdout.contains("answer 2 skipped"), "{stdout}");
    assert!(stdout.contains("Structure (STAR)"), "{stdout}");
    let log = log_of(&dir);
    let r = &log["answers"][0]["reviews"];
    assert_eq!(r.as_array().unwrap().len(), 1);
    assert_eq!(r[0]["reviewer"], "Sam");
    assert_eq!(
        r[0]["scores"],
        serde_json::json!({"structure": 4, "relevance": 5, "clarity": 3, "delivery": 2})
    );
    assert_eq!(r[0]["notes"], "Good result, say more about your own part.");
    assert!(r[0]["at"]
        .as_str()
        .unwrap()
        .parse::<jiff::Timestamp>()
        .is_ok());
    assert!(r[0].get("self_check").is_none(), "only with --self");
    assert!(log["answers"][1]["reviews"].as_array().unwrap().is_empty());
    assert!(log["answers"][2]["reviews"].as_array().unwrap().is_empty());
}

#[test]
fn review_self_check_and_two_reviewers_kept() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("recordings");
    let dir = session(&root);
    // The candidate: answer 1 scored, self-check y / n, no notes; then stop (q).
    review(&root)
        .args(["--reviewer", "me", "--self", "--no-play"])
        .write_stdin("3\n3\n3\n3\n3\ny\nn\n\nq\n")
        .assert()
        .success();
    // A coach, through flags.
    review(&root)
        .args(["--reviewer", "Coach Kim", "--answer", "1"])
        .args(["--score", "structure=5", "--score", "Delivery=4"])
        .args(["--notes", "Clear STAR.\nKeep it up."])
        .assert()
        .success();
    let log = log_of(&dir);
    let r = log["answers"][0]["reviews"].as_array().unwrap();
    assert_eq!(r.len(), 2, "{r:?}");
    assert_eq!(r[0]["reviewer"], "me");
    assert_eq!(
        r[0]["self_check"],
        serde_json::json!({"positive_engaged": true, "detailed_with_result": false})
    );
    assert_eq!(r[1]["reviewer"], "Coach Kim");
    assert_eq!(
        r[1]["scores"],
        serde_json::json!({"structure": 5, "delivery": 4})
    );
    assert_eq!(r[1]["notes"], "Clear STAR. Keep it up.", "one line");
    // `show` still reads the log.
    mockview_in(&root)
        .args(["show", "latest"])
        .assert()
        .success()
        .stdout(predicates::str::contains("review by Coach Kim"));
}

#[test]
fn review_bad_flags_are_usage_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("recordings");
    let dir = session(&root);
    let before = std::fs::read(log_path(&dir)).unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["--answer", "1", "--score", "charisma=4"],
            "unknown criterion `charisma`",
        ),
        (
            &["--answer", "1", "--score", "clarity=6"],
            "6 is outside 1..5",
        ),
        (
            &["--answer", "1", "--score", "clarity=0"],
            "0 is outside 1..5",
        ),
        (
            &["--answer", "1", "--score", "clarity"],
            "expected CRITERION=N",
        ),
        (
            &[
                "--answer",
                "1",
                "--score",
                "clarity=3",
                "--score",
                "clarity=4",
            ],
            "given twice",
        ),
        (
            &["--answer", "9", "--score", "clarity=3"],
            "has no answer 9",
        ),
        (
            &["--answer", "3", "--score", "clarity=3"],
            "was not recorded",
        ),
        (&["--answer", "1"], "at least one --score"),
        (&["--score", "clarity=3"], "--answer"),
    ];
    for (args, expected) in cases {
        let out = review(&root)
            .args(["--reviewer", "Sam"])
            .args(*args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
    }
    let out = review(&root)
        .args(["--reviewer", "  ", "--answer", "1", "--score", "clarity=3"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        std::fs::read(log_path(&dir)).unwrap(),
        before,
        "nothing written"
    );
}

#[test]
fn review_of_a_locked_session_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("recordings");
    session(&root);
    let store = mockview::session::SessionStore::new(&root);
    let dir = store.resolve("latest").unwrap();
    let _held = dir.lock().unwrap();
    let out = review(&root)
        .args(["--reviewer", "Sam", "--answer", "1", "--score", "clarity=3"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("in use by another mockview process"),
        "{stderr}"
    );
}

#[test]
fn review_with_playback_through_pulse() {
    // The answer is played (stdin not a terminal: no keys, it plays
    // through), then the prompts read the script.
    let sink = PulseSink::running("review");
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("recordings");
    let a = speech("Short answer.", 170, RATE);
    let dir = make_session(&root, &[(&a, RATE)], false);
    let out = review(&root)
        .env("PULSE_SINK", &sink.name)
        .args(["--reviewer", "Sam", "--device", "alsa:pulse"])
        .write_stdin("4\n4\n4\n4\n4\nfine\n")
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let stdout = succeeded(&out);
    assert!(
        stdout.contains("played 01-answer.wav to the end"),
        "{stdout}"
    );
    let log = log_of(&dir);
    assert_eq!(log["answers"][0]["reviews"][0]["notes"], "fine");
    assert_eq!(log["answers"][0]["reviews"][0]["scores"]["delivery"], 4);
}
