//! Follow-up questions (issue 12): after an answer, one of the question's
//! follow-ups is asked and its reply recorded through the ALSA file plugin
//! to its own file, with its own metrics, listed with the answer.

use crate::common::*;
use predicates::prelude::*;

const TEXT: &str = "My greatest weakness used to be saying yes to everything. I learned \
to weigh each request against the team's goals, and now I say no with a reason and an \
alternative. Last quarter that kept our release on time.";

/// The follow-ups the shipped bank gives `id`.
fn follow_ups_of(id: &str) -> Vec<String> {
    let banks = mockview::questions::default_banks();
    banks
        .iter()
        .flat_map(|b| &b.questions)
        .find(|q| q.id == id)
        .unwrap()
        .follow_ups
        .clone()
}

#[test]
fn a_follow_up_is_recorded_to_its_own_file_with_its_own_metrics() {
    let speech = speech(TEXT, 160, RATE);
    let dev = FileDevice::new(&speech, 20.0, RawFormat::S16Mono);
    dev.cmd()
        .arg("practice")
        .args(FileDevice::open_args(RawFormat::S16Mono))
        .args(["--question", "greatest-weakness", "--follow-ups"])
        .args(["--prep", "0", "--limit", "6"])
        .write_stdin("")
        .assert()
        .success()
        .stdout(predicate::str::contains("Follow-up to question 1"));
    let (dir, log) = only_session(&dev.root);
    assert_eq!(log["settings"]["follow_ups"], true);
    let a = &log["answers"][0];
    assert_eq!(a["status"], "recorded");
    assert_eq!(a["file"], "01-greatest-weakness.wav");
    assert_eq!(a["frames"], 6 * RATE as u64);
    let f = &a["follow_ups"][0];
    assert_eq!(a["follow_ups"].as_array().unwrap().len(), 1);
    assert_eq!(f["number"], 1);
    assert!(
        follow_ups_of("greatest-weakness").contains(&f["text"].as_str().unwrap().to_string()),
        "{f}"
    );
    assert_eq!(f["status"], "recorded");
    assert_eq!(f["file"], "01-greatest-weakness.follow1.wav");
    // Half the limit, counted in frames.
    assert_eq!(f["frames"], 3 * RATE as u64);
    assert_eq!(f["duration_seconds"], 3.0);
    assert_eq!(f["dropped_frames"], 0);
    let (reply, rate) = read_wav(&dir.join("01-greatest-weakness.follow1.wav"));
    assert_eq!((reply.len(), rate), (3 * RATE as usize, RATE));
    // Its own metrics, of its own audio: 3 s of talk, not the answer's 6.
    let m = &f["metrics"];
    assert!(m.is_object(), "{f}");
    let total = m["duration_seconds"].as_f64().unwrap();
    assert!((total - 3.0).abs() < 0.01, "{m}");
    assert!(a["metrics"]["duration_seconds"].as_f64().unwrap() > 5.9);
    // The reply is a stretch of the device's audio, sample for sample (the
    // device delivers faster than real time, so where it starts varies).
    let mut source = speech.clone();
    source.extend(std::iter::repeat_n(0, 20 * RATE as usize));
    let found = (0..=source.len() - reply.len()).any(|o| source[o..o + reply.len()] == reply[..]);
    assert!(found, "the reply's samples come from the device, in order");
    // Private like every recording.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(dir.join("01-greatest-weakness.follow1.wav"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    // `show` lists it with the answer.
    dev.cmd()
        .args(["show", "latest"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("follow-up 1: ").and(predicate::str::contains(
                "recorded · 0:03 · 01-greatest-weakness.follow1.wav",
            )),
        );
    // `export` carries its file.
    let zip = dev.home.path().join("s.zip");
    dev.cmd()
        .args(["export", "latest", "-o"])
        .arg(&zip)
        .assert()
        .success()
        .stdout(predicate::str::contains("3 files"));

    // `analyze --save` recomputes the reply's metrics with the answer's.
    let mut edited = log.clone();
    edited["answers"][0]["follow_ups"][0]
        .as_object_mut()
        .unwrap()
        .remove("metrics");
    std::fs::write(log_path(&dir), edited.to_string()).unwrap();
    let doc: serde_json::Value = json_of(dev.cmd().args(["analyze", "latest", "--save", "--json"]));
    let printed = &doc["answers"][0]["follow_ups"][0];
    assert_eq!(printed["file"], "01-greatest-weakness.follow1.wav", "{doc}");
    assert_eq!(printed["metrics"], f["metrics"], "{doc}");
    let (_, saved) = only_session(&dev.root);
    assert_eq!(
        saved["answers"][0]["follow_ups"][0]["metrics"],
        f["metrics"]
    );
    dev.cmd()
        .args(["analyze", "latest"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("    Follow-up 1: ").and(predicate::str::contains(
                "      01-greatest-weakness.follow1.wav",
            )),
        );
}

#[test]
fn a_follow_up_is_skippable_and_the_setting_turns_them_on() {
    let speech = speech(TEXT, 160, RATE);
    // Room for a 60 s prep and the follow-up's 30 s.
    let dev = FileDevice::new(&speech, 120.0, RawFormat::S16Mono);
    let config = dev.home.path().join("config.toml");
    std::fs::write(&config, "follow_ups = true\n").unwrap();
    // Keys: Enter ends the prep, Enter stops the answer, `s` skips the
    // follow-up during its prep.
    dev.cmd()
        .env("MOCKVIEW_CONFIG", &config)
        .arg("practice")
        .args(FileDevice::open_args(RawFormat::S16Mono))
        .args([
            "--question",
            "greatest-strength",
            "--prep",
            "60",
            "--limit",
            "6",
        ])
        .write_stdin("\n\ns\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("follow-up skipped"));
    let (dir, log) = only_session(&dev.root);
    let f = &log["answers"][0]["follow_ups"][0];
    assert_eq!(f["status"], "skipped", "{f}");
    // The device delivers faster than real time, so the prep may have run
    // out before the key was read: then what was recorded is kept.
    let reply = dir.join("01-greatest-strength.follow1.wav");
    if f["file"].is_null() {
        assert!(!reply.exists(), "an empty armed reply leaves no file");
    } else {
        assert_eq!(f["file"], "01-greatest-strength.follow1.wav");
        assert!(reply.is_file(), "a skipped reply's recording is kept");
    }

    // --no-follow-ups beats the file.
    std::fs::remove_dir_all(&dev.root).unwrap();
    dev.cmd()
        .env("MOCKVIEW_CONFIG", &config)
        .arg("practice")
        .args(FileDevice::open_args(RawFormat::S16Mono))
        .args(["--question", "greatest-strength", "--no-follow-ups"])
        .args(["--prep", "0", "--limit", "1"])
        .write_stdin("")
        .assert()
        .success();
    let (_, log) = only_session(&dev.root);
    assert!(log["answers"][0].get("follow_ups").is_none(), "{log}");
    assert_eq!(log["settings"]["follow_ups"], false);
}

#[test]
fn replay_review_and_report_include_the_follow_up() {
    let speech = speech(TEXT, 160, RATE);
    let dev = FileDevice::new(&speech, 10.0, RawFormat::S16Mono);
    dev.cmd()
        .arg("practice")
        .args(FileDevice::open_args(RawFormat::S16Mono))
        .args(["--question", "greatest-weakness", "--follow-ups"])
        .args(["--prep", "0", "--limit", "2"])
        .write_stdin("")
        .assert()
        .success();
    let (dir, log) = only_session(&dev.root);
    let text = log["answers"][0]["follow_ups"][0]["text"]
        .as_str()
        .unwrap()
        .to_string();

    // replay: the answer, then the follow-up and its reply, through ALSA.
    let out = dev
        .cmd()
        .args(["replay", "latest", "--device", "alsa:null"])
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .unwrap();
    let stdout = succeeded(&out);
    let answer_at = stdout.find("Answer 1 of 1").expect("the answer");
    let follow_at = stdout.find("Follow-up 1").expect("the follow-up");
    assert!(answer_at < follow_at, "{stdout}");
    assert!(stdout.contains(&text), "{stdout}");

    // review: the follow-up is shown before the scores.
    let out = dev
        .cmd()
        .args(["review", "latest", "--reviewer", "Sam", "--no-play"])
        .write_stdin("4\n4\n4\n4\n4\nprobed well\n")
        .output()
        .unwrap();
    let stdout = succeeded(&out);
    assert!(
        stdout.contains("Follow-up 1") && stdout.contains(&text),
        "{stdout}"
    );

    // report: its own player, waveform and metrics in the answer's section.
    dev.cmd().args(["report", "latest"]).assert().success();
    let page = std::fs::read_to_string(dir.join("report.html")).unwrap();
    assert!(page.contains("<h3>Follow-up 1: "), "follow-up heading");
    assert!(
        page.contains("src=\"01-greatest-weakness.follow1.wav\""),
        "its player"
    );
    assert!(page.contains("waveform of follow-up 1"), "its waveform");

    // A reply missing from the folder is named before anything plays.
    std::fs::remove_file(dir.join("01-greatest-weakness.follow1.wav")).unwrap();
    dev.cmd()
        .args(["replay", "latest", "--device", "alsa:null"])
        .assert()
        .code(1)
        .stderr(predicate::str::contains("01-greatest-weakness.follow1.wav"));
}

#[test]
fn ctrl_c_during_a_follow_up_keeps_the_answer_and_the_reply() {
    use std::io::Write;
    use std::time::Duration;
    let speech = speech(TEXT, 160, RATE);
    // A long input: with no limit, the reply records until Ctrl-C.
    let dev = FileDevice::new(&speech, 600.0, RawFormat::S16Mono);
    let mut child = std::process::Command::new(bin_path())
        .env("HOME", dev.home.path())
        .env("MOCKVIEW_DIR", &dev.root)
        .env("MOCKVIEW_CONFIG", "/nonexistent/config.toml")
        .env("NO_COLOR", "1")
        .arg("practice")
        .args(FileDevice::open_args(RawFormat::S16Mono))
        .args(["--question", "greatest-weakness", "--follow-ups"])
        .args(["--prep", "0", "--limit", "0"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let reply_path = || {
        std::fs::read_dir(&dev.root)
            .ok()?
            .flatten()
            .next()
            .map(|d| d.path().join("01-greatest-weakness.follow1.wav"))
    };
    let answer_wav = |p: &std::path::Path| p.with_file_name("01-greatest-weakness.wav");
    // Stop the answer once it has a second of audio; the reply starts.
    wait_until(Duration::from_secs(30), || {
        reply_path().is_some_and(|p| {
            std::fs::metadata(answer_wav(&p)).is_ok_and(|m| m.len() > 2 * u64::from(RATE))
        })
    })
    .expect("the answer is recording");
    let stdin = child.stdin.as_mut().unwrap();
    writeln!(stdin).unwrap();
    stdin.flush().unwrap();
    wait_until(Duration::from_secs(30), || {
        reply_path().is_some_and(|p| std::fs::metadata(p).is_ok_and(|m| m.len() > 44 + 96_000))
    })
    .expect("the reply is recording");
    let st = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(130),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let (dir, log) = only_session(&dev.root);
    assert_eq!(log["status"], "interrupted");
    let a = &log["answers"][0];
    assert_eq!(
        a["status"], "recorded",
        "the answer before the follow-up is whole"
    );
    let f = &a["follow_ups"][0];
    assert_eq!(f["status"], "interrupted", "{f}");
    assert_eq!(f["file"], "01-greatest-weakness.follow1.wav");
    let (reply, _) = read_wav(&dir.join("01-greatest-weakness.follow1.wav"));
    assert!(reply.len() >= RATE as usize, "at least a second kept");
    assert_eq!(
        f["frames"],
        reply.len() as u64,
        "the log says what the file holds"
    );
}
