//! `delete` end to end (issue 12): asks on a terminal, needs `--yes`
//! otherwise, refuses a locked session and any name outside the sessions
//! root, and deletes nothing when one of several names is bad.

use crate::common::*;

use predicates::prelude::*;
use std::path::{Path, PathBuf};

/// Three sessions under `root`; their folders, oldest first.
fn three_sessions(root: &Path) -> Vec<PathBuf> {
    let a = silence(0.5, RATE);
    (0..3)
        .map(|_| make_session(root, &[(&a, RATE)], true))
        .collect()
}

fn delete(root: &Path, args: &[&str]) -> assert_cmd::Command {
    let mut c = mockview_in(root);
    c.arg("delete").args(args);
    c
}

#[test]
fn without_a_terminal_only_with_yes() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("recordings");
    let dirs = three_sessions(&root);
    delete(&root, &["latest"])
        .write_stdin("y\n")
        .assert()
        .code(2)
        .stderr(one_error_line().and(predicate::str::contains("--yes")));
    assert!(dirs.iter().all(|d| d.is_dir()), "nothing deleted");

    let first = dirs[0].file_name().unwrap().to_str().unwrap();
    delete(&root, &["--yes", "latest", first])
        .assert()
        .success()
        .stdout(
            predicate::str::contains(format!("deleted {}", dirs[2].display()))
                .and(predicate::str::contains(format!(
                    "deleted {}",
                    dirs[0].display()
                )))
                .and(predicate::str::contains("1 recording")),
        );
    assert!(!dirs[0].exists() && !dirs[2].exists());
    assert!(dirs[1].is_dir(), "only the named ones go");
    let left: Vec<_> = std::fs::read_dir(&root).unwrap().flatten().collect();
    assert_eq!(left.len(), 1, "no leftovers: {left:?}");
}

#[test]
fn on_a_terminal_it_asks_naming_what_goes() {
    require("script");
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("recordings");
    let dirs = three_sessions(&root);
    // `script` gives mockview a terminal; the answer is typed into it.
    let run = |answer: &str| {
        let out = std::process::Command::new("script")
            .args(["-qec"])
            .arg(format!("{} delete latest", bin_path().display()))
            .arg("/dev/null")
            .env("MOCKVIEW_DIR", &root)
            .env("MOCKVIEW_CONFIG", "/nonexistent/config.toml")
            .env("NO_COLOR", "1")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .and_then(|mut child| {
                use std::io::Write;
                child.stdin.take().unwrap().write_all(answer.as_bytes())?;
                child.wait_with_output()
            })
            .unwrap();
        assert!(out.status.success());
        String::from_utf8_lossy(&out.stdout).to_string()
    };
    let out = run("n\n");
    assert!(out.contains("This deletes 1 session"), "{out}");
    assert!(
        out.contains(&dirs[2].display().to_string()),
        "names the folder: {out}"
    );
    assert!(out.contains("2 answers, 1 recording"), "{out}");
    assert!(out.contains("nothing deleted"), "{out}");
    assert!(dirs[2].is_dir());
    let out = run("y\n");
    assert!(
        out.contains(&format!("deleted {}", dirs[2].display())),
        "{out}"
    );
    assert!(!dirs[2].exists() && dirs[1].is_dir());
}

#[test]
fn a_locked_session_is_refused_and_nothing_goes() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("recordings");
    let dirs = three_sessions(&root);
    let store = mockview::session::SessionStore::new(&root);
    let held = store.resolve("latest").unwrap();
    let _lock = held.lock().unwrap();
    let first = dirs[0].file_name().unwrap().to_str().unwrap();
    delete(&root, &["--yes", first, "latest"])
        .assert()
        .code(1)
        .stderr(one_error_line().and(predicate::str::contains("in use by another mockview")));
    assert!(dirs.iter().all(|d| d.is_dir()), "nothing deleted");
}

#[test]
fn nothing_outside_the_sessions_root_can_be_named() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("recordings");
    let dirs = three_sessions(&root);
    // A folder beside the root that looks like a session.
    let outside = tmp.path().join("20260101-120000");
    std::fs::create_dir(&outside).unwrap();
    std::fs::write(log_path(&outside), "{}").unwrap();
    let id = dirs[0].file_name().unwrap().to_str().unwrap();
    for name in [
        "..".to_string(),
        "../20260101-120000".to_string(),
        format!("{id}/.."),
        format!("../recordings/{id}"),
        root.join(id).display().to_string(),
        "".to_string(),
    ] {
        delete(&root, &["--yes", &name])
            .assert()
            .code(1)
            .stderr(one_error_line().and(predicate::str::contains("not a session id")));
    }
    assert!(log_path(&outside).is_file());
    assert!(dirs.iter().all(|d| d.is_dir()), "nothing deleted");
    delete(&root, &["--yes", "2099"])
        .assert()
        .code(1)
        .stderr(one_error_line().and(predicate::str::contains("no session `2099`")));
}
