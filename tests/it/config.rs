//! Settings that stick (issue 12): the config file, the environment and the
//! flags, in that order of strength, through the real binary; the file's
//! errors; the data-folder default for the sessions.

use crate::common::*;
use predicates::prelude::*;
use std::path::Path;

/// A recording of silence through the ALSA file plugin; `config` is the
/// config file's text.
fn device_with_config(config: &str) -> FileDevice {
    let dev = FileDevice::new(&silence(1.0, RATE), 10.0, RawFormat::S16Mono);
    std::fs::write(dev.home.path().join("config.toml"), config).unwrap();
    dev
}

fn config_env(dev: &FileDevice) -> std::path::PathBuf {
    dev.home.path().join("config.toml")
}

#[test]
fn flag_beats_environment_beats_file_in_a_recorded_session() {
    let dev = device_with_config("prep = 0\nlimit = 4\ncount = 3\nspeak = false\n");
    dev.cmd()
        .env("MOCKVIEW_CONFIG", config_env(&dev))
        .env("MOCKVIEW_LIMIT", "1")
        .arg("practice")
        .args(FileDevice::open_args(RawFormat::S16Mono))
        .args(["--order", "listed", "--count", "1"])
        .write_stdin("")
        .assert()
        .success();
    let (_, log) = only_session(&dev.root);
    let s = &log["settings"];
    assert_eq!(s["count"], 1, "the flag wins over the file");
    assert_eq!(s["limit_seconds"], 1, "the environment wins over the file");
    assert_eq!(s["prep_seconds"], 0, "the file wins over the default");
    assert_eq!(
        log["answers"][0]["frames"], RATE as u64,
        "1 s limit from MOCKVIEW_LIMIT"
    );

    // `config` says the same, and where each value comes from.
    let out = stdout_of(
        dev.cmd()
            .env("MOCKVIEW_CONFIG", config_env(&dev))
            .env("MOCKVIEW_LIMIT", "1")
            .arg("config"),
    );
    let line = |key: &str| {
        out.lines()
            .find(|l| l.starts_with(&format!("{key} ")))
            .unwrap_or_else(|| panic!("no `{key}` in\n{out}"))
            .to_string()
    };
    let cfg = config_env(&dev).display().to_string();
    assert!(
        line("limit").contains("= 1 ") && line("limit").ends_with("# environment MOCKVIEW_LIMIT"),
        "{out}"
    );
    assert!(line("prep").ends_with(&format!("# {cfg}:1")), "{out}");
    assert!(line("count").ends_with(&format!("# {cfg}:3")), "{out}");
    assert!(line("rate").ends_with("# default"), "{out}");
    assert!(
        line("sessions_dir").ends_with("# environment MOCKVIEW_DIR"),
        "{out}"
    );
    assert!(out.starts_with(&format!("config file: {cfg}\n")), "{out}");
}

#[test]
fn the_sessions_folder_from_the_file_and_the_dir_flag_over_it() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = tmp.path().join("config.toml");
    std::fs::write(&cfg, "sessions_dir = \"from-file\"\n").unwrap();
    let run = |extra: &[&str]| {
        let out = mockview()
            .env("MOCKVIEW_CONFIG", &cfg)
            .current_dir(tmp.path())
            .args(extra)
            .arg("config")
            .assert()
            .success()
            .get_output()
            .clone();
        assert!(out.stderr.is_empty(), "a chosen folder is not announced");
        String::from_utf8(out.stdout).unwrap()
    };
    let out = run(&[]);
    let want = tmp.path().join("from-file");
    assert!(
        out.contains(&format!("sessions_dir  = {}", want.display())),
        "relative to the file's folder:\n{out}"
    );
    let out = run(&["--dir", "/elsewhere"]);
    assert!(
        out.contains("sessions_dir  = /elsewhere") && out.contains("# flag"),
        "{out}"
    );
}

#[test]
fn a_malformed_file_is_one_line_naming_file_line_and_key() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = tmp.path().join("config.toml");
    let cases = [
        (
            "speak = true\nprep = \"soon\"\n",
            ":2: `prep`: expected a whole number",
        ),
        ("count = 0\n", ":1: `count`: 0 is out of range (1 to 1000)"),
        ("limit = 5\nvoice = \"en\n", ":2: `voice`: "),
        (
            "reviewer = 7\n",
            ":1: `reviewer`: expected a string, found integer",
        ),
    ];
    for (text, want) in cases {
        std::fs::write(&cfg, text).unwrap();
        for command in [
            &["config"][..],
            &["sessions"],
            &["practice", "--count", "1"],
        ] {
            mockview()
                .env("MOCKVIEW_CONFIG", &cfg)
                .env("MOCKVIEW_DIR", tmp.path().join("rec"))
                .args(command)
                .write_stdin("")
                .assert()
                .code(1)
                .stderr(
                    one_error_line()
                        .and(predicate::str::contains(format!("{}{want}", cfg.display()))),
                );
        }
    }
    assert!(
        !tmp.path().join("rec").exists(),
        "nothing made on a bad file"
    );
    // A bad environment value names the variable.
    mockview()
        .env("MOCKVIEW_PREP", "soon")
        .arg("config")
        .assert()
        .code(1)
        .stderr(one_error_line().and(predicate::str::contains("MOCKVIEW_PREP=\"soon\"")));
}

#[test]
fn an_unknown_key_is_a_warning_and_the_rest_applies() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = tmp.path().join("config.toml");
    std::fs::write(&cfg, "prep = 7\ncolour = \"red\"\n").unwrap();
    mockview()
        .env("MOCKVIEW_CONFIG", &cfg)
        .arg("config")
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "warning: {}:2: unknown setting `colour`",
            cfg.display()
        )))
        .stdout(predicate::str::contains("prep          = 7 "));
}

#[test]
fn init_writes_a_commented_file_and_refuses_to_overwrite() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = tmp.path().join("conf").join("mockview.toml");
    let init = |force: bool| {
        let mut c = mockview();
        c.env("MOCKVIEW_CONFIG", &cfg).args(["config", "init"]);
        if force {
            c.arg("--force");
        }
        c.assert()
    };
    init(false).success();
    let text = std::fs::read_to_string(&cfg).unwrap();
    assert!(
        text.lines()
            .filter(|l| !l.is_empty())
            .all(|l| l.starts_with('#')),
        "{text}"
    );
    for key in mockview::config::KEYS {
        assert!(text.contains(&format!("# {} = ", key.name)), "{}", key.name);
        assert!(text.contains(key.env), "{}", key.env);
    }
    // The device examples are ids `devices` prints here (issue 21: the
    // template said `pulse:default`, which no command printed).
    let out = mockview().args(["devices", "--json"]).output().unwrap();
    let listed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    for key in ["input_device", "output_device"] {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("# {key} = ")))
            .unwrap();
        let id = line.split('"').nth(1).unwrap();
        assert!(
            ids.contains(&id) && (id.starts_with("alsa:") || id.starts_with("pulseaudio:")),
            "{line}: not among the ids `devices` lists: {ids:?}"
        );
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&cfg).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    std::fs::write(&cfg, "prep = 3\n").unwrap();
    init(false)
        .code(1)
        .stderr(one_error_line().and(predicate::str::contains("--force")));
    assert_eq!(
        std::fs::read_to_string(&cfg).unwrap(),
        "prep = 3\n",
        "untouched"
    );
    init(true).success();
    assert_eq!(std::fs::read_to_string(&cfg).unwrap(), text);
    // A file that no longer parses is what `--force` is for: the way out
    // must not be refused for the error it repairs.
    std::fs::write(&cfg, "prep = -5\n").unwrap();
    init(true).success().stderr("");
    assert_eq!(std::fs::read_to_string(&cfg).unwrap(), text);
    // The written file is clean: no warning, every value its default.
    mockview()
        .env("MOCKVIEW_CONFIG", &cfg)
        .arg("config")
        .assert()
        .success()
        .stderr("")
        .stdout(
            predicate::str::contains("# environment")
                .not()
                .and(predicate::str::contains(":1").not()),
        );
}

fn sessions_in(root: &Path) -> usize {
    std::fs::read_dir(root).map_or(0, |d| d.count())
}

#[test]
fn without_a_configured_folder_sessions_go_to_the_data_folder_unless_recordings_exists() {
    let dev = FileDevice::new(&silence(1.0, RATE), 10.0, RawFormat::S16Mono);
    let work = dev.home.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let data = dev.home.path().join("data");
    let practice = || {
        let mut c = dev.cmd();
        c.env_remove("MOCKVIEW_DIR")
            .env("XDG_DATA_HOME", &data)
            .current_dir(&work)
            .arg("practice")
            .args(FileDevice::open_args(RawFormat::S16Mono))
            .args(["--count", "1", "--prep", "0", "--limit", "1"])
            .write_stdin("");
        c.assert().success()
    };
    let in_data = data.join("mockview").join("recordings");
    // Said once, where a session is made (issue 21)...
    practice()
        .stdout(predicate::str::contains(format!(
            "Saved in {}",
            in_data.display()
        )))
        .stderr(predicate::str::contains("sessions:").not());
    assert_eq!(sessions_in(&in_data), 1);
    assert!(!work.join("recordings").exists());

    // An existing ./recordings keeps working as before.
    std::fs::create_dir(work.join("recordings")).unwrap();
    practice().stdout(predicate::str::contains("Saved in recordings"));
    assert_eq!(sessions_in(&work.join("recordings")), 1);
    assert_eq!(sessions_in(&in_data), 1);
    let cmd = |args: &[&str]| {
        let mut c = dev.cmd();
        c.env_remove("MOCKVIEW_DIR")
            .env("XDG_DATA_HOME", &data)
            .current_dir(dev.home.path())
            .args(args);
        c
    };
    // ...and by `sessions`, with why that folder...
    cmd(&["sessions"])
        .assert()
        .success()
        .stdout(predicate::str::contains(format!(
            "1 session in {} (default: data folder)",
            in_data.display()
        )));
    // ...but not by every command that reads one: its output is its own,
    // and an error is one line.
    cmd(&["show", "latest"])
        .assert()
        .success()
        .stderr(predicate::str::is_empty());
    let out = cmd(&["show", "nosuchsession"]).assert().failure();
    let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert_eq!(err.lines().count(), 1, "{err}");
}

/// `config init` writes its file whole or not at all: a write cut short
/// (here a file-size limit, as a full disk would) leaves no half file that
/// every command would then refuse to parse and a plain `init` to replace.
#[test]
fn init_cut_short_leaves_no_half_file() {
    require("prlimit");
    let tmp = tempfile::tempdir().unwrap();
    let cfg = tmp.path().join("config.toml");
    let mut c = std::process::Command::new("prlimit");
    c.arg("--fsize=200").arg(bin_path());
    without_user_settings(&mut c);
    let out = c
        .env("MOCKVIEW_CONFIG", &cfg)
        .args(["config", "init"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("File too large"), "{stderr}");
    assert!(!cfg.exists(), "a half-written config file was left");
    let names: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert!(names.is_empty(), "nothing left behind: {names:?}");
}
