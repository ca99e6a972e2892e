//! The manual page, shell completions and `--color` (issue 12): the page is
//! read by the real `man` (man-db and groff) with warnings on.

use crate::common::*;
use predicates::prelude::*;

#[test]
fn man_page_is_read_by_man_without_warnings() {
    require("man");
    require("groff");
    let tmp = tempfile::tempdir().unwrap();
    let page = tmp.path().join("mockview.1");
    let out = mockview()
        .arg("man")
        .assert()
        .success()
        .get_output()
        .clone();
    std::fs::write(&page, &out.stdout).unwrap();
    let shown = std::process::Command::new("man")
        .args(["--warnings=w", "-l", "-P", "cat"])
        .arg(&page)
        .env("MANWIDTH", "80")
        .env("LC_ALL", "C.UTF-8")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&shown.stderr);
    assert!(shown.status.success(), "{stderr}");
    assert!(stderr.is_empty(), "man/groff warnings: {stderr}");
    let text = String::from_utf8_lossy(&shown.stdout);
    for want in [
        "NAME",
        "SYNOPSIS",
        "OPTIONS",
        "practice",
        "delete",
        "config",
        "ENVIRONMENT",
        "MOCKVIEW_CONFIG",
        "MOCKVIEW_PREP",
        "FILES",
        "EXIT STATUS",
    ] {
        assert!(text.contains(want), "no `{want}` in the page:\n{text}");
    }
    // groff itself, every warning enabled.
    let checked = std::process::Command::new("groff")
        .args(["-ww", "-man", "-Tutf8", "-z"])
        .arg(&page)
        .output()
        .unwrap();
    assert!(checked.status.success());
    assert_eq!(String::from_utf8_lossy(&checked.stderr), "");
}

#[test]
fn output_piped_into_a_closed_reader_ends_quietly() {
    // The reader exits at once, so the write finds the pipe closed (the
    // reader is `true`: gone long before mockview has started).
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(format!(
            "set -o pipefail; '{}' man | true",
            bin_path().display()
        ))
        .env("MOCKVIEW_CONFIG", "/nonexistent/config.toml")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "",
        "nothing on stderr"
    );
    assert!(out.status.success(), "exit 0: {:?}", out.status);
}

#[test]
fn completions_know_the_new_commands() {
    for shell in ["bash", "zsh", "fish"] {
        mockview()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(
                predicate::str::contains("delete")
                    .and(predicate::str::contains("config"))
                    .and(predicate::str::contains("color")),
            );
    }
}

#[test]
fn color_always_beats_no_color_and_never_is_plain() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = tmp.path().join("config.toml");
    std::fs::write(&cfg, "colour = \"red\"\n").unwrap();
    let warn = |color: Option<&str>| {
        let mut c = mockview(); // NO_COLOR=1, output piped
        c.env("MOCKVIEW_CONFIG", &cfg);
        if let Some(color) = color {
            c.args(["--color", color]);
        }
        let out = c.arg("config").assert().success().get_output().clone();
        String::from_utf8(out.stderr).unwrap()
    };
    assert!(warn(Some("always")).starts_with("\x1b[33mwarning:\x1b[0m "));
    for plain in [None, Some("never"), Some("auto")] {
        let e = warn(plain);
        assert!(
            e.starts_with("warning: ") && !e.contains('\x1b'),
            "{plain:?}: {e:?}"
        );
    }
    mockview()
        .args(["--color", "sometimes", "config"])
        .assert()
        .code(2);
}
