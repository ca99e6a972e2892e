//! The types of `session.json`, version 1 (documented in docs/session-format.md).
//!
//! Readers accept unknown fields (serde's default), so a log written by a
//! later minor change still loads; a higher `version` is refused by the store.

use crate::analysis::Metrics;
use crate::content::{Content, ContentRules};
use crate::transcript::Transcript;
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The value of the `format` field: tells a session log from any other JSON.
pub const FORMAT_NAME: &str = "mockview-session";
/// The version of the document this program writes and the newest it reads.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Session {
    pub format: String,
    pub version: u32,
    pub id: String,
    pub started_at: Timestamp,
    #[serde(default)]
    pub ended_at: Option<Timestamp>,
    pub status: SessionStatus,
    #[serde(default)]
    pub input: Option<InputInfo>,
    /// A session made by `mockview import FILE --question ID`: the
    /// recording made elsewhere that became its answer (issue 18). Absent
    /// for sessions recorded here.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub imported_from: Option<ImportedFrom>,
    pub settings: Settings,
    #[serde(default)]
    pub answers: Vec<Answer>,
}

/// Where an imported recording came from, and what it was before it was
/// converted to the session's WAV (mono 16-bit at the file's own rate).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ImportedFrom {
    /// The file's name, without its folders (they say nothing about the
    /// answer and may say more than needed about the person).
    pub file: String,
    /// The container: `MP4/M4A`, `Ogg`, `MP3`, `FLAC`, `WAV`...
    pub container: String,
    /// The codec: `AAC`, `Opus`, `Vorbis`, `MP3`, `FLAC`, `PCM`...
    pub codec: String,
    pub channels: u16,
    pub sample_rate: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SessionStatus {
    InProgress,
    Completed,
    Interrupted,
}

impl SessionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionStatus::InProgress => "in_progress",
            SessionStatus::Completed => "completed",
            SessionStatus::Interrupted => "interrupted",
        }
    }
}

/// The input stream as it was opened (not as it was asked for).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InputInfo {
    pub device_id: String,
    pub device_name: String,
    pub sample_rate: u32,
    pub channels: u16,
    /// As cpal names it: `i16`, `f32`, `u8`, ...
    pub sample_format: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Settings {
    pub count: usize,
    pub prep_seconds: u32,
    /// 0 means no limit.
    pub limit_seconds: u32,
    #[serde(default)]
    pub banks: Vec<String>,
    #[serde(default)]
    pub categories: Vec<String>,
    pub order: String,
    pub seed: u64,
    #[serde(default)]
    pub speak: bool,
    /// `--follow-ups`: a follow-up question was asked after each recorded
    /// answer whose question has some.
    #[serde(default)]
    pub follow_ups: bool,
}

/// One practice run's settings with the values a plain `mockview practice`
/// would not change: one question, no prep, no limit, listed order. Tests and
/// callers name only what differs (`Settings { count: 3, ..Settings::default() }`),
/// so a new field is added here once.
impl Default for Settings {
    fn default() -> Self {
        Settings {
            count: 1,
            prep_seconds: 0,
            limit_seconds: 0,
            banks: Vec::new(),
            categories: Vec::new(),
            order: "listed".into(),
            seed: 0,
            speak: false,
            follow_ups: false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuestionRef {
    pub id: String,
    pub text: String,
    pub category: String,
    /// The question asked for a story, so the STAR feedback applies to the
    /// answer (`questions::Question::story`). Logs written before it read
    /// as `true`, as they were analysed.
    #[serde(default = "yes")]
    pub story: bool,
}

impl Default for QuestionRef {
    fn default() -> Self {
        QuestionRef {
            id: String::new(),
            text: String::new(),
            category: String::new(),
            story: true,
        }
    }
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnswerStatus {
    Recorded,
    Skipped,
    Interrupted,
}

impl AnswerStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AnswerStatus::Recorded => "recorded",
            AnswerStatus::Skipped => "skipped",
            AnswerStatus::Interrupted => "interrupted",
        }
    }
}

/// One recording as the log lists it: an answer's final take, or the reply
/// to a follow-up. Flattened into [`Answer`] and [`FollowUp`], so its fields
/// sit directly in each (the file format does not nest them), and one type
/// holds the rules both share: what "recorded" means, how a take begins,
/// ends and is cancelled (`session/take.rs`), and how its content is derived.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recording {
    pub status: AnswerStatus,
    /// The file, relative to the session folder; `None` when skipped
    /// before anything was recorded.
    #[serde(default)]
    pub file: Option<String>,
    #[serde(default)]
    pub duration_seconds: f64,
    #[serde(default)]
    pub frames: u64,
    #[serde(default)]
    pub sample_rate: u32,
    #[serde(default)]
    pub dropped_frames: u64,
    /// Overruns the device reported while recording: it lost audio before
    /// mockview received it (how much, it does not say). 0 normally.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub overruns: u64,
    /// Delivery metrics of the recording (see docs/metrics.md), computed
    /// when it is saved. Stored as `analysis::Metrics` itself: its field
    /// names (and `Pause`'s, `Flag`'s) are part of this file format, so
    /// renaming one is a format change (docs/session-format.md). Typed, so
    /// that every reader (show, stats, report) agrees on the fields; read
    /// leniently: missing fields take their defaults, and a value that is
    /// not metrics at all reads as `None` (to be recomputed from the WAV)
    /// instead of making the whole log unreadable.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    pub metrics: Option<Metrics>,
    /// What the recording says, with word times (`mockview transcribe`,
    /// or in the background during practice); absent until transcribed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transcript: Option<Transcript>,
    /// Content feedback computed from the transcript (docs/metrics.md),
    /// stored with it. Read leniently like `metrics`: it can always be
    /// recomputed from the transcript with `mockview analyze --save`.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient"
    )]
    pub content: Option<Content>,
}

impl Recording {
    /// Nothing on file yet, nothing measured.
    pub fn new(status: AnswerStatus) -> Recording {
        Recording {
            status,
            file: None,
            duration_seconds: 0.0,
            frames: 0,
            sample_rate: 0,
            dropped_frames: 0,
            overruns: 0,
            metrics: None,
            transcript: None,
            content: None,
        }
    }

    /// Completed, with its file on file. What sessions count, review
    /// scores, progress tracks and practice calls practised; an interrupted
    /// or skipped recording is none of these.
    pub fn is_recorded(&self) -> bool {
        self.status == AnswerStatus::Recorded && self.file.is_some()
    }

    /// The transcript's words, with their times; none until transcribed.
    pub fn words(&self) -> &[crate::transcript::Word] {
        self.transcript.as_ref().map_or(&[], |t| &t.words)
    }

    /// Store a finished transcript, and what is computed from its words.
    /// The one way a transcript enters the log, so every command that
    /// transcribes stores the same thing.
    pub fn set_transcript(&mut self, transcript: Transcript, rules: &ContentRules, story: bool) {
        self.transcript = Some(transcript);
        self.update_content(rules, story);
    }

    /// This state of the recording is being saved over `earlier`: if it is
    /// the same file and has no transcript of its own, it keeps the one
    /// already delivered for it (the worker may finish between a copy
    /// being taken and saved).
    pub fn keep_transcript_of(&mut self, earlier: &Recording) {
        if self.transcript.is_none() && self.file.is_some() && self.file == earlier.file {
            self.transcript = earlier.transcript.clone();
            self.content = earlier.content.clone();
        }
    }

    /// Recomputes `content` from the transcript, over the delivery
    /// metrics' speaking time when there are metrics; `None` without a
    /// transcript. `story`: the STAR feedback applies
    /// ([`Answer::asks_story`]).
    /// The words also give the delivery metrics the answer's one pace and
    /// its statement ends for uptalk (issue 18), under the default limits.
    pub fn update_content(&mut self, rules: &ContentRules, story: bool) {
        self.update_content_under(rules, story, &crate::analysis::FlagThresholds::default());
    }

    /// [`Recording::update_content`], with the delivery flags the
    /// transcript changes (pace, uptalk) raised under `thresholds`.
    pub fn update_content_under(
        &mut self,
        rules: &ContentRules,
        story: bool,
        thresholds: &crate::analysis::FlagThresholds,
    ) {
        let speaking = self.metrics.as_ref().map(|m| m.speaking_seconds);
        self.content = self
            .transcript
            .as_ref()
            .map(|t| rules.apply(&t.words, speaking, story));
        if let Some(m) = &mut self.metrics {
            Self::apply_words(
                m,
                self.transcript.as_ref(),
                self.content.as_ref(),
                thresholds,
            );
        }
    }

    /// `metrics` measured afresh from this recording's audio (an older log
    /// without stored metrics), with what its stored transcript changes:
    /// the one pace and the statement ends, as [`Recording::update_content`]
    /// gives the stored ones. Without a transcript, the metrics as they are.
    pub fn with_transcript(
        &self,
        mut metrics: Metrics,
        thresholds: &crate::analysis::FlagThresholds,
    ) -> Metrics {
        Self::apply_words(
            &mut metrics,
            self.transcript.as_ref(),
            self.content.as_ref(),
            thresholds,
        );
        metrics
    }

    fn apply_words(
        metrics: &mut Metrics,
        transcript: Option<&Transcript>,
        content: Option<&Content>,
        thresholds: &crate::analysis::FlagThresholds,
    ) {
        if let (Some(t), Some(c)) = (transcript, content) {
            metrics.apply_transcript(c.word_count as usize, &t.statement_ends(), thresholds);
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub number: u32,
    pub question: QuestionRef,
    /// The final take (`file`) and what was measured of it; `status` is
    /// the answer's.
    #[serde(flatten)]
    pub recording: Recording,
    /// Every take's file, final last.
    #[serde(default)]
    pub takes: Vec<String>,
    #[serde(default)]
    pub reviews: Vec<Review>,
    /// The follow-up questions asked after this answer (`practice
    /// --follow-ups`), each with its own recording and metrics; part of the
    /// same answer. Absent when none was asked.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub follow_ups: Vec<FollowUp>,
}

/// A follow-up question asked after an answer, and the spoken reply to it:
/// its own file (`NN-slug.follow1.wav`, see [`super::TakeName`]) and metrics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FollowUp {
    /// 1 for the first follow-up of the answer.
    pub number: u32,
    /// The follow-up question as asked.
    pub text: String,
    #[serde(flatten)]
    pub recording: Recording,
}

/// Which recording of a session: an answer's final take, or the reply to
/// one of its follow-ups. What transcription jobs are named by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct RecordingKey {
    /// The answer's `number`.
    pub answer: u32,
    /// The follow-up's `number`; `None` for the answer's own take.
    pub follow_up: Option<u32>,
}

impl RecordingKey {
    /// Answer `number`'s own take.
    pub fn answer(number: u32) -> RecordingKey {
        RecordingKey {
            answer: number,
            follow_up: None,
        }
    }
}

impl std::fmt::Display for RecordingKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.follow_up {
            None => write!(f, "answer {}", self.answer),
            Some(k) => write!(f, "follow-up {k} of answer {}", self.answer),
        }
    }
}

impl FollowUp {
    /// A recorded follow-up: its reply is on file.
    pub fn is_recorded(&self) -> bool {
        self.recording.is_recorded()
    }
}

impl Answer {
    /// An answer to `question` with no take on file yet: nothing measured,
    /// nothing reviewed. The one place that lists every field, so a new
    /// field is added here and not at each site that makes an answer.
    pub fn new(number: u32, question: QuestionRef, status: AnswerStatus) -> Answer {
        Answer {
            number,
            question,
            recording: Recording::new(status),
            takes: Vec::new(),
            reviews: Vec::new(),
            follow_ups: Vec::new(),
        }
    }

    /// The same answer with `file` as its final (and only) take of `frames`
    /// frames at `sample_rate`.
    pub fn with_take(mut self, file: impl Into<String>, frames: u64, sample_rate: u32) -> Answer {
        let file = file.into();
        self.takes = vec![file.clone()];
        let r = &mut self.recording;
        r.file = Some(file);
        r.frames = frames;
        r.sample_rate = sample_rate;
        r.duration_seconds = frames as f64 / f64::from(sample_rate.max(1));
        self
    }

    /// Every recording of this answer the log lists: its takes, its final
    /// take, its follow-ups' replies (a name may come twice). What export,
    /// import and repair take as the answer's files.
    pub fn files(&self) -> impl Iterator<Item = &String> {
        let follow_ups = self
            .follow_ups
            .iter()
            .filter_map(|f| f.recording.file.as_ref());
        self.takes
            .iter()
            .chain(self.recording.file.iter())
            .chain(follow_ups)
    }

    /// The answer's final take and its follow-ups' replies, with their keys.
    pub fn recordings(&self) -> impl Iterator<Item = (RecordingKey, &Recording)> {
        let answer = self.number;
        let replies = self.follow_ups.iter().map(move |f| {
            let key = RecordingKey {
                answer,
                follow_up: Some(f.number),
            };
            (key, &f.recording)
        });
        std::iter::once((RecordingKey::answer(answer), &self.recording)).chain(replies)
    }

    /// Whether the STAR feedback applies to the answer's own take (`None`:
    /// when its question asks for a story) or to the reply to follow-up `k`
    /// (never: a reply adds to the story, it does not tell one).
    pub fn asks_story(&self, follow_up: Option<u32>) -> bool {
        follow_up.is_none() && self.question.story
    }

    /// The answer's own take (`None`), or the reply to follow-up `k`.
    pub fn recording_mut(&mut self, follow_up: Option<u32>) -> Option<&mut Recording> {
        match follow_up {
            None => Some(&mut self.recording),
            Some(k) => self
                .follow_ups
                .iter_mut()
                .find(|f| f.number == k)
                .map(|f| &mut f.recording),
        }
    }

    /// A recorded answer: completed, with its final take on file (see
    /// [`Recording::is_recorded`]).
    pub fn is_recorded(&self) -> bool {
        self.recording.is_recorded()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Review {
    pub reviewer: String,
    pub at: Timestamp,
    /// criterion -> score 1..=5
    #[serde(default)]
    pub scores: BTreeMap<String, u8>,
    #[serde(default)]
    pub notes: String,
    /// The candidate's own yes/no answers (`review --self`); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_check: Option<SelfCheck>,
    /// Comments pinned to moments of the answer's recordings (a review
    /// saved from the shared page, issue 20), in time order; absent when
    /// there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub comments: Vec<Comment>,
}

/// A comment pinned to a moment of a recording: "here you lost me" at 12.5 s.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Comment {
    /// Seconds from the start of the recording, within its duration.
    pub seconds: f64,
    /// The follow-up whose reply it is on; absent: the answer's final take.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub follow_up: Option<u32>,
    pub text: String,
}

impl Review {
    /// The comments on one recording of the answer (`None`: its final take,
    /// `Some(k)`: the reply to follow-up `k`).
    pub fn comments_on(&self, follow_up: Option<u32>) -> impl Iterator<Item = &Comment> {
        self.comments
            .iter()
            .filter(move |c| c.follow_up == follow_up)
    }
}

/// The self-check of a candidate reviewing themselves (see
/// `session::SELF_CHECK`); a question left unanswered is absent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct SelfCheck {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub positive_engaged: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detailed_with_result: Option<bool>,
}

impl SelfCheck {
    pub fn is_empty(&self) -> bool {
        self.positive_engaged.is_none() && self.detailed_with_result.is_none()
    }

    /// Set an answer by its key in `SELF_CHECK`.
    pub fn set(&mut self, key: &str, value: bool) {
        match key {
            "positive_engaged" => self.positive_engaged = Some(value),
            "detailed_with_result" => self.detailed_with_result = Some(value),
            _ => {}
        }
    }
}

/// A recomputable field: a value of the wrong shape reads as absent.
fn lenient<'de, D: serde::Deserializer<'de>, T: serde::de::DeserializeOwned>(
    d: D,
) -> Result<Option<T>, D::Error> {
    let value = serde_json::Value::deserialize(d)?;
    Ok(serde_json::from_value(value).ok())
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Session {
    pub fn new(id: String, started_at: Timestamp, settings: Settings) -> Self {
        Session {
            format: FORMAT_NAME.to_string(),
            version: FORMAT_VERSION,
            id,
            started_at,
            ended_at: None,
            status: SessionStatus::InProgress,
            input: None,
            imported_from: None,
            settings,
            answers: Vec::new(),
        }
    }

    /// Recorded answers, and the seconds of audio they hold.
    pub fn answered(&self) -> (usize, f64) {
        self.answers
            .iter()
            .filter(|a| a.is_recorded())
            .fold((0, 0.0), |(n, s), a| {
                (n + 1, s + a.recording.duration_seconds)
            })
    }

    /// Store a finished transcript with the recording `key` names, and its
    /// content feedback (STAR as its question asks). The one way a
    /// transcript enters the log; false if the log has no such recording.
    pub fn set_transcript(
        &mut self,
        key: RecordingKey,
        transcript: Transcript,
        rules: &ContentRules,
    ) -> bool {
        let Some(a) = self.answers.iter_mut().find(|a| a.number == key.answer) else {
            return false;
        };
        let story = a.asks_story(key.follow_up);
        match a.recording_mut(key.follow_up) {
            Some(r) => {
                r.set_transcript(transcript, rules, story);
                true
            }
            None => false,
        }
    }

    pub fn is_reviewed(&self) -> bool {
        self.answers.iter().any(|a| !a.reviews.is_empty())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer_with(metrics: &str) -> String {
        format!(
            r#"{{"number":1,"question":{{"id":"q","text":"Q?","category":"c"}},"status":"recorded","metrics":{metrics}}}"#
        )
    }

    #[test]
    fn recorded_means_completed_with_a_take() {
        let q = QuestionRef::default();
        let done =
            Answer::new(1, q.clone(), AnswerStatus::Recorded).with_take("01-q.wav", 8000, 8000);
        assert!(done.is_recorded());
        assert_eq!(done.recording.duration_seconds, 1.0);
        assert_eq!(done.takes, vec!["01-q.wav".to_string()]);
        // Kept audio of an interrupted take is not a recorded answer.
        let cut =
            Answer::new(1, q.clone(), AnswerStatus::Interrupted).with_take("01-q.wav", 80, 8000);
        assert!(!cut.is_recorded());
        assert!(!Answer::new(1, q, AnswerStatus::Recorded).is_recorded());
    }

    #[test]
    fn a_recording_is_stored_flat_in_answers_and_follow_ups() {
        // The fields of `Recording` sit in the answer and the follow-up
        // themselves, as version 1 has always written them.
        let mut a = Answer::new(1, QuestionRef::default(), AnswerStatus::Recorded)
            .with_take("01-q.wav", 8000, 8000);
        let name = crate::session::TakeName::final_take(1, "q").follow_up(1);
        let mut reply = FollowUp::begin(&name, "And then?".into(), 8000);
        reply.recording.finish(4000, 8000, 0, 2);
        a.put_follow_up(reply);
        let json = serde_json::to_value(&a).unwrap();
        assert!(json.get("recording").is_none(), "{json}");
        assert_eq!(json["file"], "01-q.wav");
        assert_eq!(json["frames"], 8000);
        assert_eq!(json["status"], "recorded");
        let f = &json["follow_ups"][0];
        assert_eq!(
            (&f["file"], &f["frames"], &f["overruns"], &f["text"]),
            (
                &serde_json::json!("01-q.follow1.wav"),
                &serde_json::json!(4000),
                &serde_json::json!(2),
                &serde_json::json!("And then?")
            )
        );
        assert_eq!(serde_json::from_value::<Answer>(json).unwrap(), a);
        // An answer as written before `Recording` existed still reads.
        let old: Answer = serde_json::from_str(
            r#"{"number":1,"question":{"id":"q","text":"Q?","category":"c"},
                "status":"recorded","file":"01-q.wav","takes":["01-q.wav"],
                "duration_seconds":1.5,"frames":12000,"sample_rate":8000,
                "dropped_frames":0,"reviews":[],"follow_ups":[{"number":1,
                "text":"Then?","status":"skipped","file":null}]}"#,
        )
        .unwrap();
        assert!(old.is_recorded());
        assert_eq!(old.recording.duration_seconds, 1.5);
        assert_eq!(old.follow_ups[0].recording.status, AnswerStatus::Skipped);
    }

    #[test]
    fn metrics_read_leniently() {
        // Older (fewer fields) and newer (unknown fields) metrics load.
        let a: Answer =
            serde_json::from_str(&answer_with(r#"{"words_per_minute":140.5,"future":[1]}"#))
                .unwrap();
        let m = a.recording.metrics.unwrap();
        assert_eq!(m.words_per_minute, 140.5);
        assert_eq!(m.pauses, vec![]);
        // Not metrics at all: the answer still loads, without them.
        let a: Answer = serde_json::from_str(&answer_with(r#""garbage""#)).unwrap();
        assert_eq!(a.recording.metrics, None);
        let a: Answer = serde_json::from_str(&answer_with("null")).unwrap();
        assert_eq!(a.recording.metrics, None);
    }

    #[test]
    fn metrics_measured_afresh_get_the_transcripts_pace() {
        let metrics = Metrics {
            duration_seconds: 62.0,
            first_word_seconds: 1.0,
            trailing_silence_seconds: 1.0,
            words_per_minute: 200.0,
            ..Metrics::default()
        };
        let thresholds = crate::analysis::FlagThresholds::default();
        let mut r = Recording::new(AnswerStatus::Recorded);
        let same = r.with_transcript(metrics.clone(), &thresholds);
        assert_eq!(same.words_per_minute, 200.0, "no transcript: as measured");

        let words = (0..150)
            .map(|i| crate::transcript::Word {
                word: if i == 149 {
                    "end.".into()
                } else {
                    "word".into()
                },
                start_seconds: 1.0 + 0.4 * f64::from(i),
                end_seconds: 1.3 + 0.4 * f64::from(i),
                probability: 0.9,
            })
            .collect();
        r.set_transcript(
            Transcript {
                model: "tiny.en".into(),
                text: String::new(),
                words,
            },
            &ContentRules::default(),
            false,
        );
        let m = r.with_transcript(metrics, &thresholds);
        assert_eq!(m.pace_basis, crate::analysis::PaceBasis::Words);
        assert_eq!(
            m.words_per_minute, 150.0,
            "150 words over 60 s of answer time"
        );
    }
}
