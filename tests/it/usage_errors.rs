//! Mistakes get one clear line and the right exit code, never a panic, and
//! leave nothing behind.

use crate::common::*;
use predicates::prelude::*;

fn no_panic() -> impl Predicate<str> {
    predicate::str::contains("panicked")
        .not()
        .and(predicate::str::contains("RUST_BACKTRACE").not())
}

#[test]
fn unknown_device_names_devices_and_leaves_no_session() {
    let dev = FileDevice::new(&[], 1.0, RawFormat::S16Mono);
    dev.cmd()
        .args([
            "practice",
            "--device",
            "no-such-microphone",
            "--prep",
            "0",
            "--limit",
            "1",
        ])
        .write_stdin("")
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("no-such-microphone")
                .and(predicate::str::contains("mockview devices")),
        )
        .stderr(no_panic())
        // Nothing about a session that never started (no model is
        // installed here: the "no transcripts" hint waits for the input).
        .stdout("");
    assert!(!dev.root.exists() || std::fs::read_dir(&dev.root).unwrap().next().is_none());
}

#[test]
fn ambiguous_device_is_refused() {
    let dev = FileDevice::new(&[], 1.0, RawFormat::S16Mono);
    // "a" is part of many ALSA device ids.
    dev.cmd()
        .args(["practice", "--device", "a", "--prep", "0", "--limit", "1"])
        .write_stdin("")
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("matches several devices")
                .and(predicate::str::contains("mockview devices")),
        );
    assert!(!dev.root.exists());
}

#[test]
fn malformed_bank_names_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let bank = tmp.path().join("mine.toml");
    std::fs::write(&bank, "[[question]]\nid = \"a\"\ntext = \"Why?\"\ncategory = \"x\"\n\n[[question]]\nid = \"a\"\ntext = \"Again?\"\ncategory = \"x\"\n").unwrap();
    let dev = FileDevice::new(&[], 1.0, RawFormat::S16Mono);
    dev.cmd()
        .args(["practice", "--device", "alsa:answer", "--bank"])
        .arg(&bank)
        .write_stdin("")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("mine.toml:7:"))
        .stderr(no_panic());
    assert!(!dev.root.exists());
    mockview()
        .args(["questions", "check"])
        .arg(&bank)
        .assert()
        .code(1)
        .stderr(predicate::str::contains("mine.toml:7:"));
}

#[test]
fn bad_flags_are_usage_errors() {
    for args in [
        vec!["practice", "--count", "0"],
        vec!["practice", "--prep", "-3"],
        vec!["practice", "--limit", "ten"],
        vec!["practice", "--order", "sideways"],
        vec!["practice", "--input-format", "i17"],
        vec!["questions", "--category", "juggling"],
        vec!["frobnicate"],
    ] {
        mockview().args(&args).assert().code(2).stderr(no_panic());
    }
    mockview()
        .args([
            "practice",
            "--category",
            "juggling",
            "--device",
            "alsa:null",
        ])
        .write_stdin("")
        .assert()
        // A value clap cannot check is still a mistake on the command line:
        // exit 2, as `import --question no-such-id` gives.
        .code(2)
        .stderr(predicate::str::contains("juggling").and(no_panic()));
    // The same category from the config file is the file's mistake: exit 1,
    // and the line says where it came from.
    let tmp = tempfile::tempdir().unwrap();
    let cfg = tmp.path().join("config.toml");
    std::fs::write(&cfg, "prep = 0\ncategories = [\"juggling\"]\n").unwrap();
    mockview()
        .env("MOCKVIEW_CONFIG", &cfg)
        .env("MOCKVIEW_DIR", tmp.path().join("rec"))
        .args(["practice", "--device", "alsa:null"])
        .write_stdin("")
        .assert()
        .code(1)
        .stderr(predicate::str::contains(format!(
            "setting `categories` ({}:2): unknown category `juggling`",
            cfg.display()
        )));
    assert!(!tmp.path().join("rec").exists(), "nothing made");
}

#[test]
fn unwritable_directory_is_a_clear_error() {
    let dev = FileDevice::new(&speech("Hi.", 160, RATE), 5.0, RawFormat::S16Mono);
    let ro = dev.home.path().join("readonly");
    std::fs::create_dir(&ro).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o500)).unwrap();
    }
    // root ignores permission bits; a path under a regular file fails for everyone.
    let blocker = dev.home.path().join("file");
    std::fs::write(&blocker, b"x").unwrap();
    dev.cmd()
        .args(["practice", "--prep", "0", "--limit", "1"])
        .args(FileDevice::open_args(RawFormat::S16Mono))
        .arg("--dir")
        .arg(blocker.join("recordings"))
        .write_stdin("")
        .assert()
        .code(1)
        .stderr(predicate::str::contains("cannot create a session in"))
        .stderr(no_panic());
}

#[test]
fn session_names_that_are_paths_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    for bad in ["../x", "a/b", ".."] {
        mockview_in(tmp.path())
            .args(["show", bad])
            .assert()
            .code(1)
            .stderr(predicate::str::contains("not a session id"));
    }
}

#[test]
fn a_missing_file_names_its_cause_once() {
    let tmp = tempfile::tempdir().unwrap();
    for (args, file) in [
        (["analyze", "nope.wav"], "nope.wav"),
        (["import", "nope.zip"], "nope.zip"),
    ] {
        let out = mockview_in(tmp.path().join("sessions"))
            .current_dir(tmp.path())
            .args(args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(file), "{stderr}");
        assert!(
            stderr.matches("No such file or directory").count() <= 1,
            "{stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
}

#[test]
fn the_command_line_definition_is_consistent() {
    use clap::CommandFactory;
    mockview::cli::Cli::command().debug_assert();
}

/// A page or an archive asked for with `-o` never replaces a file of a
/// session: `report -o` onto a recording, `share -o` onto the log and
/// `export -o --force` onto the log each wrote there and exited 0, the
/// answer or the whole session lost.
#[test]
fn output_into_a_session_folder_is_refused_and_touches_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("sessions");
    let dir = make_session(&root, &[(&speech("one two three", 160, RATE), RATE)], true);
    let before = |name: &str| std::fs::read(dir.join(name)).unwrap();
    let (log, wav) = (before("session.json"), before("01-answer.wav"));
    let wav_path = dir.join("01-answer.wav");
    let log_path = dir.join("session.json");
    for args in [
        vec!["report", "latest", "-o", wav_path.to_str().unwrap()],
        vec!["share", "latest", "-o", log_path.to_str().unwrap()],
        vec![
            "export",
            "latest",
            "--force",
            "-o",
            log_path.to_str().unwrap(),
        ],
        vec![
            "share",
            "latest",
            "-o",
            dir.join("for-kim.html").to_str().unwrap(),
        ],
    ] {
        mockview_in(&root)
            .args(&args)
            .assert()
            .code(1)
            .stderr(one_error_line().and(predicate::str::contains("inside the session folder")));
    }
    assert_eq!(before("session.json"), log, "the log is untouched");
    assert_eq!(before("01-answer.wav"), wav, "the recording is untouched");
    assert!(!dir.join("for-kim.html").exists());
    // The report's own file in its own folder stays the report's.
    mockview_in(&root)
        .args(["report", "latest", "-o"])
        .arg(dir.join("report.html"))
        .assert()
        .success();
}

/// `share -o` and `report -o` replace a page mockview wrote (writing it
/// again after new reviews is the usual loop) but not a file of the
/// user's, unless `--force`; the file is untouched when refused.
#[test]
fn output_over_a_file_mockview_did_not_write_needs_force() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("sessions");
    make_session(&root, &[(&speech("one two three", 160, RATE), RATE)], true);
    let notes = tmp.path().join("notes.html");
    for command in ["share", "report"] {
        std::fs::write(&notes, "my own notes").unwrap();
        mockview_in(&root)
            .args([command, "latest", "-o"])
            .arg(&notes)
            .assert()
            .code(1)
            .stderr(one_error_line().and(predicate::str::contains(
                "notes.html exists and is not a page mockview wrote (use --force to replace it)",
            )));
        assert_eq!(std::fs::read_to_string(&notes).unwrap(), "my own notes");
        mockview_in(&root)
            .args([command, "latest", "--force", "-o"])
            .arg(&notes)
            .assert()
            .success();
        // Now it is mockview's page: written again without --force.
        mockview_in(&root)
            .args([command, "latest", "-o"])
            .arg(&notes)
            .assert()
            .success();
        assert!(std::fs::read_to_string(&notes)
            .unwrap()
            .contains("<meta name=\"generator\" content=\"mockview"));
    }
}
