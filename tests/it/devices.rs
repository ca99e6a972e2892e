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
    assert!(
        list.iter().any(|d| d["default_input"] == true),
        "the default input is marked"
    );
    let text = dev.cmd().arg("devices").output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(
        text.contains("alsa:answer") && text.contains("default input"),
        "{text}"
    );
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
