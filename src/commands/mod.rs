//! One module per subcommand. Commands wire the domain modules together and
//! own no logic that another command needs; errors are `anyhow` with context,
//! mapped to exit codes here.

mod analyze;
mod config;
mod delete;
mod devices;
mod export;
mod import;
mod listening;
mod mic_check;
mod model;
mod practice;
mod questions;
mod repair;
mod replay;
mod report;
mod review;
mod sessions;
mod share;
mod stats;
mod transcribe;
mod transcription;

use crate::cli::{Cli, ColorArg, Command, ConfigAction, ConfigArgs};
use crate::config::Settings;
use crate::session::SessionStore;
use crate::ui::{ColorChoice, Console};
use std::io::Write;

/// Returned (as an error) when the user interrupted a command: exit 130.
#[derive(Debug, thiserror::Error)]
#[error("interrupted")]
pub struct Interrupted;

/// A user mistake that clap could not catch (a bad combination of values):
/// exit 2, like clap's own usage errors.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// True when the error comes from writing to a reader that went away
/// (`mockview questions | head -1`): a normal end, as in ripgrep, so the
/// command exits 0 and prints nothing.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// The error and its causes on one line, `a: b: c`, each cause once: an
/// error whose message already quotes its cause (`{path}: {source}`) does
/// not get the cause appended a second time. A cause's own line breaks
/// (a library's message) become spaces: an error is one line.
pub fn error_chain(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        let text = if text.contains(['\n', '\r']) {
            text.split_whitespace().collect::<Vec<_>>().join(" ")
        } else {
            text
        };
        if line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

pub fn exit_code(e: &anyhow::Error) -> u8 {
    if is_broken_pipe(e) {
        0
    } else if e.downcast_ref::<Interrupted>().is_some() {
        130
    } else if e.downcast_ref::<UsageError>().is_some()
        || e.downcast_ref::<crate::config::TuningError>().is_some()
    {
        2
    } else {
        1
    }
}

/// Questions `practice` or `questions` cannot select: a usage error (exit
/// 2, as `import --question` gives for an unknown id) when the command line
/// asked for them; a category from the config file or the environment is that
/// setting's mistake (exit 1), named with where it was set.
fn selection_error(
    e: crate::questions::SelectError,
    categories: &crate::config::Source,
) -> anyhow::Error {
    match e {
        crate::questions::SelectError::UnknownCategory { .. }
            if *categories != crate::config::Source::Flag =>
        {
            anyhow::Error::new(e).context(format!("setting `categories` ({categories})"))
        }
        e => UsageError(e.to_string()).into(),
    }
}

/// The input format asked for on the command line.
fn input_request(args: &crate::cli::InputArgs) -> crate::audio::InputRequest {
    crate::audio::InputRequest {
        sample_format: args
            .input_format
            .as_deref()
            .and_then(crate::audio::parse_sample_format),
        channels: args.channels,
    }
}

/// What `sessions` and `stats` print on an empty store: not an error.
fn print_no_sessions(store: &SessionStore) -> std::io::Result<()> {
    let empty = crate::session::SessionError::Empty {
        root: store.root().to_path_buf(),
    };
    writeln!(std::io::stdout().lock(), "{empty}")
}

/// Print a value as pretty JSON on stdout (the `--json` of every command).
fn print_json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    use std::io::Write;
    writeln!(
        std::io::stdout().lock(),
        "{}",
        serde_json::to_string_pretty(value)?
    )?;
    Ok(())
}

/// The sessions root the settings name. Where it is gets said once, where
/// it matters (issue 21): when a session is created (`practice`, `import`),
/// by `sessions` and by `config`; not on every command's stderr, where it
/// made each error two lines.
fn store(settings: &Settings) -> SessionStore {
    SessionStore::new(settings.sessions_dir.value.clone())
}

/// With a file-size limit (`ulimit -f`), the kernel kills a process that
/// writes past it with SIGXFSZ, mid-take, before it can finish the WAV or
/// the log. With the signal handled, the write fails with EFBIG instead and
/// the error path keeps what was written (issue 5).
fn survive_file_size_limit() {
    let _ = signal_hook::flag::register(
        signal_hook::consts::SIGXFSZ,
        std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
    );
}

/// The notice `practice` and `sessions` give when a crash left `count`
/// sessions open (`SessionDir::is_left_open`).
fn left_open_notice(count: usize) -> Option<String> {
    match count {
        0 => None,
        1 => Some("1 session was left open by a crash or power loss: run `mockview repair`".into()),
        n => Some(format!(
            "{n} sessions were left open by a crash or power loss: run `mockview repair`"
        )),
    }
}

pub fn run(cli: Cli) -> anyhow::Result<()> {
    survive_file_size_limit();
    crate::ui::set_color_choice(cli.color.map_or_else(ColorChoice::default, |c| match c {
        ColorArg::Auto => ColorChoice::Auto,
        ColorArg::Always => ColorChoice::Always,
        ColorArg::Never => ColorChoice::Never,
    }));
    match &cli.command {
        Command::Completions(args) => {
            return Ok(Cli::print_completions(args.shell)?);
        }
        Command::Man => {
            let mut out = std::io::stdout().lock();
            Cli::write_man(&mut out)?;
            return Ok(());
        }
        // Before the settings: `config init --force` is the way out of a
        // config file (or an environment value) that does not parse, and
        // it must not be refused for the error it repairs.
        Command::Config(ConfigArgs {
            action: Some(ConfigAction::Init { force }),
        }) => {
            let path = crate::config::file_path(&crate::config::process_env);
            return config::init(path.as_deref(), *force);
        }
        _ => {}
    }
    let (settings, warnings) = crate::config::resolve(&cli.flags(), &crate::config::process_env)?;
    crate::ui::set_voice(crate::ui::Voice {
        name: settings.voice.value.clone(),
        rate: settings.rate.value,
    });
    let console = Console::detect();
    for w in warnings {
        console.warn(w);
    }
    let store = store(&settings);
    match cli.command {
        Command::Practice(args) => practice::run(&store, args, &settings),
        Command::Devices(args) => devices::run(args.json, args.all),
        Command::Questions(args) => questions::run(args, &store),
        Command::Sessions(args) => sessions::list(&store, &settings.sessions_dir.source, args.json),
        Command::Show(args) => sessions::show(&store, &args.session, args.json),
        Command::Report(args) => report::run(&store, &args),
        Command::Share(args) => share::run(&store, args),
        Command::Export(args) => export::run(&store, &args.session, &args.output, args.force),
        Command::Import(args) => import::run(&store, &args, &settings),
        Command::Analyze(args) => analyze::run(&store, args, &settings),
        Command::Stats(args) => stats::run(&store, args.json),
        Command::Replay(args) => replay::run(&store, args, &settings),
        Command::Review(args) => review::run(&store, args, &settings),
        Command::MicCheck(args) => mic_check::run(args, &settings),
        Command::Repair(args) => repair::run(&store, args.dry_run),
        Command::Transcribe(args) => transcribe::run(&store, args, &settings),
        Command::Model(args) => model::run(args.action),
        Command::Config(ConfigArgs { action: None }) => config::show(&settings),
        Command::Delete(args) => delete::run(&store, &args.sessions, args.yes),
        Command::Completions(_)
        | Command::Man
        | Command::Config(ConfigArgs {
            action: Some(ConfigAction::Init { .. }),
        }) => unreachable!("handled before the settings"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_error_is_one_line_each_cause_once() {
        let e = anyhow::anyhow!("the device said:\n  busy\n").context("cannot open alsa:x");
        assert_eq!(error_chain(&e), "cannot open alsa:x: the device said: busy");
        let io = std::io::Error::other("disk full");
        let e = anyhow::Error::new(io).context("cannot write a.wav: disk full");
        assert_eq!(error_chain(&e), "cannot write a.wav: disk full");
    }
}
