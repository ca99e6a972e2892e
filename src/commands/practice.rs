//! `mockview practice`: settings in, exit code out. Picks the questions,
//! checks the request and the input before anything is made, creates the
//! session, and hands the rest to the practice room (`crate::practice`),
//! with the real world plugged in: the cpal input, the terminal's keys, the
//! console, the system clock and voice, the background transcriber.

use super::transcription::{self, BackgroundTranscriber};
use super::Interrupted;
use crate::audio;
use crate::cli::PracticeArgs;
use crate::config;
use crate::practice::{
    self, ConsoleScreen, DeviceMicrophone, Ended, Plan, SystemClock, SystemVoice, World,
};
use crate::questions::{self, Order, Question, QuestionBank, SelectionRequest};
use crate::session::{InputInfo, Session, SessionDir, SessionStore, Settings};
use crate::ui::{Console, Interrupt, KeySource};
use anyhow::{Context, Result};
use std::collections::HashMap;

pub fn run(store: &SessionStore, args: PracticeArgs, settings: &config::Settings) -> Result<()> {
    let console = Console::detect();
    let interrupt = Interrupt::install().context("cannot install the Ctrl-C handler")?;

    // Everything that can be wrong with the request is checked before any
    // device is opened or any folder made.
    let chosen = choose_questions(store, &args, settings)?;
    if let Some(notice) = super::left_open_notice(store.left_open().len()) {
        console.warn(notice);
    }
    let (model, content_rules) = transcription::for_practice(args.no_transcribe, settings)?;
    let device = audio::find_input(settings.input_device.value.as_deref())?;
    let (device_id, device_name) = (device.id.clone(), device.name.clone());
    let mut microphone =
        DeviceMicrophone::new(device, super::input_request(&args.input), interrupt.clone());
    let keys = KeySource::new(interrupt);
    let screen = ConsoleScreen {
        console,
        timing: std::env::var_os("MOCKVIEW_TIMING").is_some(),
    };
    let Some(format) = practice::check_input(&mut microphone, &keys, &screen, &SystemClock)? else {
        return Err(Interrupted.into());
    };
    if model.is_none() && !args.no_transcribe {
        screen
            .console
            .line(screen.console.dim(transcription::NO_MODEL_HINT));
    } else if model.is_some() && content_rules.negative_judge.is_none() {
        screen
            .console
            .line(screen.console.dim(transcription::NO_SENTENCE_MODEL_HINT));
    }
    let input = InputInfo {
        device_id,
        device_name,
        sample_rate: format.sample_rate,
        channels: format.channels,
        sample_format: format.sample_format,
    };

    let (dir, session) = open_session(store, settings, &chosen, input)?;
    let _lock = dir.lock()?;
    dir.save(&session)?;
    let world = World {
        microphone: Box::new(microphone),
        keys: Box::new(keys),
        screen: Box::new(screen),
        clock: Box::new(SystemClock),
        speaker: Box::new(SystemVoice),
        transcriber: model
            .map(|m| Box::new(BackgroundTranscriber::start(m)) as Box<dyn practice::Transcriber>),
    };
    let plan = Plan {
        prep_seconds: settings.prep.value,
        limit_seconds: settings.limit.value,
        speak: settings.speak.value,
        follow_ups: settings.follow_ups.value,
        seed: chosen.seed,
        content_rules,
    };
    match practice::run(world, &dir, session, plan, &chosen.questions)? {
        Ended::Completed => Ok(()),
        Ended::Interrupted => Err(Interrupted.into()),
    }
}

/// The session's questions, and what chose them (for its log).
struct Chosen {
    banks: Vec<QuestionBank>,
    order: Order,
    seed: u64,
    questions: Vec<Question>,
}

fn choose_questions(
    store: &SessionStore,
    args: &PracticeArgs,
    settings: &config::Settings,
) -> Result<Chosen> {
    let banks = questions::resolve_banks(&args.bank.banks)?;
    let order = args.order.map_or_else(Order::default, Order::from);
    let history = if matches!(order, Order::Fresh | Order::Weakest) {
        crate::progress::past_answers(store)
    } else {
        HashMap::new()
    };
    let seed = args.seed.unwrap_or_else(rand::random);
    let questions = questions::select(
        &banks,
        &SelectionRequest {
            count: settings.count.value as usize,
            categories: &settings.categories.value,
            order,
            seed,
            history: &history,
            only: &args.questions,
        },
    )
    .map_err(|e| super::selection_error(e, &settings.categories.source))?;
    Ok(Chosen {
        banks,
        order,
        seed,
        questions,
    })
}

/// A new session folder, named by its start time, and its first log.
fn open_session(
    store: &SessionStore,
    settings: &config::Settings,
    chosen: &Chosen,
    input: InputInfo,
) -> Result<(SessionDir, Session)> {
    let started = jiff::ZonedDateTime::now();
    let dir = store
        .create(&started.strftime("%Y%m%d-%H%M%S").to_string())
        .with_context(|| format!("cannot create a session in {}", store.root().display()))?;
    let mut session = Session::new(
        dir.id.clone(),
        started.timestamp(),
        Settings {
            count: chosen.questions.len(),
            prep_seconds: settings.prep.value,
            limit_seconds: settings.limit.value,
            banks: chosen.banks.iter().map(|b| b.name.clone()).collect(),
            categories: settings.categories.value.clone(),
            order: chosen.order.to_string(),
            seed: chosen.seed,
            speak: settings.speak.value,
            follow_ups: settings.follow_ups.value,
        },
    );
    session.input = Some(input);
    Ok((dir, session))
}
