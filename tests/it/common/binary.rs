//! Running the mockview binary, and session folders to run it on.

use super::*;
use assert_cmd::Command;
use mockview::session::{Answer, AnswerStatus, QuestionRef, Session, SessionStore, Settings};
use std::path::{Path, PathBuf};
use std::process::Command as Process;

pub fn mockview() -> Command {
    let mut c = Process::new(bin_path());
    without_user_settings(&mut c);
    Command::from_std(c)
}

/// No setting of the machine's user reaches a test: no config file, no
/// MOCKVIEW_* variable, no data folder; models come only from a test's
/// --model / MOCKVIEW_MODEL or its own XDG_DATA_HOME, downloads only from
/// its own server.
pub fn without_user_settings(c: &mut Process) -> &mut Process {
    for key in mockview::config::KEYS {
        c.env_remove(key.env);
    }
    c.env_remove("MOCKVIEW_MODEL_URL");
    c.env("MOCKVIEW_CONFIG", "/nonexistent/mockview-test/config.toml")
        .env("XDG_DATA_HOME", "/nonexistent/mockview-test/data")
        .env("NO_COLOR", "1")
}

/// mockview as a child process the test talks to while it runs (keys,
/// signals, pipes), as clean as [`mockview`], with `root` as its sessions
/// folder.
pub fn child_in(root: impl AsRef<Path>) -> Process {
    let mut c = Process::new(bin_path());
    without_user_settings(&mut c).env("MOCKVIEW_DIR", root.as_ref());
    c
}

/// mockview with `root` as its sessions folder (`MOCKVIEW_DIR`): how a
/// test runs a command on the sessions it made.
pub fn mockview_in(root: impl AsRef<Path>) -> Command {
    let mut c = mockview();
    c.env("MOCKVIEW_DIR", root.as_ref());
    c
}

/// mockview in `root` with a setting given as its environment variable
/// (named by `config::Name`, so a typo does not compile).
pub fn with_setting(mut c: Command, name: mockview::config::Name, value: &str) -> Command {
    c.env(mockview::config::key(name).env, value);
    c
}

/// The path of the log of the session folder `dir`.
pub fn log_path(dir: &Path) -> PathBuf {
    dir.join("session.json")
}

/// The parsed log of the session folder `dir`.
pub fn log_of(dir: &Path) -> serde_json::Value {
    let bytes = std::fs::read(log_path(dir)).unwrap();
    serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("{}: session.json does not parse: {e}", dir.display()))
}

/// The one line a successful run printed on stdout.
pub fn one_line(out: &std::process::Output) -> String {
    let stdout = succeeded(out);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {stdout}");
    lines[0].to_string()
}

/// What a mistake prints on stderr: one line, no panic (design.md, "Conventions").
pub fn one_error_line() -> impl predicates::Predicate<str> {
    use predicates::prelude::*;
    predicate::function(|s: &str| s.trim_end().lines().count() == 1)
        .and(predicate::str::contains("panicked").not())
}

/// The standard output of a run that must have succeeded; a failure shows
/// both of its outputs.
pub fn succeeded(out: &std::process::Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{}\n{stdout}{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// The standard output of a run of `cmd` that must succeed.
pub fn stdout_of(cmd: &mut Command) -> String {
    succeeded(&cmd.output().expect("mockview runs"))
}

/// The JSON document a run of `cmd` that must succeed printed (`--json`).
pub fn json_of<T: serde::de::DeserializeOwned>(cmd: &mut Command) -> T {
    let out = stdout_of(cmd);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("not JSON ({e}): {out}"))
}

pub fn bin_path() -> PathBuf {
    assert_cmd::cargo::cargo_bin("mockview")
}

pub fn require(program: &str) {
    let ok = Process::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        ok,
        "{program} is needed by this test: run the README's test command (it installs it)"
    );
}

/// The one session folder under `root`, and its parsed log.
pub fn only_session(root: &Path) -> (PathBuf, serde_json::Value) {
    let dirs: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    assert_eq!(dirs.len(), 1, "one session folder in {}", root.display());
    (dirs[0].clone(), log_of(&dirs[0]))
}

/// A session folder under `root` with one recorded answer per WAV given
/// (16-bit mono at `rate`), and a skipped answer after them when `skipped`.
pub fn make_session(root: &Path, takes: &[(&[i16], u32)], skipped: bool) -> PathBuf {
    let store = SessionStore::new(root);
    let dir = store.create("20260101-120000").unwrap();
    let mut session = Session::new(
        dir.id.clone(),
        jiff::Timestamp::now(),
        Settings {
            count: takes.len() + usize::from(skipped),
            banks: vec!["behavioural".into()],
            seed: 1,
            ..Settings::default()
        },
    );
    for (i, (samples, rate)) in takes.iter().enumerate() {
        let number = i as u32 + 1;
        let file = format!("{number:02}-answer.wav");
        write_wav(&dir.path.join(&file), samples, *rate);
        session.answers.push(
            Answer::new(
                number,
                QuestionRef {
                    id: format!("q{number}"),
                    text: format!("Question number {number}: tell me about a setback."),
                    category: "failure".into(),
                    ..QuestionRef::default()
                },
                AnswerStatus::Recorded,
            )
            .with_take(file, samples.len() as u64, *rate),
        );
    }
    if skipped {
        let number = takes.len() as u32 + 1;
        let mut answer = Answer::new(
            number,
            QuestionRef {
                id: "skipped".into(),
                text: "A question that was skipped.".into(),
                category: "teamwork".into(),
                ..QuestionRef::default()
            },
            AnswerStatus::Skipped,
        );
        answer.recording.sample_rate = 48_000;
        session.answers.push(answer);
    }
    session.status = mockview::session::SessionStatus::Completed;
    dir.save(&session).unwrap();
    dir.path
}
