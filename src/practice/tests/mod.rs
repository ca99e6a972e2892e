//! Unit tests of the practice room without a sound card: every key in every
//! state (prep, recording, follow-up), the limit, a lost device, a signal,
//! a full disk, the spoken question, the input check. Each runs a whole
//! session in-process on the fakes (`fakes.rs`) in milliseconds; the WAVs
//! and the log are real files in a temporary folder, read back as the
//! commands read them. The same flows through real audio are in
//! tests/it/practice_*.rs.

mod fakes;

use super::record::live_message;
use super::world::World;
use super::{check_input, run, Ended, Plan};
use crate::audio::Level;
use crate::content::ContentRules;
use crate::questions::Question;
use crate::session::{AnswerStatus, Session, SessionStatus, SessionStore, Settings};
use crate::ui::Key;
use fakes::{
    Asked, Failure, FakeClock, FakeKeys, FakeMicrophone, FakeScreen, FakeSpeaker, FakeTranscriber,
    Shown, Step, RATE,
};
use std::cell::RefCell;
use std::rc::Rc;

const ENTER: Step = Step::Key(Key::Enter);
const CTRL_C: Step = Step::Key(Key::Interrupt);

fn key(c: char) -> Step {
    Step::Key(Key::Char(c))
}

fn wait(seconds: f64) -> Step {
    Step::Wait(seconds)
}

fn question(id: &str) -> Question {
    Question {
        id: id.into(),
        text: format!("Tell me about {id}."),
        category: "teamwork".into(),
        tips: None,
        follow_ups: vec!["What would you do differently?".into()],
        limit_seconds: None,
        story: true,
    }
}

/// A session to run: its settings, its questions, the keys and what goes
/// wrong.
struct Rig {
    questions: Vec<Question>,
    prep: u32,
    limit: u32,
    follow_ups: bool,
    speak: bool,
    script: Vec<Step>,
    /// A person at a terminal, typing these lines when asked.
    terminal: Option<Vec<&'static str>>,
    /// Every stream fails at this second of its clock.
    failure: Option<(f64, Failure)>,
    speaker_signal: bool,
    speaker_broken: bool,
    transcriber: bool,
}

/// What a run left: how it ended, the log as saved, the screen, the files.
struct Ran {
    result: anyhow::Result<Ended>,
    session: Session,
    shown: Shown,
    files: Vec<String>,
    spoken: Vec<String>,
    asked: Vec<(&'static str, crate::session::RecordingKey, usize)>,
    _tmp: tempfile::TempDir,
}

impl Ran {
    fn error(&self) -> String {
        match &self.result {
            Err(e) => format!("{e:#}"),
            Ok(end) => panic!("expected an error, the session ended {end:?}"),
        }
    }
    /// The run ended so, and the log says the same.
    fn ended(&self, end: Ended) {
        assert_eq!(*self.result.as_ref().unwrap(), end);
        let status = match end {
            Ended::Completed => SessionStatus::Completed,
            Ended::Interrupted => SessionStatus::Interrupted,
        };
        assert_eq!(self.session.status, status);
    }
    /// The first answer's follow-up.
    fn reply(&self) -> &crate::session::FollowUp {
        &self.session.answers[0].follow_ups[0]
    }
    /// The status of the `i`-th answer in the log.
    fn status(&self, i: usize) -> AnswerStatus {
        self.session.answers[i].recording.status
    }
    /// The run ended on a lost device: its one line.
    fn device_lost(&self) -> String {
        let e = self.error();
        assert!(e.contains("the input device fake was lost"), "{e}");
        e
    }
    fn said(&self, text: &str) -> bool {
        self.shown.lines.iter().any(|l| l.contains(text))
    }
    fn said_exactly(&self, text: &str) -> bool {
        self.shown.lines.iter().any(|l| l == text)
    }
    fn warned(&self, text: &str) -> bool {
        self.shown.warnings.iter().any(|l| l.contains(text))
    }
    fn frames_of(&self, file: &str) -> u32 {
        let path = self._tmp.path().join(&self.session.id).join(file);
        hound::WavReader::open(&path)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            .duration()
    }
}

fn rig(script: Vec<Step>) -> Rig {
    Rig {
        questions: vec![question("one")],
        prep: 0,
        limit: 0,
        follow_ups: false,
        speak: false,
        script,
        terminal: None,
        failure: None,
        speaker_signal: false,
        speaker_broken: false,
        transcriber: false,
    }
}

impl Rig {
    fn run(self) -> Ran {
        // In memory where there is a tmpfs: fsyncs (every save of the log) are
        // then free, and each test takes milliseconds.
        let tmp = tempfile::Builder::new().tempdir_in(memory_dir()).unwrap();
        let store = SessionStore::new(tmp.path());
        let dir = store.create("20260101-120000").unwrap();
        let audio = fakes::audio();
        audio.borrow_mut().failure = self.failure.map(|(s, f)| ((s * f64::from(RATE)) as u64, f));
        let mut session = Session::new(dir.id.clone(), jiff::Timestamp::now(), Settings::default());
        session.input = Some(crate::session::InputInfo {
            device_id: "fake".into(),
            device_name: "Fake".into(),
            sample_rate: RATE,
            channels: 1,
            sample_format: "i16".into(),
        });
        dir.save(&session).unwrap();
        let shown = Rc::new(RefCell::new(Shown::default()));
        let spoken = Rc::new(RefCell::new(Vec::new()));
        let asked: Asked = Rc::new(RefCell::new(Vec::new()));
        let mut keys = FakeKeys::new(audio.clone(), self.script);
        if let Some(lines) = self.terminal {
            keys.terminal = true;
            keys.lines = lines.into_iter().map(String::from).collect();
        }
        let world = World {
            microphone: Box::new(FakeMicrophone {
                audio: audio.clone(),
                id: "fake".into(),
                others: vec!["default".into()],
            }),
            keys: Box::new(keys),
            screen: Box::new(FakeScreen(shown.clone())),
            clock: Box::new(FakeClock(audio.clone())),
            speaker: Box::new(FakeSpeaker {
                audio: audio.clone(),
                spoken: spoken.clone(),
                seconds: 3.0,
                signal: self.speaker_signal,
                broken: self.speaker_broken,
            }),
            transcriber: self.transcriber.then(|| {
                Box::new(FakeTranscriber {
                    asked: asked.clone(),
                    pending: Default::default(),
                }) as Box<dyn super::Transcriber>
            }),
        };
        let plan = Plan {
            prep_seconds: self.prep,
            limit_seconds: self.limit,
            speak: self.speak,
            follow_ups: self.follow_ups,
            seed: 0,
            content_rules: ContentRules::default(),
        };
        let result = run(world, &dir, session, plan, &self.questions);
        let mut files: Vec<String> = std::fs::read_dir(&dir.path)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".wav"))
            .collect();
        files.sort();
        let session = dir.load().unwrap();
        let shown = shown.take();
        let spoken = spoken.take();
        let asked = asked.take();
        Ran {
            result,
            session,
            shown,
            files,
            spoken,
            asked,
            _tmp: tmp,
        }
    }
}

/// One question after `prep` seconds of prep, with these keys.
fn after_prep(prep: u32, script: Vec<Step>) -> Ran {
    Rig {
        prep,
        ..rig(script)
    }
    .run()
}

/// Two questions: to see that a quit or a signal ends the session.
fn two() -> Vec<Question> {
    vec![question("one"), question("two")]
}

const FINAL: &str = "01-one.wav";
const TAKE1: &str = "01-one.take1.wav";
const REPLY: &str = "01-one.follow1.wav";

// ---- prep ----

#[test]
fn enter_in_prep_starts_the_take_at_once() {
    let ran = after_prep(5, vec![wait(1.0), ENTER, wait(2.0), ENTER]);
    let a = &ran.session.answers[0];
    assert_eq!(a.recording.status, AnswerStatus::Recorded);
    assert_eq!(a.recording.frames, 2 * u64::from(RATE));
    assert_eq!(ran.frames_of(FINAL), 2 * RATE);
    assert!(ran.said("prepare: 5 s (Enter starts now)"));
}

#[test]
fn the_prep_counts_on_the_audio_clock_then_the_take_begins() {
    let ran = after_prep(2, vec![wait(3.0), ENTER]);
    assert_eq!(ran.session.answers[0].recording.frames, u64::from(RATE));
}

#[test]
fn s_in_prep_skips_and_the_empty_file_goes() {
    let ran = after_prep(5, vec![wait(1.0), key('s')]);
    let a = &ran.session.answers[0];
    assert_eq!(a.recording.status, AnswerStatus::Skipped);
    assert_eq!(a.recording.file, None);
    assert!(a.takes.is_empty());
    assert!(ran.files.is_empty(), "{:?}", ran.files);
    assert!(ran.said_exactly("skipped"));
    ran.ended(Ended::Completed);
}

#[test]
fn ctrl_c_in_prep_interrupts_with_nothing_recorded() {
    let ran = after_prep(5, vec![wait(1.0), CTRL_C]);
    let a = &ran.session.answers[0];
    assert_eq!(a.recording.status, AnswerStatus::Interrupted);
    assert!(ran.files.is_empty());
    ran.ended(Ended::Interrupted);
}

#[test]
fn other_keys_in_prep_are_ignored() {
    let ran = Rig {
        prep: 2,
        ..rig(vec![
            key('r'),
            key('x'),
            Step::Key(Key::Space),
            wait(3.0),
            ENTER,
        ])
    }
    .run();
    assert_eq!(ran.session.answers[0].recording.frames, u64::from(RATE));
    assert!(ran.session.answers[0].takes.len() == 1);
}

#[test]
fn a_device_lost_in_prep_ends_the_session_naming_it() {
    let ran = Rig {
        prep: 3,
        failure: Some((1.0, Failure::Device)),
        ..rig(vec![wait(5.0), ENTER])
    }
    .run();
    let e = ran.device_lost();
    assert!(e.contains("the answers so far are kept in"), "{e}");
    assert_eq!(ran.status(0), AnswerStatus::Interrupted);
    assert_eq!(ran.session.status, SessionStatus::Interrupted);
    assert!(ran.files.is_empty());
}

// ---- recording ----

#[test]
fn enter_stops_and_the_take_is_saved_and_measured() {
    let ran = rig(vec![wait(2.0), ENTER]).run();
    let a = &ran.session.answers[0];
    assert_eq!(a.recording.status, AnswerStatus::Recorded);
    assert_eq!(a.recording.file.as_deref(), Some(FINAL));
    assert_eq!(a.takes, vec![FINAL.to_string()]);
    assert_eq!(a.recording.frames, 2 * u64::from(RATE));
    assert!(a.recording.metrics.is_some(), "the take is analysed");
    assert!(ran.said("saved 01-one.wav (0:02)"));
    assert!(ran.said("Summary"));
    assert!(ran.said("1 answer recorded"));
}

#[test]
fn r_keeps_the_take_and_records_again() {
    let ran = rig(vec![wait(1.0), key('r'), wait(2.0), ENTER]).run();
    let a = &ran.session.answers[0];
    assert_eq!(a.takes, vec![TAKE1.to_string(), FINAL.to_string()]);
    assert_eq!(ran.frames_of(TAKE1), RATE);
    assert_eq!(ran.frames_of(FINAL), 2 * RATE);
    assert_eq!(a.recording.frames, 2 * u64::from(RATE));
    assert!(ran.said("take 1 kept as 01-one.take1.wav; recording again"));
}

#[test]
fn s_while_recording_skips_and_keeps_the_recording() {
    let ran = rig(vec![wait(1.0), key('s')]).run();
    let a = &ran.session.answers[0];
    assert_eq!(a.recording.status, AnswerStatus::Skipped);
    assert_eq!(a.recording.file, None);
    assert_eq!(a.takes, vec![TAKE1.to_string()]);
    assert_eq!(ran.files, vec![TAKE1.to_string()]);
    assert!(ran.said("skipped (the recording is kept as 01-one.take1.wav)"));
}

#[test]
fn ctrl_c_while_recording_keeps_the_take_and_interrupts() {
    let ran = rig(vec![wait(1.5), CTRL_C]).run();
    let a = &ran.session.answers[0];
    assert_eq!(a.recording.status, AnswerStatus::Interrupted);
    assert_eq!(a.recording.frames, 12_000);
    assert_eq!(ran.frames_of(FINAL), 12_000);
    assert!(ran.said("saved 01-one.wav (0:02) · interrupted"));
    ran.ended(Ended::Interrupted);
}

#[test]
fn a_signal_while_recording_is_ctrl_c() {
    let ran = Rig {
        questions: two(),
        ..rig(vec![wait(1.0), Step::Signal])
    }
    .run();
    assert_eq!(ran.session.answers.len(), 1, "no question after a signal");
    assert_eq!(ran.session.answers[0].recording.frames, u64::from(RATE));
    ran.ended(Ended::Interrupted);
}

#[test]
fn other_keys_while_recording_are_ignored() {
    let ran = rig(vec![
        wait(1.0),
        key('x'),
        Step::Key(Key::Left),
        wait(1.0),
        ENTER,
    ])
    .run();
    assert_eq!(ran.session.answers[0].recording.frames, 2 * u64::from(RATE));
}

#[test]
fn the_limit_stops_the_take_at_its_frame() {
    let ran = Rig {
        limit: 3,
        ..rig(vec![])
    }
    .run();
    let a = &ran.session.answers[0];
    assert_eq!(a.recording.status, AnswerStatus::Recorded);
    assert_eq!(a.recording.frames, 3 * u64::from(RATE));
    assert_eq!(ran.frames_of(FINAL), 3 * RATE);
    assert!(ran.said("recording, limit 3 s (Enter stops)"));
    assert!(ran.said("saved 01-one.wav (0:03) · time limit reached"));
}

#[test]
fn a_questions_own_limit_applies_when_shorter() {
    let mut q = question("one");
    q.limit_seconds = Some(2);
    let ran = Rig {
        limit: 5,
        questions: vec![q.clone()],
        ..rig(vec![])
    }
    .run();
    assert_eq!(ran.session.answers[0].recording.frames, 2 * u64::from(RATE));
    // With no session limit, the question's own still applies.
    let ran = Rig {
        questions: vec![q],
        ..rig(vec![])
    }
    .run();
    assert_eq!(ran.session.answers[0].recording.frames, 2 * u64::from(RATE));
}

#[test]
fn at_the_end_of_input_without_a_limit_the_take_stops_at_once() {
    let ran = rig(vec![]).run();
    let a = &ran.session.answers[0];
    assert_eq!(a.recording.status, AnswerStatus::Recorded);
    assert!(
        a.recording.frames <= u64::from(RATE) / 10,
        "{}",
        a.recording.frames
    );
}

#[test]
fn a_device_lost_mid_take_keeps_the_part_and_names_it() {
    let ran = Rig {
        failure: Some((1.5, Failure::Device)),
        ..rig(vec![wait(5.0), ENTER])
    }
    .run();
    let e = ran.device_lost();
    assert!(e.contains("unplugged"), "the device's own cause: {e}");
    assert!(e.contains("0:02 of answer 1 is kept in"), "{e}");
    let a = &ran.session.answers[0];
    assert_eq!(a.recording.status, AnswerStatus::Interrupted);
    assert_eq!(a.recording.frames, 12_000);
    assert_eq!(ran.frames_of(FINAL), 12_000);
    assert_eq!(ran.session.status, SessionStatus::Interrupted);
    assert!(ran.said("· recording stopped"));
}

#[test]
fn on_a_terminal_a_lost_device_is_replaced_and_the_answer_recorded_again() {
    let ran = Rig {
        failure: Some((1.6, Failure::Device)),
        terminal: Some(vec!["nope", ""]),
        ..rig(vec![wait(2.0), wait(1.0), ENTER])
    }
    .run();
    ran.ended(Ended::Completed);
    assert!(
        ran.warned("no input device matches `nope`"),
        "{:?}",
        ran.shown.warnings
    );
    assert!(ran.warned("the input device fake was lost"));
    let a = &ran.session.answers[0];
    assert_eq!(a.takes, vec![TAKE1.to_string(), FINAL.to_string()]);
    assert_eq!(ran.frames_of(TAKE1), 12_800);
    assert_eq!(a.recording.status, AnswerStatus::Recorded);
    assert_eq!(a.recording.frames, 11_200, "0.4 s + 1 s on the new device");
    let input = ran.session.input.as_ref().unwrap();
    assert_eq!(input.device_id, "default", "the log names the new device");
    assert!(ran.said("take 1 kept as 01-one.take1.wav; recording again from default"));
}

#[test]
fn on_a_terminal_q_after_a_lost_device_ends_the_session() {
    let ran = Rig {
        failure: Some((1.0, Failure::Device)),
        terminal: Some(vec!["q"]),
        ..rig(vec![wait(3.0)])
    }
    .run();
    assert!(ran.error().contains("of answer 1 is kept in"));
    assert_eq!(ran.session.answers[0].takes, vec![FINAL.to_string()]);
}

#[test]
fn a_full_disk_stops_with_earlier_answers_intact() {
    let ran = Rig {
        questions: two(),
        failure: Some((1.0, Failure::Disk)),
        ..rig(vec![wait(0.5), ENTER, wait(3.0), ENTER])
    }
    .run();
    let e = ran.error();
    assert!(e.contains("recording stopped: cannot write"), "{e}");
    assert!(e.contains("No space left on device"), "{e}");
    assert!(e.contains("0:01 of answer 2 kept"), "{e}");
    assert!(
        e.contains("earlier answers and the log are intact in"),
        "{e}"
    );
    let [one, two] = &ran.session.answers[..] else {
        panic!("two answers")
    };
    assert_eq!(one.recording.status, AnswerStatus::Recorded);
    assert_eq!(two.recording.status, AnswerStatus::Interrupted);
    assert_eq!(two.recording.frames, u64::from(RATE));
    assert_eq!(ran.session.status, SessionStatus::Interrupted);
}

// ---- follow-ups ----

fn with_follow_up(script: Vec<Step>) -> Rig {
    Rig {
        follow_ups: true,
        prep: 4,
        limit: 10,
        ..rig(script)
    }
}

#[test]
fn a_follow_up_is_a_take_with_its_own_file_and_half_the_prep() {
    // Answer: 4 s prep, 1 s; reply: 2 s prep, then 1 s.
    let ran = with_follow_up(vec![wait(5.0), ENTER, wait(3.0), ENTER]).run();
    assert!(ran.said("Follow-up to question 1"));
    assert!(ran.said("prepare: 2 s (Enter starts now)"));
    let a = &ran.session.answers[0];
    let reply = &a.follow_ups[0];
    assert_eq!(reply.text, "What would you do differently?");
    assert_eq!(reply.recording.status, AnswerStatus::Recorded);
    assert_eq!(reply.recording.file.as_deref(), Some(REPLY));
    assert_eq!(reply.recording.frames, u64::from(RATE));
    assert!(
        reply.recording.metrics.is_some(),
        "a reply is measured like an answer"
    );
    assert_eq!(ran.files, vec![REPLY.to_string(), FINAL.to_string()]);
}

#[test]
fn a_follow_up_has_half_the_limit() {
    let ran = with_follow_up(vec![wait(5.0), ENTER]).run();
    let reply = ran.reply();
    assert_eq!(reply.recording.frames, 5 * u64::from(RATE));
    assert!(ran.said("saved 01-one.follow1.wav (0:05) · time limit reached"));
}

#[test]
fn enter_in_a_follow_ups_prep_starts_the_reply_and_other_keys_do_nothing() {
    let keys = vec![
        wait(5.0),
        ENTER,
        wait(0.5),
        key('x'),
        ENTER,
        wait(1.0),
        key('x'),
        ENTER,
    ];
    let ran = with_follow_up(keys).run();
    let reply = ran.reply();
    assert_eq!(reply.recording.status, AnswerStatus::Recorded);
    assert_eq!(
        reply.recording.frames,
        u64::from(RATE),
        "1 s, not 2 s of prep"
    );
}

#[test]
fn s_in_a_follow_ups_prep_skips_it() {
    let ran = with_follow_up(vec![wait(5.0), ENTER, wait(1.0), key('s')]).run();
    let reply = ran.reply();
    assert_eq!(reply.recording.status, AnswerStatus::Skipped);
    assert_eq!(reply.recording.file, None);
    assert_eq!(ran.files, vec![FINAL.to_string()]);
    assert!(ran.said_exactly("follow-up skipped"));
    assert_eq!(ran.status(0), AnswerStatus::Recorded);
}

#[test]
fn ctrl_c_in_a_follow_ups_prep_interrupts() {
    let ran = with_follow_up(vec![wait(5.0), ENTER, wait(1.0), CTRL_C]).run();
    let reply = ran.reply();
    assert_eq!(reply.recording.status, AnswerStatus::Interrupted);
    ran.ended(Ended::Interrupted);
}

#[test]
fn s_while_replying_skips_the_follow_up_and_keeps_the_reply() {
    let ran = with_follow_up(vec![wait(5.0), ENTER, wait(3.0), key('s')]).run();
    let reply = ran.reply();
    assert_eq!(reply.recording.status, AnswerStatus::Skipped);
    assert_eq!(ran.frames_of(REPLY), RATE);
    assert!(ran.said("follow-up skipped (the recording is kept as 01-one.follow1.wav)"));
}

#[test]
fn r_while_replying_ends_the_reply_without_a_retake() {
    let ran = with_follow_up(vec![wait(5.0), ENTER, wait(3.0), key('r')]).run();
    let a = &ran.session.answers[0];
    assert_eq!(a.follow_ups[0].recording.status, AnswerStatus::Recorded);
    assert_eq!(a.follow_ups[0].recording.frames, u64::from(RATE));
    assert_eq!(ran.files, vec![REPLY.to_string(), FINAL.to_string()]);
    assert!(!ran.said("recording again"));
}

#[test]
fn ctrl_c_while_replying_keeps_the_answer_and_the_reply() {
    let ran = with_follow_up(vec![wait(5.0), ENTER, wait(3.0), CTRL_C]).run();
    let a = &ran.session.answers[0];
    assert_eq!(a.recording.status, AnswerStatus::Recorded);
    assert_eq!(a.follow_ups[0].recording.status, AnswerStatus::Interrupted);
    assert_eq!(a.follow_ups[0].recording.frames, u64::from(RATE));
    ran.ended(Ended::Interrupted);
}

#[test]
fn a_device_lost_while_replying_names_the_reply_and_asks_nothing() {
    // The stream fails at 8 s: 1 s into the reply (4 s prep + 1 s, then 2 s prep).
    let ran = Rig {
        failure: Some((8.0, Failure::Device)),
        terminal: Some(vec![""]),
        ..with_follow_up(vec![wait(5.0), ENTER, wait(10.0)])
    }
    .run();
    let e = ran.error();
    assert!(e.contains("of the follow-up to answer 1 is kept in"), "{e}");
    let reply = ran.reply();
    assert_eq!(reply.recording.status, AnswerStatus::Interrupted);
    assert_eq!(ran.frames_of(REPLY), RATE);
}

#[test]
fn no_follow_up_after_a_skipped_answer_or_without_the_setting() {
    let ran = with_follow_up(vec![wait(5.0), key('s')]).run();
    assert!(ran.session.answers[0].follow_ups.is_empty());
    let ran = Rig {
        follow_ups: false,
        ..with_follow_up(vec![wait(5.0), ENTER])
    }
    .run();
    assert!(ran.session.answers[0].follow_ups.is_empty());
    assert!(!ran.said("Follow-up"));
}

#[test]
fn q_ends_the_session_completed_in_every_state() {
    // (state, keys, prep, the first answer's status, the reply's if any)
    let cases = [
        (
            "prep",
            vec![wait(1.0), key('q')],
            5,
            AnswerStatus::Skipped,
            None,
        ),
        (
            "recording",
            vec![wait(1.0), key('q')],
            0,
            AnswerStatus::Recorded,
            None,
        ),
        (
            "follow-up prep",
            vec![wait(5.0), ENTER, wait(1.0), key('q')],
            4,
            AnswerStatus::Recorded,
            Some(AnswerStatus::Skipped),
        ),
        (
            "reply",
            vec![wait(5.0), ENTER, wait(3.0), key('q')],
            4,
            AnswerStatus::Recorded,
            Some(AnswerStatus::Recorded),
        ),
    ];
    for (state, keys, prep, answer, reply) in cases {
        let ran = Rig {
            questions: two(),
            prep,
            follow_ups: true,
            limit: 10,
            ..rig(keys)
        }
        .run();
        assert_eq!(
            ran.session.answers.len(),
            1,
            "q in {state}: no more questions"
        );
        assert_eq!(ran.status(0), answer, "q in {state}");
        let replied = ran.session.answers[0].follow_ups.first();
        assert_eq!(replied.map(|f| f.recording.status), reply, "q in {state}");
        assert!(!ran.said_exactly("skipped"), "q in {state} is not a skip");
        assert!(!ran.said_exactly("follow-up skipped"), "q in {state}");
        ran.ended(Ended::Completed);
    }
}

// ---- the spoken question ----

#[test]
fn a_spoken_question_is_heard_before_the_input_opens() {
    let ran = Rig {
        speak: true,
        follow_ups: true,
        prep: 2,
        ..rig(vec![wait(3.0), ENTER, wait(2.0), ENTER])
    }
    .run();
    assert_eq!(
        ran.spoken,
        vec![
            "Tell me about one.".to_string(),
            "What would you do differently?".to_string()
        ]
    );
    let a = &ran.session.answers[0];
    // The 3 s of speech are not part of the prep or the answer.
    assert_eq!(a.recording.frames, u64::from(RATE));
    // The reply is armed from the moment the follow-up's voice ended: 1 s
    // of prep, then 1 s.
    assert_eq!(a.follow_ups[0].recording.frames, u64::from(RATE));
}

#[test]
fn a_signal_during_the_spoken_question_records_nothing() {
    let ran = Rig {
        speak: true,
        speaker_signal: true,
        ..rig(vec![wait(2.0), ENTER])
    }
    .run();
    ran.ended(Ended::Interrupted);
    let a = &ran.session.answers[0];
    assert_eq!(a.recording.status, AnswerStatus::Interrupted);
    assert!(ran.files.is_empty());
}

#[test]
fn without_a_voice_the_session_warns_once_and_goes_on() {
    let ran = Rig {
        speak: true,
        speaker_broken: true,
        questions: two(),
        ..rig(vec![wait(1.0), ENTER, wait(1.0), ENTER])
    }
    .run();
    let warnings = ran.shown.warnings.iter();
    assert_eq!(warnings.filter(|w| w.contains("cannot speak")).count(), 1);
    assert_eq!(ran.session.answered().0, 2);
}

// ---- the transcriber ----

#[test]
fn a_long_take_grows_its_transcript_and_a_broken_model_warns_once() {
    let ran = Rig {
        transcriber: true,
        questions: vec![question("one"), question("two"), question("three")],
        // A skip is not analysed: the test stays fast.
        ..rig(vec![
            wait(25.0),
            key('s'),
            wait(1.0),
            ENTER,
            wait(1.0),
            ENTER,
        ])
    }
    .run();
    let grows: Vec<_> = ran.asked.iter().filter(|(w, ..)| *w == "grow").collect();
    assert_eq!(grows.len(), 2, "at 10 s and 20 s: {:?}", ran.asked);
    assert_eq!(grows[0].1, crate::session::RecordingKey::answer(1));
    let finished: Vec<_> = ran.asked.iter().filter(|(w, ..)| *w == "finish").collect();
    assert_eq!(finished.len(), 2);
    let broken = ran.shown.warnings.iter();
    assert_eq!(
        broken.filter(|w| w.contains("the model is broken")).count(),
        1
    );
}

// ---- the input check ----

#[test]
fn the_input_check_gives_the_format_or_the_cause() {
    let audio = fakes::audio();
    let shown = Rc::new(RefCell::new(Shown::default()));
    let mut mic = FakeMicrophone {
        audio: audio.clone(),
        id: "fake".into(),
        others: vec![],
    };
    let keys = FakeKeys::new(audio.clone(), vec![]);
    let (screen, clock) = (FakeScreen(shown), FakeClock(audio.clone()));
    let format = check_input(&mut mic, &keys, &screen, &clock).unwrap();
    assert_eq!(format.map(|f| f.sample_rate), Some(RATE));
    audio.borrow_mut().silent_device = true;
    let e = check_input(&mut mic, &keys, &screen, &clock).unwrap_err();
    assert!(e.to_string().contains("gave no audio"), "{e}");
    // A stop signal while the device starts: nothing more to check.
    audio.borrow_mut().silent_device = false;
    audio.borrow_mut().interrupted = true;
    let stopped = check_input(&mut mic, &keys, &screen, &clock).unwrap();
    assert_eq!(stopped, None);
    assert_eq!(audio.borrow().opened, 3);
}

// ---- the live line ----

fn level(peak: f32, rms: f32, clipped: u64) -> Level {
    Level {
        peak,
        rms,
        clipped,
        take_peak: peak,
    }
}

#[test]
fn the_live_line_warns_of_clipping() {
    let mut quiet = None;
    let line = live_message(level(0.995, 0.3, 0), 0, RATE, None, None, &mut quiet);
    assert!(line.contains("CLIPPING"), "{line}");
    let line = live_message(level(0.5, 0.1, 3), 0, RATE, None, None, &mut quiet);
    assert!(line.contains("CLIPPING"), "counted clipping: {line}");
    let line = live_message(level(0.5, 0.1, 0), 0, RATE, None, None, &mut quiet);
    assert!(!line.contains("CLIPPING"), "{line}");
}

#[test]
fn the_live_line_says_too_quiet_after_three_quiet_seconds() {
    let mut quiet = None;
    let r = u64::from(RATE);
    let hushed = level(0.002, 0.001, 0);
    assert!(!live_message(hushed, 0, RATE, None, None, &mut quiet).contains("too quiet"));
    assert!(!live_message(hushed, 3 * r, RATE, None, None, &mut quiet).contains("too quiet"));
    assert!(live_message(hushed, 3 * r + 1, RATE, None, None, &mut quiet).contains("too quiet"));
    // Speech resets it.
    live_message(level(0.3, 0.1, 0), 4 * r, RATE, None, None, &mut quiet);
    assert!(!live_message(hushed, 5 * r, RATE, None, None, &mut quiet).contains("too quiet"));
    // A muted input says so instead.
    let muted = Some("no sound from fake: is the microphone muted?".to_string());
    let line = live_message(hushed, 20 * r, RATE, None, muted, &mut quiet);
    assert!(
        line.contains("muted") && !line.contains("too quiet"),
        "{line}"
    );
}

#[test]
fn the_live_line_counts_the_last_seconds_of_the_limit() {
    let mut quiet = None;
    let r = u64::from(RATE);
    let limit = Some(120 * r);
    let loud = level(0.3, 0.1, 0);
    assert!(!live_message(loud, 80 * r, RATE, limit, None, &mut quiet).contains("left"));
    let line = live_message(loud, 100 * r + r / 2, RATE, limit, None, &mut quiet);
    assert!(line.contains("  20 s left"), "{line}");
}

/// A folder in memory (`/dev/shm`) when there is one, else the temp folder.
fn memory_dir() -> std::path::PathBuf {
    let shm = std::path::Path::new("/dev/shm");
    if shm.is_dir() {
        shm.to_path_buf()
    } else {
        std::env::temp_dir()
    }
}
