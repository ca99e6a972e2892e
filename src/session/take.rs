//! The take lifecycle of one answer, as the log records it: begin a take
//! (listed before a single frame goes into it), keep the final take as an
//! earlier one (renamed, never deleted), cancel an armed take that recorded
//! nothing, and finish a take. The rule behind every step: an answer's
//! audio is never lost, and the log never names a file that is not there
//! for longer than one atomic save (issue 9; `practice/take.rs` drives it).

use super::log::{Answer, AnswerStatus, FollowUp, Recording, Session};
use super::take_name::TakeName;
use std::io;
use std::path::Path;

impl Answer {
    /// A take's file `name` was just created: list it as the final take,
    /// the answer `interrupted` until the take ends (so a crash leaves an
    /// answer that says what it is).
    pub fn begin_take(&mut self, name: &TakeName) {
        self.takes.push(name.to_string());
        self.recording.begin(name);
    }

    /// Rename the final take `NN-slug.wav` in `dir` to `NN-slug.takeK.wav`
    /// (K = its position among the answer's takes) and list it so: a retake,
    /// a skip or a new device never throws a recording away. Returns K and
    /// the new name.
    pub fn keep_as_earlier_take(&mut self, dir: &Path) -> io::Result<(usize, String)> {
        let final_name = self
            .recording
            .file
            .clone()
            .ok_or_else(|| io::Error::other("the answer has no final take to keep"))?;
        let k = self.takes.len();
        let kept = TakeName::parse(&final_name)
            .ok_or_else(|| io::Error::other(format!("{final_name}: not a take file name")))?
            .earlier(k as u32)
            .to_string();
        std::fs::rename(dir.join(&final_name), dir.join(&kept))?;
        crate::durable::sync_dir(dir);
        self.takes.pop();
        self.takes.push(kept.clone());
        self.recording.file = None;
        Ok((k, kept))
    }

    /// The armed take recorded nothing (its empty file is gone): the log
    /// stops listing it.
    pub fn cancel_empty_take(&mut self) {
        self.takes.pop();
        self.recording.cancel_empty();
    }
}

impl Recording {
    /// The file `name` was just created for this recording: listed, and
    /// `interrupted` until it ends (so a crash leaves a log that says what
    /// the file is). What was measured of an earlier take goes with it.
    pub fn begin(&mut self, name: &TakeName) {
        self.file = Some(name.to_string());
        self.status = AnswerStatus::Interrupted;
        self.frames = 0;
        self.duration_seconds = 0.0;
        self.metrics = None;
        self.transcript = None;
        self.content = None;
    }

    /// The armed recording captured nothing (its empty file is gone): the
    /// log stops listing it.
    pub fn cancel_empty(&mut self) {
        self.file = None;
        self.frames = 0;
        self.duration_seconds = 0.0;
    }

    /// The recording ended with `frames` frames at `sample_rate`: recorded,
    /// with what the device and the ring lost added up (over every take).
    pub fn finish(&mut self, frames: u64, sample_rate: u32, dropped: u64, overruns: u64) {
        self.frames = frames;
        self.sample_rate = sample_rate;
        self.duration_seconds = frames as f64 / f64::from(sample_rate.max(1));
        self.dropped_frames += dropped;
        self.overruns += overruns;
        self.status = AnswerStatus::Recorded;
    }
}

impl Session {
    /// Put the answer's current state in the log, replacing an earlier
    /// state of the same answer.
    pub fn put_answer(&mut self, answer: Answer) {
        match self.answers.iter_mut().find(|a| a.number == answer.number) {
            Some(a) => *a = answer,
            None => self.answers.push(answer),
        }
    }
}

impl FollowUp {
    /// The reply to follow-up `name` (`NN-slug.followK.wav`), whose file was
    /// just created: listed, `interrupted` until it ends, like a take.
    pub fn begin(name: &TakeName, text: String, sample_rate: u32) -> FollowUp {
        let mut recording = Recording::new(AnswerStatus::Interrupted);
        recording.begin(name);
        recording.sample_rate = sample_rate;
        FollowUp {
            number: name.follow_up.unwrap_or(1),
            text,
            recording,
        }
    }
}

impl Answer {
    /// Put a follow-up's current state in the answer, replacing an earlier
    /// state of the same follow-up.
    pub fn put_follow_up(&mut self, reply: FollowUp) {
        match self
            .follow_ups
            .iter_mut()
            .find(|f| f.number == reply.number)
        {
            Some(f) => *f = reply,
            None => self.follow_ups.push(reply),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::session::{QuestionRef, Settings};

    fn answer() -> Answer {
        Answer::new(1, QuestionRef::default(), AnswerStatus::Skipped)
    }

    #[test]
    fn a_begun_take_is_listed_before_it_has_frames() {
        let mut a = answer();
        a.begin_take(&TakeName::final_take(1, "why"));
        assert_eq!(a.recording.file.as_deref(), Some("01-why.wav"));
        assert_eq!(a.takes, vec!["01-why.wav".to_string()]);
        assert_eq!(a.recording.status, AnswerStatus::Interrupted);
        assert!(!a.is_recorded());
        a.recording.finish(8000, 8000, 2, 1);
        assert!(a.is_recorded());
        assert_eq!(
            (
                a.recording.duration_seconds,
                a.recording.dropped_frames,
                a.recording.overruns
            ),
            (1.0, 2, 1)
        );
    }

    #[test]
    fn a_new_take_does_not_inherit_what_was_measured_of_the_last() {
        let mut a = answer();
        let name = TakeName::final_take(1, "why");
        a.begin_take(&name);
        a.recording.finish(8000, 8000, 0, 0);
        a.recording.metrics = Some(crate::analysis::Metrics::default());
        a.recording.transcript = Some(crate::transcript::Transcript {
            model: "tiny.en".into(),
            text: "Hello.".into(),
            words: Vec::new(),
        });
        a.recording.file = None; // kept as an earlier take
        a.begin_take(&name);
        let r = &a.recording;
        assert_eq!((r.frames, r.metrics.is_none()), (0, true));
        assert!(r.transcript.is_none() && r.content.is_none());
    }

    #[test]
    fn retakes_keep_every_earlier_take_on_disk_and_in_the_log() {
        let tmp = tempfile::tempdir().unwrap();
        let name = TakeName::final_take(1, "why");
        let mut a = answer();
        for k in 1..=2 {
            a.begin_take(&name);
            std::fs::write(tmp.path().join(name.to_string()), format!("take {k}")).unwrap();
            let (got, kept) = a.keep_as_earlier_take(tmp.path()).unwrap();
            assert_eq!(
                (got, kept.as_str()),
                (k, format!("01-why.take{k}.wav").as_str())
            );
            assert_eq!(
                std::fs::read_to_string(tmp.path().join(&kept)).unwrap(),
                format!("take {k}")
            );
            assert_eq!(a.recording.file, None);
        }
        a.begin_take(&name);
        assert_eq!(
            a.takes,
            vec!["01-why.take1.wav", "01-why.take2.wav", "01-why.wav"]
        );
        assert!(
            !tmp.path().join("01-why.wav").exists(),
            "nothing renamed over"
        );
    }

    #[test]
    fn keeping_without_a_file_fails_and_changes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let mut a = answer();
        a.begin_take(&TakeName::final_take(1, "why"));
        // The file is not on disk: the rename fails, the log still lists it.
        assert!(a.keep_as_earlier_take(tmp.path()).is_err());
        assert_eq!(a.recording.file.as_deref(), Some("01-why.wav"));
        a.cancel_empty_take();
        assert!(a.takes.is_empty() && a.recording.file.is_none());
        assert!(a.keep_as_earlier_take(tmp.path()).is_err());
    }

    #[test]
    fn put_answer_replaces_the_same_number() {
        let mut s = Session::new("x".into(), jiff::Timestamp::UNIX_EPOCH, Settings::default());
        let mut a = answer();
        s.put_answer(a.clone());
        a.recording.status = AnswerStatus::Recorded;
        s.put_answer(a);
        assert_eq!(s.answers.len(), 1);
        assert_eq!(s.answers[0].recording.status, AnswerStatus::Recorded);
    }

    #[test]
    fn a_follow_up_is_listed_from_its_start_and_replaced_in_place() {
        let mut a = answer();
        let name = TakeName::final_take(1, "why").follow_up(1);
        let mut reply = FollowUp::begin(&name, "And then?".into(), 8000);
        assert_eq!(reply.recording.file.as_deref(), Some("01-why.follow1.wav"));
        assert_eq!(reply.recording.status, AnswerStatus::Interrupted);
        a.put_follow_up(reply.clone());
        assert!(!a.follow_ups[0].is_recorded());
        reply.recording.finish(4000, 8000, 1, 0);
        a.put_follow_up(reply.clone());
        assert_eq!(a.follow_ups.len(), 1, "replaced, not added");
        assert!(a.follow_ups[0].is_recorded());
        assert_eq!(a.follow_ups[0].recording.duration_seconds, 0.5);
        assert!(a.files().any(|f| f == "01-why.follow1.wav"));
        reply.recording.cancel_empty();
        assert_eq!(reply.recording.file, None);
    }
}
