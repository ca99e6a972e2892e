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

/// stderr into a reader that went away (`mockview sessions 2>&1 | head
/// -1`, with a warning per damaged log) or a full device: the warnings and
/// the error line are dropped, never a panic; the exit code is the
/// command's own (0 for the listing, 1 for an unknown session).
#[test]
fn a_closed_stderr_drops_the_line_and_keeps_the_exit_code() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("sessions");
    for id in ["20260101-000000", "20260102-000000", "20260103-000000"] {
        std::fs::create_dir_all(root.join(id)).unwrap();
        std::fs::write(root.join(id).join("session.json"), "{damaged").unwrap();
    }
    for (args, code) in [(&["sessions"][..], 0), (&["show", "2099"], 1)] {
        let mut child = child_in(&root)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stderr.take());
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(code), "{args:?}");
        let full = child_in(&root)
            .args(args)
            .stdout(Stdio::null())
            .stderr(
                std::fs::OpenOptions::new()
                    .write(true)
                    .open("/dev/full")
                    .unwrap(),
            )
            .status()
            .unwrap();
        assert_eq!(full.code(), Some(code), "{args:?} 2>/dev/full");
    }
}
