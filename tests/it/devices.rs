//! `mockview devices`: ids `--device` accepts, default configs, defaults marked.

use crate::common::*;

#[test]
fn devices_json_lists_virtual_devices_with_ids_and_configs() {
    let dev = FileDevice::new(&[], 1.0, RawFormat::S16Mono);
    let out = dev.cmd().args(["devices", "--json"]).output().unwrap();
    assert!(out.status.success());
    let list: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    let list = list.as_array().unwrap();
    let answer = list
        .iter()
        .find(|d| d["id"] == "alsa:answer")
        .expect("the .asoundrc device is listed by its cpal id");
    assert_eq!(answer["input"], true);
    assert_eq!(answer["input_config"]["sample_rate"], 48000);
    assert!(answer["input_config"]["sample_format"].is_string());
    assert_eq!(
        answer["shown_by_default"], false,
        "a user-defined ALSA plugin is not what a person picks"
    );
    assert!(
        list.iter().any(|d| d["default_input"] == true),
        "the default input is marked"
    );
    let text = dev.cmd().args(["devices", "--all"]).output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("alsa:answer") && text.contains("[default]"),
        "{text}"
    );
}

/// Ids in the text listing: the first word of each indented row.
fn listed_ids(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| l.starts_with("  "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect()
}

#[test]
fn default_list_is_what_a_person_picks_and_all_lists_the_plugins() {
    let sink = PulseSink::new("devices");
    let run = |all: bool| {
        // The user's own HOME: the native host needs its PulseAudio cookie.
        let mut c = mockview();
        c.env("PULSE_SERVER", PulseSink::server()).arg("devices");
        if all {
            c.arg("--all");
        }
        let out = c.output().unwrap();
        assert!(out.status.success(), "{out:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "",
            "no library chatter on stderr"
        );
        String::from_utf8(out.stdout).unwrap()
    };

    let text = run(false);
    let ids = listed_ids(&text);
    assert!(ids.iter().any(|i| i == "alsa:default"), "{text}");
    assert!(
        ids.iter()
            .any(|i| *i == format!("pulseaudio:{}", sink.name)),
        "the server's sink: {text}"
    );
    assert!(
        ids.iter()
            .any(|i| *i == format!("pulseaudio:{}", sink.monitor())),
        "the server's source: {text}"
    );
    for id in &ids {
        assert!(
            id.starts_with("pulseaudio:")
                || id == "alsa:default"
                || id.starts_with("alsa:hw:")
                || id.starts_with("alsa:plughw:"),
            "{id} is not a device a person picks: {text}"
        );
    }
    assert!(text.contains("[default]"), "{text}");
    assert!(
        text.lines()
            .any(|l| l.contains("pulseaudio:") && l.contains(" Hz ")),
        "each with its default format: {text}"
    );

    let all = run(true);
    let all_ids = listed_ids(&all);
    for plugin in ["alsa:null", "alsa:pulse"] {
        assert!(
            all_ids.iter().any(|i| i == plugin),
            "{plugin} with --all: {all}"
        );
        assert!(!ids.iter().any(|i| i == plugin), "{plugin} not by default");
    }
    // The rate converters of libasound2-plugins, when installed.
    for converter in ["alsa:samplerate", "alsa:speexrate", "alsa:lavrate"] {
        assert!(!ids.iter().any(|i| i == converter), "{converter}: {text}");
    }
}

#[test]
fn device_by_unique_part_of_its_name() {
    // "answer" is the description of alsa:answer and of no other device.
    let dev = FileDevice::new(&speech("Yes.", 160, RATE), 5.0, RawFormat::S16Mono);
    dev.cmd()
        .args([
            "practice",
            "--device",
            "answer",
            "--input-format",
            "i16",
            "--channels",
            "1",
        ])
        .args(["--count", "1", "--prep", "0", "--limit", "1"])
        .write_stdin("")
        .assert()
        .success();
    let (_, log) = only_session(&dev.root);
    assert_eq!(log["input"]["device_id"], "alsa:answer");
}
