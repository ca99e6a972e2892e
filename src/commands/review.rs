//! `mockview review SESSION --reviewer NAME`: play each recorded answer and
//! ask for scores on the rubric (`session::RUBRIC`), notes, and with
//! `--self` the self-check; or take one review from flags (`--answer N
//! --score structure=4 ... --notes TEXT`). Reviews are appended to the
//! answer's `reviews` and the log saved atomically under the session lock.

use super::listening::{
    cues_of, follow_up_files, play_request, show_follow_up, show_question, take_file,
};
use super::sessions::said_lines;
use super::{Interrupted, UsageError};
use crate::audio;
use crate::cli::ReviewArgs;
use crate::config::Settings;
use crate::listener::{Listener, Played};
use crate::session::{
    criterion, Review, SelfCheck, Session, SessionDir, SessionStore, RUBRIC, SCORE_RANGE,
    SELF_CHECK,
};
use crate::ui::{Console, Interrupt, KeySource};
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::io::Write;

pub fn run(store: &SessionStore, args: ReviewArgs, settings: &Settings) -> Result<()> {
    let reviewer = settings
        .reviewer
        .value
        .as_deref()
        .unwrap_or_default()
        .trim()
        .to_string();
    if reviewer.is_empty() {
        return Err(UsageError(
            "--reviewer needs a name (or set `reviewer` in the config file, see `mockview config`)"
                .into(),
        )
        .into());
    }
    let dir = store.resolve(&args.session)?;
    // Refuse before any prompt when another process writes this session.
    let _lock = dir.lock()?;
    let mut session = dir.load()?;
    match args.answer {
        Some(n) => from_flags(&dir, &mut session, reviewer, n, &args),
        None => interactive(
            &dir,
            session,
            reviewer,
            &args,
            settings.output_device.value.as_deref(),
        ),
    }
}

fn recorded_index(session: &Session, n: u32) -> Result<usize> {
    let i = session
        .answers
        .iter()
        .position(|a| a.number == n)
        .ok_or_else(|| {
            UsageError(format!(
                "session {} has no answer {n} (it has {})",
                session.id,
                session.answers.len()
            ))
        })?;
    if !session.answers[i].is_recorded() {
        return Err(UsageError(format!(
            "answer {n} was not recorded ({}); there is nothing to review",
            session.answers[i].recording.status.as_str()
        ))
        .into());
    }
    Ok(i)
}

/// Parse `CRITERION=N` flags.
fn parse_scores(flags: &[String]) -> Result<BTreeMap<String, u8>, UsageError> {
    let keys = || RUBRIC.iter().map(|c| c.key).collect::<Vec<_>>().join(", ");
    let mut scores = BTreeMap::new();
    for flag in flags {
        let Some((key, value)) = flag.split_once('=') else {
            return Err(UsageError(format!(
                "--score `{flag}`: expected CRITERION=N, e.g. structure=4"
            )));
        };
        let key = key.trim().to_ascii_lowercase();
        if criterion(&key).is_none() {
            return Err(UsageError(format!(
                "--score `{flag}`: unknown criterion `{key}` (one of {})",
                keys()
            )));
        }
        let score =
            parse_score(value).map_err(|why| UsageError(format!("--score `{flag}`: {why}")))?;
        if scores.insert(key.clone(), score).is_some() {
            return Err(UsageError(format!("--score: `{key}` is given twice")));
        }
    }
    Ok(scores)
}

fn parse_score(text: &str) -> Result<u8, String> {
    let text = text.trim();
    match text.parse::<i64>() {
        Ok(n) if (i64::from(*SCORE_RANGE.start())..=i64::from(*SCORE_RANGE.end())).contains(&n) => {
            Ok(n as u8)
        }
        Ok(n) => Err(format!(
            "{n} is outside {}..{}",
            SCORE_RANGE.start(),
            SCORE_RANGE.end()
        )),
        Err(_) => Err(format!(
            "`{text}` is not a score (a whole number {} to {})",
            SCORE_RANGE.start(),
            SCORE_RANGE.end()
        )),
    }
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn from_flags(
    dir: &SessionDir,
    session: &mut Session,
    reviewer: String,
    n: u32,
    args: &ReviewArgs,
) -> Result<()> {
    let i = recorded_index(session, n)?;
    let scores = parse_scores(&args.scores)?;
    let notes = args.notes.as_deref().map(one_line).unwrap_or_default();
    if scores.is_empty() && notes.is_empty() {
        return Err(UsageError(
            "--answer needs at least one --score CRITERION=N or --notes TEXT".into(),
        )
        .into());
    }
    session.answers[i].reviews.push(Review {
        reviewer: reviewer.clone(),
        at: jiff::Timestamp::now(),
        scores,
        notes,
        self_check: None,
        comments: Vec::new(),
    });
    dir.save(session)?;
    writeln!(
        std::io::stdout().lock(),
        "review of answer {n} by {reviewer} saved in {}",
        dir.log_path().display()
    )?;
    Ok(())
}

/// What a prompt got.
enum Reply<T> {
    Value(T),
    /// Empty line: this criterion (or question) is skipped.
    Skip,
    /// `s`: the whole answer is skipped.
    SkipAnswer,
    /// `q` or the end of input: stop reviewing, keep what was saved.
    Quit,
}

/// Why the questions about an answer ended before the last one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    SkipAnswer,
    Quit,
}

/// Ask about each of `items` in turn, giving each value to `put`: an empty
/// reply passes over the item, `s` or `q` ends the questions (returned).
fn ask_each<I: Copy, T>(
    items: impl IntoIterator<Item = I>,
    mut ask: impl FnMut(I) -> Reply<T>,
    mut put: impl FnMut(I, T),
) -> Option<Stop> {
    for item in items {
        match ask(item) {
            Reply::Value(v) => put(item, v),
            Reply::Skip => {}
            Reply::SkipAnswer => return Some(Stop::SkipAnswer),
            Reply::Quit => return Some(Stop::Quit),
        }
    }
    None
}

struct Prompter<'a> {
    console: Console,
    keys: &'a mut KeySource,
}

impl Prompter<'_> {
    fn ask(&mut self, prompt: &str) -> Reply<String> {
        if self.console.is_interactive() {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            let _ = write!(out, "{prompt} ").and_then(|()| out.flush());
        } else {
            self.console.line(prompt);
        }
        match self.keys.read_line() {
            None => Reply::Quit,
            Some(line) => match line.trim() {
                "" => Reply::Skip,
                "s" | "S" => Reply::SkipAnswer,
                "q" | "Q" => Reply::Quit,
                t => Reply::Value(t.to_string()),
            },
        }
    }

    fn score(&mut self, title: &str, description: &str) -> Reply<u8> {
        let prompt = format!(
            "{title}: {description}\n  score 1-5 (Enter skips, s skips the answer, q quits):"
        );
        loop {
            match self.ask(&prompt) {
                Reply::Value(t) => match parse_score(&t) {
                    Ok(n) => return Reply::Value(n),
                    Err(why) => self.console.line(format!("  {why}; try again")),
                },
                Reply::Skip => return Reply::Skip,
                Reply::SkipAnswer => return Reply::SkipAnswer,
                Reply::Quit => return Reply::Quit,
            }
        }
    }

    fn yes_no(&mut self, question: &str) -> Reply<bool> {
        let prompt = format!("{question} [y/n, Enter skips]:");
        loop {
            match self.ask(&prompt) {
                Reply::Value(t) => match t.to_ascii_lowercase().as_str() {
                    "y" | "yes" => return Reply::Value(true),
                    "n" | "no" => return Reply::Value(false),
                    other => self
                        .console
                        .line(format!("  `{other}` is not y or n; try again")),
                },
                Reply::Skip => return Reply::Skip,
                Reply::SkipAnswer => return Reply::SkipAnswer,
                Reply::Quit => return Reply::Quit,
            }
        }
    }
}

fn interactive(
    dir: &SessionDir,
    mut session: Session,
    reviewer: String,
    args: &ReviewArgs,
    output_device: Option<&str>,
) -> Result<()> {
    let console = Console::detect();
    let interrupt = Interrupt::install().context("cannot install the Ctrl-C handler")?;
    let recorded: Vec<usize> = session
        .answers
        .iter()
        .enumerate()
        .filter(|(_, a)| a.is_recorded())
        .map(|(i, _)| i)
        .collect();
    if recorded.is_empty() {
        console.line(format!(
            "session {} has no recorded answers to review",
            session.id
        ));
        return Ok(());
    }
    // One reader of stdin: the listener's while it plays, else our own.
    let keys = KeySource::new(interrupt.clone());
    let (mut listener, mut own_keys) = if args.no_play {
        (None, Some(keys))
    } else {
        let listener = Listener {
            console,
            use_keys: keys.is_terminal(),
            keys,
            interrupt: interrupt.clone(),
            device: audio::find_output(output_device)?,
            request: play_request(&args.output),
        };
        (Some(listener), None)
    };
    console.line(format!(
        "Reviewing session {} ({}) as {reviewer} · {} recorded answer{}",
        session.id,
        crate::clock::local_minute(session.started_at),
        recorded.len(),
        if recorded.len() == 1 { "" } else { "s" }
    ));
    let total = session.answers.len();
    let mut saved = 0;
    for i in recorded {
        let answer = session.answers[i].clone();
        let mut no_speech = false;
        show_question(&console, &answer, total, &mut no_speech, &interrupt);
        // What was said, to read while listening (the final take's transcript).
        for line in said_lines(&answer.recording, "    ", console.is_colour()) {
            console.line(line);
        }
        if let Some(l) = &mut listener {
            let file = take_file(&dir.path, &answer, None)?;
            let cues = cues_of(&answer, None);
            match l.play_take_with(&file, answer.recording.words(), &cues)? {
                Played::Interrupted => return Err(Interrupted.into()),
                Played::Quit => break,
                Played::Done | Played::Next => {}
            }
        }
        // The follow-ups are part of the answer: heard before it is scored.
        let mut quit_playing = false;
        for (f, reply) in follow_up_files(&dir.path, &answer)? {
            show_follow_up(&console, f, &mut no_speech, &interrupt);
            for line in said_lines(&f.recording, "  ", console.is_colour()) {
                console.line(line);
            }
            if let Some(l) = &mut listener {
                let cues = cues_of(&answer, Some(f.number));
                match l.play_take_with(&reply, f.recording.words(), &cues)? {
                    Played::Interrupted => return Err(Interrupted.into()),
                    Played::Quit => {
                        quit_playing = true;
                        break;
                    }
                    Played::Done | Played::Next => {}
                }
            }
        }
        if quit_playing {
            break;
        }
        let keys = match (&mut listener, &mut own_keys) {
            (Some(l), _) => &mut l.keys,
            (None, Some(k)) => k,
            (None, None) => unreachable!("one of the two is set"),
        };
        let mut p = Prompter { console, keys };
        let mut review = Review {
            reviewer: reviewer.clone(),
            at: jiff::Timestamp::now(),
            scores: BTreeMap::new(),
            notes: String::new(),
            self_check: None,
            comments: Vec::new(),
        };
        let mut stop = ask_each(
            RUBRIC,
            |c| p.score(c.title, c.description),
            |c, n| {
                review.scores.insert(c.key.to_string(), n);
            },
        );
        if stop.is_none() && args.self_review {
            let mut check = SelfCheck::default();
            stop = ask_each(
                SELF_CHECK,
                |(_, question)| p.yes_no(question),
                |(key, _), v| check.set(key, v),
            );
            review.self_check = (!check.is_empty()).then_some(check);
        }
        let skipped = stop == Some(Stop::SkipAnswer);
        let mut quit = stop == Some(Stop::Quit);
        if !skipped && !quit {
            match p.ask("Notes (one line, Enter for none):") {
                Reply::Value(t) => review.notes = one_line(&t),
                Reply::Skip | Reply::SkipAnswer => {}
                Reply::Quit => quit = true,
            }
        }
        if interrupt.requested() {
            return Err(Interrupted.into());
        }
        if skipped {
            console.line(format!("answer {} skipped", answer.number));
        } else if quit {
            break;
        } else if review.scores.is_empty() && review.notes.is_empty() && review.self_check.is_none()
        {
            console.line(format!(
                "answer {}: nothing given, no review saved",
                answer.number
            ));
        } else {
            review.at = jiff::Timestamp::now();
            session.answers[i].reviews.push(review);
            dir.save(&session)?;
            saved += 1;
            console.line(format!("review of answer {} saved", answer.number));
        }
        if quit {
            break;
        }
    }
    console.line(format!(
        "{saved} review{} by {reviewer} saved in {}",
        if saved == 1 { "" } else { "s" },
        dir.log_path().display()
    ));
    Ok(())
}
