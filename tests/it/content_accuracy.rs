//! Content feedback through the real engine (issue 10): answers spoken by
//! espeak-ng with known fillers, hedges and negative phrases, transcribed by
//! `mockview transcribe` with the test model (scripts/test-model.sh), and
//! the stored `content` compared with what was said.
//!
//! espeak says some filler spellings so that Whisper hears another word
//! ("uhm" came out "whom", "uhh" "13, two", a lone "ah" vanished), so the
//! answers use the spellings it was measured to hear as fillers: um, umm,
//! ummm, uh, hmm, mmm. A filled pause is matched as a filled pause (espeak's
//! "hmm" is written "um"); a word filler by its phrase.

#![cfg(feature = "transcribe")]

use crate::common::*;
use crate::transcribe::test_model;
use mockview::content::{content, ContentThresholds, Phrases};
use mockview::session::{Answer, AnswerStatus, QuestionRef, Session, SessionStore, Settings};
use mockview::transcript::Word;
use std::collections::BTreeMap;

/// Sounds that fill a pause, whatever the engine writes for them.
const FILLED_PAUSES: [&str; 5] = ["um", "uh", "er", "ah", "hmm"];

struct Said {
    text: &'static str,
    /// Fillers said, by class: "pause" for a filled pause, else the phrase.
    fillers: &'static [(&'static str, u32)],
    hedges: &'static [&'static str],
    negatives: &'static [&'static str],
}

const ANSWERS: [Said; 4] = [
    Said {
        text: "So, um, at my last job I led a small team. We had, umm, a release that kept slipping. \
               I mean, the tests were slow, you know, and, like, nobody trusted them. Hmm, my role was to fix that. \
               Basically, I wrote, uh, a faster test runner, and, umm, I split the suite across four machines. \
               It was, mmm, a lot of work. Ummm, in the end the release took three hours instead of two days.",
        fillers: &[("pause", 7), ("so", 1), ("i mean", 1), ("you know", 1), ("like", 1), ("basically", 1)],
        hedges: &[],
        negatives: &[],
    },
    Said {
        text: "Well, um, I was the only tester. Uh, the build broke every week, you know. \
               So, I set up nightly checks, and, hmm, I asked the developers to fix failures first. \
               Um, literally every morning I sent a report. Umm, I mean, it took a month, \
               but the failures dropped by half.",
        fillers: &[("pause", 5), ("well", 1), ("you know", 1), ("so", 1), ("literally", 1), ("i mean", 1)],
        hedges: &[],
        negatives: &[],
    },
    Said {
        text: "I think my manager never listened to anyone. Maybe I could have pushed harder, I guess. \
               The process was terrible and I hated the meetings. They didn't test anything, \
               and it wasn't my fault when the release failed. Hopefully I probably learned to speak up sooner.",
        fillers: &[],
        hedges: &["i think", "maybe", "i guess", "hopefully", "probably"],
        // Judged by sentence: the cue that made each negative sentence.
        // "The process was terrible" runs down a process, no one.
        negatives: &["never listened", "wasn't my fault"],
    },
    Said {
        text: "At my last job our release process took two days. My role was to make it faster without breaking anything. \
               I decided to measure every step first, and I found that the tests ran one after another. \
               I split them across four machines and I wrote a script that checks each build. \
               As a result the release took three hours instead of two days.",
        fillers: &[],
        hedges: &[],
        negatives: &[],
    },
];

fn class(phrase: &str) -> &str {
    if FILLED_PAUSES.contains(&phrase) {
        "pause"
    } else {
        phrase
    }
}

fn filler_classes(found: &BTreeMap<String, u32>) -> BTreeMap<String, u32> {
    let mut out = BTreeMap::new();
    for (p, n) in found {
        *out.entry(class(p).to_string()).or_insert(0) += n;
    }
    out
}

fn words_of(text: &str) -> Vec<Word> {
    text.split_whitespace()
        .map(|w| Word {
            word: w.to_string(),
            start_seconds: 0.0,
            end_seconds: 0.0,
            probability: 1.0,
        })
        .collect()
}

#[test]
fn content_through_the_engine_finds_fillers_hedges_and_negative_talk() {
    let Some(model) = test_model() else { return };
    let home = tempfile::tempdir().unwrap();
    let root = home.path().join("rec");
    let store = SessionStore::new(&root);
    let dir = store.create("20261126-101503").unwrap();
    let mut s = Session::new(
        dir.id.clone(),
        "2026-11-26T10:15:03Z".parse().unwrap(),
        Settings::default(),
    );
    let phrases = Phrases::builtin();
    for (n, said) in ANSWERS.iter().enumerate() {
        // The lists find on the text exactly what the answer is said to hold.
        let on_text = content(
            &words_of(said.text),
            Some(60.0),
            &phrases,
            &ContentThresholds::default(),
            true,
        );
        let expected: BTreeMap<String, u32> = said
            .fillers
            .iter()
            .map(|(c, k)| (c.to_string(), *k))
            .collect();
        assert_eq!(
            filler_classes(&on_text.fillers.words),
            expected,
            "answer {}",
            n + 1
        );
        let file = format!("0{}-said.wav", n + 1);
        let samples = speech(said.text, 160, 16_000);
        write_wav(&dir.path.join(&file), &samples, 16_000);
        s.answers.push(
            Answer::new(
                n as u32 + 1,
                QuestionRef {
                    id: format!("q{n}"),
                    text: format!("Question {n}"),
                    category: "failure".into(),
                    ..QuestionRef::default()
                },
                AnswerStatus::Recorded,
            )
            .with_take(file, samples.len() as u64, 16_000),
        );
    }
    dir.save(&s).unwrap();
    let out = mockview_in(&root)
        .args(["transcribe", "latest", "--model"])
        .arg(&model)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let log: Session = serde_json::from_slice(&std::fs::read(dir.log_path()).unwrap()).unwrap();

    let (mut said_total, mut found_total, mut matched) = (0, 0, 0);
    for (a, said) in log.answers.iter().zip(&ANSWERS) {
        let t = a.recording.transcript.as_ref().expect("transcribed");
        let c = a
            .recording
            .content
            .as_ref()
            .expect("content stored with the transcript");
        eprintln!(
            "answer {}: {}\n  fillers {:?}\n  hedges {:?}\n  negatives {:?}\n  flags {:?}",
            a.number,
            t.text,
            c.fillers.words,
            c.hedges.iter().map(|h| &h.phrase).collect::<Vec<_>>(),
            c.negatives.iter().map(|h| &h.phrase).collect::<Vec<_>>(),
            c.flags.iter().map(|f| &f.code).collect::<Vec<_>>()
        );
        let found = filler_classes(&c.fillers.words);
        for (class, n) in said.fillers {
            said_total += n;
            matched += n.min(found.get(*class).unwrap_or(&0));
        }
        found_total += found.values().sum::<u32>();
        let hedges: Vec<&str> = c.hedges.iter().map(|h| h.phrase.as_str()).collect();
        for h in said.hedges {
            assert!(
                hedges.contains(h),
                "answer {}: hedge {h:?} not found in {hedges:?}",
                a.number
            );
        }
        let negatives: Vec<&str> = c.negatives.iter().map(|h| h.phrase.as_str()).collect();
        for h in said.negatives {
            assert!(
                negatives.contains(h),
                "answer {}: negative {h:?} not found in {negatives:?}",
                a.number
            );
        }
    }
    let recall = f64::from(matched) / f64::from(said_total);
    let precision = f64::from(matched) / f64::from(found_total.max(1));
    eprintln!("fillers: {said_total} said, {found_total} found, {matched} matched: recall {:.0} %, precision {:.0} %",
        recall * 100.0, precision * 100.0);
    assert!(recall >= 0.8, "filler recall {:.0} %", recall * 100.0);
    assert!(
        precision >= 0.8,
        "filler precision {:.0} %",
        precision * 100.0
    );
    let clean = log.answers[3].recording.content.as_ref().unwrap();
    assert!(
        clean.flags.is_empty(),
        "a clean answer raises no flag: {:?}",
        clean.flags
    );
}
