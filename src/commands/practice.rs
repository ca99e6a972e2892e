//! `mockview practice`: settings in, exit code out. Picks the questions,
//! checks the request and the input before anything is made, creates the
//! session, and hands the rest to the practice room (`crate::practice`),
//! with the real world plugged in: the cpal input, the terminal's keys, the
//! console, the system clock and voice, the background transcriber.

use super::transcription::{self, BackgroundTranscriber};
use super::Interrupted;
use crate::audio;
use crate::cli::{OrderArg, PracticeArgs};
use crate::config;
use crate::content::ContentRules;
use crate::practice::{
    self, ConsoleScreen, DeviceMicrophone, Ended, Plan, SystemClock, SystemVoice, World,
};
use crate::questions::{self, Order, SelectionRequest};
use crate::session::{InputInfo, Session, SessionStore, Settings};
use crate::ui::{Console, Interrupt, KeySource};
use anyhow::{Context, Result};
use std::collections::HashMap;

pub fn run(store: &SessionStore, args: PracticeArgs, settings: &config::Settings) -> Result<()> {
    let console = Console::detect();
    let interrupt = Interrupt::install().context("cannot install the Ctrl-C handler")?;

    // Everything that can be wrong with the request is checked before any
    // device is opened or any folder made.
    let banks = questions::resolve_banks(&args.bank.banks)?;
    let order = args.order.map_or_else(Order::default, |o| match o {
        OrderArg::Random => Order::Random,
        OrderArg::Listed => Order::Listed,
        OrderArg::Fresh => Order::Fresh,
        OrderArg::Weakest => Order::Weakest,
    });
    let history = if matches!(order, Order::Fresh | Order::Weakest) {
        crate::progress::past_answers(store)
    } else {
        HashMap::new()
    };
    let seed = args.seed.unwrap_or_else(rand::random);
    let picked = questions::select(
        &banks,
        &SelectionRequest {
            count: settings.count.value as usize,
            categories: &settings.categories.value,
            order,
            seed,
            history: &history,
            only: &args.questions,
        },
    )?;

    if let Some(notice) = super::left_open_notice(store) {
        console.warn(notice);
    }
    let model = if args.no_transcribe {
        None
    } else {
        let model = transcription::chosen_model(&settings.model)?;
        if model.is_none() {
            console.line(console.dim(transcription::NO_MODEL_HINT));
        }
        model
    };
    // With a model, the word lists (with the user's, MOCKVIEW_PHRASES) are
    // read now, so a bad file stops the session before anything is recorded.
    let content_rules = match &model {
        Some(_) => ContentRules::load(settings.phrases.value.as_deref())?,
        None => ContentRules::default(),
    };
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

    let started = jiff::ZonedDateTime::now();
    let dir = store
        .create(&started.strftime("%Y%m%d-%H%M%S").to_string())
        .with_context(|| format!("cannot create a session in {}", store.root().display()))?;
    let _lock = dir.lock()?;
    let mut session = Session::new(
        dir.id.clone(),
        started.timestamp(),
        Settings {
            count: picked.len(),
            prep_seconds: settings.prep.value,
            limit_seconds: settings.limit.value,
            banks: banks.iter().map(|b| b.name.clone()).collect(),
            categories: settings.categories.value.clone(),
            order: order.to_string(),
            seed,
            speak: settings.speak.value,
            follow_ups: settings.follow_ups.value,
        },
    );
    session.input = Some(InputInfo {
        device_id,
        device_name,
        sample_rate: format.sample_rate,
        channels: format.channels,
        sample_format: format.sample_format,
    });
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
        seed,
        content_rules,
    };
    match practice::run(world, &dir, session, plan, &picked)? {
        Ended::Completed => Ok(()),
        Ended::Interrupted => Err(Interrupted.into()),
    }
}
