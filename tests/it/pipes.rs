//! A reader that goes away (`mockview questions | head -1`) ends a command
//! quietly with exit 0, as in ripgrep: no panic, no message (issue 9).
//!
//! The pipe's read end is closed before the command writes anything, so the
//! very first line meets a closed pipe; with a real `head -1` a short listing
//! could fit in the pipe's buffer and never see the error.

use crate::common::*;
use std::process::Stdio;

fn ends_quietly(root: &std::path::Path, args: &[&str]) {
    let mut child = child_in(root)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {stderr}");
    assert!(
        !stderr.contains("panicked") && !stderr.contains("mockview:"),
        "{args:?}: {stderr}"
    );
}

#[test]
fn listings_into_a_closed_pipe_exit_zero() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("sessions");
    let wav = make_session(&root, &[(&speech("one two three", 160, RATE), RATE)], true)
        .join("01-answer.wav");
    let wav = wav.to_str().unwrap();
    for args in [
        &["questions"][..],
        &["questions", "--json"],
        &["devices"],
        &["devices", "--json"],
        &["sessions"],
        &["sessions", "--json"],
        &["show", "latest"],
        &["show", "latest", "--json"],
        &["stats"],
        &["stats", "--json"],
        &["analyze", wav],
        &["completions", "bash"],
        &["config"],
        &["model", "list"],
    ] {
        ends_quietly(&root, args);
    }
}

#[test]
fn a_command_that_saved_something_ends_quietly_into_a_closed_pipe() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = tmp.path().join("config.toml");
    let mut child = child_in(tmp.path().join("sessions"))
        .env("MOCKVIEW_CONFIG", &cfg)
        .args(["config", "init"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        cfg.is_file(),
        "the file is written before the line saying so"
    );
}

#[test]
fn listing_piped_into_head_keeps_its_first_line() {
    let tmp = tempfile::tempdir().unwrap();
    let out = std::process::Command::new("bash")
        .args([
            "-c",
            "set -o pipefail; \"$0\" questions --json | head -1",
            bin_path().to_str().unwrap(),
        ])
        .env("MOCKVIEW_DIR", tmp.path())
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "[\n");
}
