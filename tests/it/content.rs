//! Content feedback from stored transcripts (issue 10), on sessions built by
//! the test with hand-made transcripts: `analyze` computes and saves it,
//! `show` marks fillers, hedges and negative talk, the report highlights
//! them and seeks the player on a click (real headless Chromium), and
//! `export` carries the transcripts.

use crate::common::*;
use crate::report::dump_dom;
use mockview::session::{Answer, AnswerStatus, QuestionRef, Session, SessionStore, Settings};
use mockview::transcript::{Transcript, Word};
use std::path::{Path, PathBuf};

pub const RAMBLING: &str =
    "Um, so, we kind of had this project, you know, and we were, like, late. \
    Uh, I think we maybe needed more people, I guess. My boss never listened, it was terrible. \
    We talked, um, a lot, and we sort of tried things, and, uh, we kept going. \
    Basically we were just busy, hopefully that makes sense.";

pub const CLEAN: &str = "At my last job our release process took two days. \
    My role was to make it faster without breaking anything. \
    I decided to measure every step first, and I found that the tests ran one after another. \
    I split them across four machines and I wrote a script that checks each build. \
    As a result the release took three hours instead of two days.";

/// Words of `text` evenly over `seconds`, as an engine would give them.
pub fn transcript(text: &str, seconds: f64) -> Transcript {
    let said: Vec<&str> = text.split_whitespace().collect();
    let step = seconds / said.len() as f64;
    Transcript {
        model: "hand-made".into(),
        text: text.split_whitespace().collect::<Vec<_>>().join(" "),
        words: said
            .iter()
            .enumerate()
            .map(|(i, w)| Word {
                word: format!(" {w}"),
                start_seconds: i as f64 * step,
                end_seconds: (i as f64 + 0.8) * step,
                probability: 0.9,
            })
            .collect(),
    }
}

/// A session with two recorded answers (WAVs of espeak speech) whose
/// transcripts are `RAMBLING` and `CLEAN`, with no content computed yet.
/// Returns the sessions root and the session folder.
pub fn transcribed_session(home: &Path) -> (PathBuf, PathBuf) {
    session_saying(home, "20261126-101503", [RAMBLING, CLEAN])
}

/// A session `id` under `home/rec` whose two answers say `texts`.
fn session_saying(home: &Path, id: &str, texts: [&str; 2]) -> (PathBuf, PathBuf) {
    let root = home.join("rec");
    let store = SessionStore::new(&root);
    let dir = store.create(id).unwrap();
    let started = format!(
        "{}-{}-{}T{}:{}:{}Z",
        &id[..4],
        &id[4..6],
        &id[6..8],
        &id[9..11],
        &id[11..13],
        &id[13..15]
    );
    let settings = Settings {
        count: 2,
        ..Settings::default()
    };
    let mut s = Session::new(dir.id.clone(), started.parse().unwrap(), settings);
    for (n, (id, text)) in ["failure", "pressure"].into_iter().zip(texts).enumerate() {
        let file = format!("0{}-{id}.wav", n + 1);
        let samples = speech(text, 160, RATE);
        write_wav(&dir.path.join(&file), &samples, RATE);
        let seconds = samples.len() as f64 / f64::from(RATE);
        let mut answer = Answer::new(
            n as u32 + 1,
            QuestionRef {
                id: id.into(),
                text: format!("Tell me about {id}."),
                category: id.into(),
                ..QuestionRef::default()
            },
            AnswerStatus::Recorded,
        )
        .with_take(file, samples.len() as u64, RATE);
        answer.recording.transcript = Some(transcript(text, seconds));
        s.answers.push(answer);
    }
    dir.save(&s).unwrap();
    (root, dir.path.clone())
}

/// [`transcribed_session`] with its content computed and saved by `analyze`.
fn analysed_session(home: &Path) -> (PathBuf, PathBuf) {
    let (root, dir) = transcribed_session(home);
    mockview_in(&root)
        .args(["analyze", "latest", "--save"])
        .assert()
        .success();
    (root, dir)
}

fn codes(flags: &serde_json::Value) -> Vec<String> {
    flags
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn analyze_computes_saves_and_prints_the_content() {
    let home = tempfile::tempdir().unwrap();
    let (root, dir) = transcribed_session(home.path());
    let out = mockview_in(&root)
        .args(["analyze", "latest", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rambling = &doc["answers"][0]["content"];
    assert_eq!(rambling["fillers"]["words"]["um"], 2);
    assert_eq!(rambling["negatives"][0]["phrase"], "never listened");
    assert_eq!(
        rambling["negatives"][0]["sentence"],
        "My boss never listened, it was terrible."
    );
    // Every sentence has its STAR part.
    assert_eq!(rambling["star"]["sentences"].as_array().unwrap().len(), 5);
    let flags = codes(&rambling["flags"]);
    for code in ["fillers", "hedging", "negative", "we_not_i", "no_result"] {
        assert!(flags.contains(&code.to_string()), "{code} not in {flags:?}");
    }
    let clean = &doc["answers"][1]["content"];
    assert_eq!(codes(&clean["flags"]), Vec::<String>::new(), "{clean:#}");
    assert_eq!(clean["star"]["result"], true);
    assert!(
        log_of(&dir)["answers"][0].get("content").is_none(),
        "not saved without --save"
    );

    // --save stores it; a stricter threshold on the command line changes it.
    mockview_in(&root)
        .args([
            "analyze",
            "latest",
            "--save",
            "--max-fillers",
            "1000",
            "--max-hedges",
            "1000",
        ])
        .assert()
        .success()
        .stdout(predicates::str::contains("fillers 7 ("))
        .stdout(predicates::str::contains(
            "negative about others: “My boss never listened, it was terrible.”",
        ));
    let log = log_of(&dir);
    let saved = codes(&log["answers"][0]["content"]["flags"]);
    assert!(!saved.contains(&"fillers".to_string()) && saved.contains(&"negative".to_string()));
    assert!(log["answers"][0]["metrics"].is_object());

    // Asked a question that is not a story, the same answer keeps its
    // other flags but has no STAR ones.
    let mut edited = log.clone();
    edited["answers"][0]["question"]["story"] = false.into();
    std::fs::write(log_path(&dir), edited.to_string()).unwrap();
    let out = mockview_in(&root)
        .args(["analyze", "latest", "--json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let open = codes(&doc["answers"][0]["content"]["flags"]);
    assert!(open.contains(&"negative".to_string()), "{open:?}");
    assert!(
        !open.contains(&"no_result".to_string()) && !open.contains(&"no_star".to_string()),
        "{open:?}"
    );
    assert_eq!(
        doc["answers"][0]["content"]["star"],
        log["answers"][0]["content"]["star"]
    );
}

#[test]
fn a_users_phrase_file_adds_to_the_lists_and_a_bad_one_is_one_line() {
    let home = tempfile::tempdir().unwrap();
    let (root, _) = transcribed_session(home.path());
    let mine = home.path().join("mine.toml");
    std::fs::write(&mine, "[[negative]]\nphrase = \"kept going\"\n").unwrap();
    let out = mockview_in(&root)
        .env("MOCKVIEW_PHRASES", &mine)
        .args(["analyze", "latest", "--json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let negatives: Vec<&str> = doc["answers"][0]["content"]["negatives"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["phrase"].as_str().unwrap())
        .collect();
    // The user's phrase is blame by itself, in a sentence the shipped
    // rules leave alone.
    assert_eq!(negatives, ["never listened", "kept going"]);
    // The same file as the config file's `phrases`, relative to it.
    let config = home.path().join("config.toml");
    std::fs::write(&config, "phrases = \"mine.toml\"\n").unwrap();
    let out = mockview_in(&root)
        .env("MOCKVIEW_CONFIG", &config)
        .args(["analyze", "latest", "--json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        doc["answers"][0]["content"]["negatives"][1]["phrase"],
        "kept going"
    );

    std::fs::write(&mine, "[[hedge]]\nphrase = \"x\"\nwhen = 3\n").unwrap();
    let before = std::fs::read(root.join("20261126-101503/session.json")).unwrap();
    let out = mockview_in(&root)
        .args(["analyze", "latest", "--save", "--phrases"])
        .arg(&mine)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("mine.toml:3: unknown field `when`"), "{err}");
    assert_eq!(
        std::fs::read(root.join("20261126-101503/session.json")).unwrap(),
        before
    );
}

#[test]
fn show_marks_fillers_hedges_and_negative_talk() {
    let home = tempfile::tempdir().unwrap();
    let (root, _) = analysed_session(home.path());
    let out = mockview_in(&root)
        .args(["show", "latest"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("marks [filler] {hedge} <<negative>>"),
        "{text}"
    );
    assert!(
        text.contains("\"[Um,] so, we {kind of} had this project, [you know,] and"),
        "{text}"
    );
    assert!(
        text.contains("<<My boss never listened, it was terrible.>>"),
        "{text}"
    );
    // The STAR part of each sentence, quoted.
    assert!(
        text.contains("  action     “We talked, um, a lot, and we sort of tried things,"),
        "{text}"
    );
    assert!(text.contains("- negative about others"), "{text}");
    assert!(!text.contains('\x1b'), "no colour when piped");
}

#[test]
fn report_highlights_words_and_a_click_seeks_the_player() {
    let home = tempfile::tempdir().unwrap();
    let (root, dir) = analysed_session(home.path());
    // Answer 2's recording again, as the transcribed reply to a follow-up
    // of answer 1: its words seek its own player, not the answer's.
    let log_path = log_path(&dir);
    let mut log: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&log_path).unwrap()).unwrap();
    let second = log["answers"][1].clone();
    std::fs::copy(
        dir.join(second["file"].as_str().unwrap()),
        dir.join("01-failure.follow1.wav"),
    )
    .unwrap();
    let mut reply = second.clone();
    for key in ["question", "takes", "reviews"] {
        reply.as_object_mut().unwrap().remove(key);
    }
    reply["number"] = 1.into();
    reply["text"] = "And then?".into();
    reply["file"] = "01-failure.follow1.wav".into();
    log["answers"][0]["follow_ups"] = serde_json::json!([reply]);
    std::fs::write(&log_path, log.to_string()).unwrap();
    mockview_in(&root)
        .args(["report", "latest"])
        .assert()
        .success();
    let page = dir.join("report.html");
    let dom = dump_dom(&page);
    // The policy let the page's script run: its hash is right.
    assert!(dom.contains("data-seek=\"ready\""), "the seek script ran");
    assert!(dom.contains("class=\"filler\">Um,</span>"), "{dom}");
    assert!(dom.contains("class=\"hedge\">kind</span>"));
    assert!(dom.contains("class=\"negative\">terrible.</span>"));
    assert_eq!(dom.matches("<script").count(), 1, "only the seek script");

    // A click on the 10th word of answer 2 sets its player there. The copy
    // swaps the hash for 'unsafe-inline' so that its own clicking script runs.
    let html = std::fs::read_to_string(&page).unwrap();
    let start = html.find("script-src '").unwrap() + "script-src ".len();
    let end = start + html[start..].find('"').unwrap();
    let click = "<script>var w=document.querySelectorAll('#answer-2 [data-t]')[9];w.click();\
        document.body.dataset.clicked=w.dataset.t;\
        document.body.dataset.at=document.querySelector('#answer-2 audio').currentTime;\
        var f=document.querySelectorAll('#answer-1 .follow-up [data-t]')[9];f.click();\
        document.body.dataset.fclicked=f.dataset.t;\
        document.body.dataset.fat=document.querySelector('#answer-1 .follow-up audio').currentTime;\
        document.body.dataset.own=document.querySelector('#answer-1 audio').currentTime;</script></body>";
    let copy =
        html[..start].to_string() + "'unsafe-inline'" + &html[end..].replace("</body>", click);
    let test_page = dir.join("clicked.html");
    std::fs::write(&test_page, copy).unwrap();
    let dom = dump_dom(&test_page);
    let attr = |name: &str| {
        let at = dom
            .find(&format!("data-{name}=\""))
            .unwrap_or_else(|| panic!("{name} in {dom}"));
        let v = &dom[at + name.len() + 7..];
        v[..v.find('"').unwrap()].parse::<f64>().unwrap()
    };
    let clicked = attr("clicked");
    assert!(clicked > 1.0, "the 10th word starts later: {clicked}");
    assert!(
        (attr("at") - clicked).abs() < 0.01,
        "player at {} for {clicked}",
        attr("at")
    );
    // The follow-up's word moved the follow-up's player, and only that.
    assert_eq!(
        attr("fclicked"),
        clicked,
        "the same recording, the same word"
    );
    assert!((attr("fat") - clicked).abs() < 0.01, "{dom}");
    assert_eq!(attr("own"), 0.0, "the answer's own player stays put");
}

#[test]
fn export_carries_transcripts_and_content() {
    let home = tempfile::tempdir().unwrap();
    let (root, _) = analysed_session(home.path());
    let zip_path = home.path().join("out.zip");
    mockview_in(&root)
        .args(["export", "latest", "-o"])
        .arg(&zip_path)
        .assert()
        .success();
    let mut z = zip::ZipArchive::new(std::fs::File::open(&zip_path).unwrap()).unwrap();
    let log: serde_json::Value =
        serde_json::from_reader(z.by_name("20261126-101503/session.json").unwrap()).unwrap();
    let a = &log["answers"][0];
    assert_eq!(a["transcript"]["words"][0]["word"], " Um,");
    assert_eq!(a["content"]["fillers"]["words"]["um"], 2);
}

#[test]
fn review_shows_the_marked_transcript_before_the_scores() {
    let home = tempfile::tempdir().unwrap();
    let (root, _) = analysed_session(home.path());
    let out = mockview_in(&root)
        .args(["review", "latest", "--reviewer", "Sam", "--no-play"])
        .write_stdin("q\n")
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let said = text
        .find("\"[Um,] so, we {kind of} had this project")
        .unwrap_or_else(|| panic!("transcript shown: {text}"));
    let question = text.find("Tell me about failure.").unwrap();
    assert!(question < said, "{text}");
    assert!(text.contains("- negative about others"), "{text}");
}

#[test]
fn stats_and_the_report_chart_fillers_and_hedges_over_sessions() {
    let home = tempfile::tempdir().unwrap();
    let (root, _) = session_saying(home.path(), "20261120-090000", [RAMBLING, RAMBLING]);
    let (_, last) = session_saying(home.path(), "20261126-101503", [CLEAN, CLEAN]);
    for id in ["20261120", "20261126"] {
        mockview_in(&root)
            .args(["analyze", id, "--save"])
            .assert()
            .success();
    }
    let out = mockview_in(&root)
        .args(["stats", "--json"])
        .output()
        .unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let fillers: Vec<f64> = doc["trend"]["fillers_per_minute"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_f64().unwrap())
        .collect();
    assert_eq!(fillers.len(), 2, "{doc:#}");
    assert!(fillers[0] > 10.0 && fillers[1] == 0.0, "{fillers:?}");
    assert!(doc["trend"]["hedges_per_minute"][0].as_f64().unwrap() > 10.0);
    mockview_in(&root)
        .arg("stats")
        .assert()
        .success()
        .stdout(predicates::str::contains("fillers / min"))
        .stdout(predicates::str::contains("hedges / min"));

    mockview_in(&root)
        .args(["report", "latest"])
        .assert()
        .success();
    let page = std::fs::read_to_string(last.join("report.html")).unwrap();
    for key in ["fillers_per_minute", "hedges_per_minute"] {
        let at = page
            .find(&format!("data-series=\"{key}\""))
            .unwrap_or_else(|| panic!("a {key} chart"));
        let chart = &page[at..at + page[at..].find("</figure>").unwrap()];
        assert_eq!(chart.matches("<circle").count(), 2, "{chart}");
    }
}

/// The sentence model's folder for the tests (scripts/test-embedder.sh):
/// in CI a missing one fails, elsewhere the test skips loudly.
fn test_embedder() -> Option<PathBuf> {
    match std::env::var_os("MOCKVIEW_TEST_EMBEDDER") {
        Some(p) => Some(PathBuf::from(p)),
        None if std::env::var_os("CI").is_some() => {
            panic!("MOCKVIEW_TEST_EMBEDDER is not set: scripts/test.sh sets it (scripts/test-embedder.sh)")
        }
        None => {
            eprintln!("\n*** SKIPPED: MOCKVIEW_TEST_EMBEDDER is not set; run `export MOCKVIEW_TEST_EMBEDDER=$(scripts/test-embedder.sh)` ***\n");
            None
        }
    }
}

#[test]
fn an_installed_sentence_model_flags_blame_the_rules_miss() {
    let Some(model) = test_embedder() else { return };
    // Blame in words no rule names, between two innocent sentences.
    let said = "I planned the rollout with the support team. \
                My old manager would take the credit for anything that went well. \
                I learned to write every decision down.";
    let home = tempfile::tempdir().unwrap();
    let (root, _) = session_saying(home.path(), "20261126-101503", [said, CLEAN]);
    let data = home.path().join("data");
    let negatives = |data: &Path| {
        let out = mockview_in(&root)
            .env("XDG_DATA_HOME", data)
            .args(["analyze", "latest", "--json"])
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let content = &doc["answers"][0]["content"];
        assert_eq!(
            doc["answers"][1]["content"]["negatives"],
            serde_json::json!([])
        );
        content["negatives"].as_array().unwrap().clone()
    };
    // Not installed: the rules alone find nothing.
    assert_eq!(negatives(&data), Vec::<serde_json::Value>::new());
    // Installed in the models folder: the sentence is flagged and quoted.
    let folder = data.join("mockview/models/all-MiniLM-L6-v2");
    std::fs::create_dir_all(&folder).unwrap();
    for f in ["model.safetensors", "vocab.txt"] {
        std::os::unix::fs::symlink(model.join(f), folder.join(f)).unwrap();
    }
    let found = negatives(&data);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0]["sentence"],
        "My old manager would take the credit for anything that went well."
    );
    // A folder there but broken: one line naming the file, exit 1.
    std::fs::remove_file(folder.join("model.safetensors")).unwrap();
    std::fs::write(folder.join("model.safetensors"), b"cut short").unwrap();
    let out = mockview_in(&root)
        .env("XDG_DATA_HOME", &data)
        .args(["analyze", "latest"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("model.safetensors"), "{err}");
}
