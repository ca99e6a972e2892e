//! The command line (clap derive). The only module that knows clap: commands
//! receive these plain structs.

use crate::config;
use crate::config::Tuning;
use crate::questions::Order;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "mockview",
    version,
    about = "Practise interview answers out loud: ask, record, replay, review.",
    long_about = "mockview asks common behavioural interview questions, records your spoken \
answers from the microphone to WAV files, and keeps a session log for replay and review. \
Everything stays on this computer."
)]
pub struct Cli {
    /// Root folder of the sessions (setting `sessions_dir`, environment MOCKVIEW_DIR)
    /// [default: ./recordings if it exists, else the data folder]
    #[arg(long, global = true, value_name = "DIR")]
    pub dir: Option<PathBuf>,

    #[arg(long, global = true, value_enum, value_name = "WHEN", help = format!("When to colour the output [default: {}]", crate::ui::ColorChoice::default().as_str()))]
    pub color: Option<ColorArg>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a practice session: questions, prep countdown, recorded answers
    Practice(PracticeArgs),
    /// Record a few seconds: level, noise floor, clipping verdict, and playback
    MicCheck(MicCheckArgs),
    /// List audio input and output devices with their ids
    Devices(DevicesArgs),
    /// List, show or validate question banks
    Questions(QuestionsArgs),
    /// List past sessions, newest first
    Sessions(JsonFlag),
    /// Show one session: questions, takes, durations, reviews
    Show(ShowArgs),
    /// Play answers back, each after its question, with progress and keys
    Replay(ReplayArgs),
    /// Listen to each answer and score it on the rubric, with notes
    Review(ReviewArgs),
    /// Write a session's HTML page: players, waveforms, metrics, reviews
    Report(ReportArgs),
    /// One self-contained page to send to a reviewer: audio, transcripts, feedback, a review form
    Share(ShareArgs),
    /// Pack a session into one zip file to send to a coach
    Export(ExportArgs),
    /// Unpack a session from a zip file (or merge its reviews), merge a review file from a shared page, or make a recording from elsewhere an answer
    Import(ImportArgs),
    /// Delivery metrics and content feedback of an audio file or of a session's answers: talk time, pauses, pace, loudness, words
    Analyze(AnalyzeArgs),
    /// Progress across sessions: pace, pauses, answer length, review scores, per question
    Stats(JsonFlag),
    /// Finish sessions that a crash or power loss left open: fix WAV headers, update the log
    Repair(RepairArgs),
    /// Transcribe a session's answers (stored in its log) or an audio file, locally, with word times
    Transcribe(TranscribeArgs),
    /// The Whisper models for `transcribe`: list, download (the only network use), add a file
    Model(ModelArgs),
    /// Delete sessions with their recordings (asks first; --yes without a terminal)
    Delete(DeleteArgs),
    /// The effective settings and where each comes from; `init` writes a commented config file
    Config(ConfigArgs),
    /// Print shell completions (see the README for where to install them)
    Completions(CompletionsArgs),
    /// Print the manual page (roff): `mockview man | man -l -`
    Man,
}

#[derive(Debug, Args)]
pub struct DeleteArgs {
    /// Sessions to delete: ids, unique prefixes of ids, or `latest`
    #[arg(required = true, value_name = "SESSION")]
    pub sessions: Vec<String>,
    /// Delete without asking (needed when stdin is not a terminal)
    #[arg(short, long)]
    pub yes: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    /// On a terminal, unless NO_COLOR is set
    Auto,
    /// Always, even piped or with NO_COLOR
    Always,
    /// Never
    Never,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    #[command(subcommand)]
    pub action: Option<ConfigAction>,
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    /// Write a commented config file with every setting (at MOCKVIEW_CONFIG or the platform's place)
    Init {
        /// Replace an existing file
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Args)]
pub struct RepairArgs {
    /// Only say what would be repaired; write nothing
    #[arg(long)]
    pub dry_run: bool,
}

#[derive(Debug, Args)]
pub struct JsonFlag {
    /// One JSON document instead of a table
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OrderArg {
    /// Shuffled (use --seed to repeat a selection)
    Random,
    /// In bank order
    Listed,
    /// Least practised first, from earlier sessions
    Fresh,
    /// Weakest first: lowest latest review score, then most flags, then least practised
    Weakest,
}

impl From<OrderArg> for crate::questions::Order {
    fn from(o: OrderArg) -> Self {
        use crate::questions::Order;
        match o {
            OrderArg::Random => Order::Random,
            OrderArg::Listed => Order::Listed,
            OrderArg::Fresh => Order::Fresh,
            OrderArg::Weakest => Order::Weakest,
        }
    }
}

#[derive(Debug, Args)]
pub struct PracticeArgs {
    #[arg(short = 'n', long, help = config::flag_help(config::Name::Count, "How many questions to ask"), value_parser = clap::value_parser!(u32).range(1..=i64::from(config::COUNT_MAX)))]
    pub count: Option<u32>,
    /// Only questions of this category (repeatable; setting `categories`); see `mockview questions`
    #[arg(short, long = "category", value_name = "CATEGORY")]
    pub categories: Vec<String>,
    #[command(flatten)]
    pub bank: BankChoice,
    #[arg(long, value_enum, help = format!("Order in which questions are picked [default: {}]", Order::default().as_str()))]
    pub order: Option<OrderArg>,
    /// Ask exactly this question, by id (repeatable, asked in the order given); see `mockview questions`
    #[arg(short = 'q', long = "question", value_name = "ID")]
    pub questions: Vec<String>,
    /// Seed for the random order (printed and logged, so a session can be repeated)
    #[arg(long)]
    pub seed: Option<u64>,
    #[arg(long, value_name = "SECS", help = config::flag_help(config::Name::Prep, "Seconds to prepare before recording starts, Enter starts early"), value_parser = clap::value_parser!(u32).range(0..=i64::from(config::PREP_MAX)))]
    pub prep: Option<u32>,
    #[arg(long, value_name = "SECS", help = config::flag_help(config::Name::Limit, "Answer time limit in seconds, 0 for none"), value_parser = clap::value_parser!(u32).range(0..=i64::from(config::LIMIT_MAX)))]
    pub limit: Option<u32>,
    /// Input device: an id from `mockview devices` or a unique part of a name (setting `input_device`)
    #[arg(short, long, value_name = "ID")]
    pub device: Option<String>,
    #[command(flatten)]
    pub speak: SpeakArgs,
    /// After each answer, ask one of the question's follow-ups, with half the prep and limit (setting `follow_ups`)
    #[arg(long, overrides_with = "no_follow_ups")]
    pub follow_ups: bool,
    /// Ask no follow-ups, whatever the settings say
    #[arg(long)]
    pub no_follow_ups: bool,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub model: ModelChoice,
    /// Do not transcribe the answers during the session (`mockview transcribe` can later)
    #[arg(long)]
    pub no_transcribe: bool,
}

/// The question banks to take the questions from.
#[derive(Debug, Args, Clone)]
pub struct BankChoice {
    /// A shipped bank name or a .toml/.txt file (repeatable; replaces the
    /// default bank)
    #[arg(short, long = "bank", value_name = "NAME|PATH")]
    pub banks: Vec<String>,
}

/// Which Whisper model to transcribe with.
#[derive(Debug, Args, Clone)]
pub struct ModelChoice {
    /// An installed model's name or a ggml Whisper model file (also
    /// MOCKVIEW_MODEL, config `model`) [default: the best one installed,
    /// see `mockview model list`]
    #[arg(long, value_name = "NAME|PATH")]
    pub model: Option<String>,
}

#[derive(Debug, Args)]
pub struct TranscribeArgs {
    /// An audio file (WAV, FLAC, MP3, Ogg Vorbis/Opus, M4A), or a session: an id, a unique prefix of one, or `latest`
    #[arg(value_name = "SESSION|FILE")]
    pub target: String,
    /// Only these answers (default: every recorded answer)
    #[arg(long = "answer", value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub answers: Vec<u32>,
    /// Transcribe again answers that already have a transcript
    #[arg(long)]
    pub again: bool,
    #[command(flatten)]
    pub model: ModelChoice,
    /// One JSON document instead of text
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ModelArgs {
    #[command(subcommand)]
    pub action: ModelAction,
}

#[derive(Debug, Subcommand)]
pub enum ModelAction {
    /// The known models (size, what they suit) and the installed ones
    List {
        /// One JSON document instead of a table
        #[arg(long)]
        json: bool,
    },
    /// Download a known model into the models folder (checks size and SHA-1)
    Get {
        /// tiny.en, base.en or small.en
        name: String,
    },
    /// Install a local ggml Whisper model file into the models folder
    Add {
        /// The model file (e.g. ggml-base.en.bin)
        file: PathBuf,
        /// Install it under this name (NAME.bin) instead of its file name
        #[arg(long)]
        name: Option<String>,
    },
}

/// Speaking the questions aloud.
#[derive(Debug, Args, Clone)]
pub struct SpeakArgs {
    /// Speak each question aloud: espeak-ng, spd-say or say (setting `speak`)
    #[arg(long, overrides_with = "no_speak")]
    pub speak: bool,
    /// Do not speak the questions, whatever the settings say
    #[arg(long)]
    pub no_speak: bool,
}

impl SpeakArgs {
    fn given(&self) -> Option<bool> {
        if self.no_speak {
            Some(false)
        } else if self.speak {
            Some(true)
        } else {
            None
        }
    }
}

/// Advanced: how to open the input instead of the device's default.
#[derive(Debug, Args, Clone)]
pub struct InputArgs {
    /// Open the input with this sample format (i16, i32, f32, u8...) instead of the device default
    #[arg(long, value_name = "FORMAT", value_parser = ["i8", "i16", "i24", "i32", "i64", "u8", "u16", "u24", "u32", "u64", "f32", "f64"])]
    pub input_format: Option<String>,
    /// Open the input with this many channels (they are mixed to mono)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    pub channels: Option<u16>,
}

#[derive(Debug, Args)]
pub struct DevicesArgs {
    /// One JSON document instead of a table (every device, each with
    /// `shown_by_default`)
    #[arg(long)]
    pub json: bool,
    /// Every device the audio libraries list, ALSA's plugins included
    #[arg(long)]
    pub all: bool,
}

#[derive(Debug, Args)]
pub struct QuestionsArgs {
    #[command(subcommand)]
    pub action: Option<QuestionsAction>,
    /// Only this category (repeatable)
    #[arg(short, long = "category", value_name = "CATEGORY")]
    pub categories: Vec<String>,
    #[command(flatten)]
    pub bank: BankChoice,
    /// One JSON document instead of a list
    #[arg(long)]
    pub json: bool,
    /// Per question practised: how often, when last, the latest scores and flags
    #[arg(long)]
    pub history: bool,
}

#[derive(Debug, Subcommand)]
pub enum QuestionsAction {
    /// Validate a bank file: prints its questions or the first error with file:line
    Check {
        /// The .toml or .txt bank to check
        file: PathBuf,
    },
    /// Show one question in full: text, tips, follow-ups
    Show {
        /// The question id
        id: String,
    },
}

#[derive(Debug, Args)]
pub struct ShowArgs {
    /// A session id, a unique prefix of one, or `latest`
    pub session: String,
    /// One JSON document (the session log)
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// A session id, a unique prefix of one, or `latest`
    pub session: String,
    /// Write the page here instead of report.html in the session folder
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Replace the -o file even if it is not a page mockview wrote
    #[arg(long, requires = "output")]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ShareArgs {
    /// A session id, a unique prefix of one, or `latest`
    pub session: String,
    /// The page to write (one file, audio embedded)
    #[arg(short, long, value_name = "FILE.html")]
    pub output: PathBuf,
    /// Share only these answers (numbers, comma-separated)
    #[arg(long, value_name = "N,N...", value_delimiter = ',', value_parser = clap::value_parser!(u32).range(1..))]
    pub answers: Vec<u32>,
    /// Leave out the machine's feedback (metrics, flags, pitch, content) and earlier reviews
    #[arg(long)]
    pub no_feedback: bool,
    /// Replace the output file even if it is not a page mockview wrote
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// A session id, a unique prefix of one, or `latest`
    pub session: String,
    /// The zip file to write
    #[arg(short, long, value_name = "FILE.zip")]
    pub output: PathBuf,
    /// Replace the output file if it exists
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// A zip file made by `mockview export`, a review file saved from a
    /// shared page, or a recording made elsewhere (WAV, FLAC, MP3, Ogg
    /// Vorbis/Opus, M4A) to become an answer in a new session (needs --question)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The question the recording answers, by id (see `mockview questions`)
    #[arg(short = 'q', long = "question", value_name = "ID")]
    pub question: Option<String>,
    #[command(flatten)]
    pub bank: BankChoice,
    #[command(flatten)]
    pub model: ModelChoice,
    /// Do not transcribe the imported answer, even with a model installed
    #[arg(long)]
    pub no_transcript: bool,
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// An audio file (WAV, FLAC, MP3, Ogg Vorbis/Opus, M4A), or a session: an id, a unique prefix of one, or `latest`
    #[arg(value_name = "SESSION|FILE")]
    pub target: String,
    /// For a file: no transcript and no content feedback, even with a model installed
    #[arg(long)]
    pub no_transcript: bool,
    #[command(flatten)]
    pub model: ModelChoice,
    /// One JSON document instead of text
    #[arg(long)]
    pub json: bool,
    /// Store the recomputed metrics in the session log (not for a file)
    #[arg(long)]
    pub save: bool,
    #[arg(long, value_name = "S", allow_negative_numbers = true, help = Tuning::MinPause.help("Shortest silence between words that counts as a pause, in seconds"))]
    pub min_pause: Option<f64>,
    #[arg(long, value_name = "S", allow_negative_numbers = true, help = Tuning::LongPause.help("Shortest pause that counts as a long pause, in seconds"))]
    pub long_pause: Option<f64>,
    #[arg(long, value_name = "WPM", allow_negative_numbers = true, help = Tuning::MaxWpm.help("Flag a pace above this many words per minute"))]
    pub max_wpm: Option<f64>,
    #[arg(long, value_name = "WPM", allow_negative_numbers = true, help = Tuning::MinWpm.help("Flag a pace below this many words per minute"))]
    pub min_wpm: Option<f64>,
    #[arg(long, value_name = "S", allow_negative_numbers = true, help = Tuning::MaxAnswer.help("Flag an answer longer than this, in seconds"))]
    pub max_answer: Option<f64>,
    #[arg(long, value_name = "S", allow_negative_numbers = true, help = Tuning::MinAnswer.help("Flag an answer shorter than this, in seconds"))]
    pub min_answer: Option<f64>,
    #[arg(long, value_name = "S", allow_negative_numbers = true, help = Tuning::MaxFirstWord.help("Flag a silence before the first word longer than this, in seconds"))]
    pub max_first_word: Option<f64>,
    #[arg(long, value_name = "HZ", allow_negative_numbers = true, help = Tuning::PitchFloor.help("Lowest pitch tracked, in Hz"))]
    pub pitch_floor: Option<f64>,
    #[arg(long, value_name = "HZ", allow_negative_numbers = true, help = Tuning::PitchCeiling.help("Highest pitch tracked, in Hz"))]
    pub pitch_ceiling: Option<f64>,
    #[arg(long, value_name = "ST", allow_negative_numbers = true, help = Tuning::MinPitchSd.help("Flag a pitch that varies less than this (standard deviation, semitones)"))]
    pub min_pitch_sd: Option<f64>,
    #[arg(long, value_name = "N", allow_negative_numbers = true, help = Tuning::MaxFillers.help("Flag more filler words than this per minute of speaking"))]
    pub max_fillers: Option<f64>,
    #[arg(long, value_name = "N", allow_negative_numbers = true, help = Tuning::MaxHedges.help("Flag more hedges (\"I think\", \"maybe\") than this per minute of speaking"))]
    pub max_hedges: Option<f64>,
    /// Your own fillers, hedges, negative phrases or STAR cues, added to the
    /// shipped ones (a TOML file like phrases/content.toml; also
    /// MOCKVIEW_PHRASES, config `phrases`)
    #[arg(long, value_name = "FILE")]
    pub phrases: Option<PathBuf>,
}

impl AnalyzeArgs {
    /// The thresholds given on the command line, by the setting each sets.
    pub fn tunings(&self) -> [(Tuning, Option<f64>); 12] {
        [
            (Tuning::MinPause, self.min_pause),
            (Tuning::LongPause, self.long_pause),
            (Tuning::MaxWpm, self.max_wpm),
            (Tuning::MinWpm, self.min_wpm),
            (Tuning::MaxAnswer, self.max_answer),
            (Tuning::MinAnswer, self.min_answer),
            (Tuning::MaxFirstWord, self.max_first_word),
            (Tuning::PitchFloor, self.pitch_floor),
            (Tuning::PitchCeiling, self.pitch_ceiling),
            (Tuning::MinPitchSd, self.min_pitch_sd),
            (Tuning::MaxFillers, self.max_fillers),
            (Tuning::MaxHedges, self.max_hedges),
        ]
    }
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// A session id, a unique prefix of one, or `latest`
    pub session: String,
    /// Answer numbers to play (default: all)
    #[arg(value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub answers: Vec<u32>,
    /// Play this take (1 = the first) instead of the final one
    #[arg(long, value_name = "K", value_parser = clap::value_parser!(u32).range(1..))]
    pub take: Option<u32>,
    /// Output device: an id from `mockview devices` or a unique part of a name (setting `output_device`)
    #[arg(short, long, value_name = "ID")]
    pub device: Option<String>,
    #[command(flatten)]
    pub speak: SpeakArgs,
    #[command(flatten)]
    pub output: OutputArgs,
}

/// Advanced: how to open the output.
#[derive(Debug, Args, Clone)]
pub struct OutputArgs {
    /// Open the output at this rate and resample to it (for testing)
    #[arg(long, value_name = "HZ", hide = true, value_parser = clap::value_parser!(u32).range(8000..=384000))]
    pub output_rate: Option<u32>,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// A session id, a unique prefix of one, or `latest`
    pub session: String,
    /// Who is reviewing, stored with each review (setting `reviewer`)
    #[arg(long, value_name = "NAME")]
    pub reviewer: Option<String>,
    /// The candidate reviewing themselves: also ask the self-check questions
    #[arg(long = "self")]
    pub self_review: bool,
    /// Do not play the answers; only ask for the scores
    #[arg(long)]
    pub no_play: bool,
    /// Output device for playback (setting `output_device`)
    #[arg(short, long, value_name = "ID")]
    pub device: Option<String>,
    /// Review this answer from the flags only (no prompts, no playback)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub answer: Option<u32>,
    /// A score with --answer: CRITERION=1..5 (structure, relevance, specificity, clarity, delivery); repeatable
    #[arg(long = "score", value_name = "CRITERION=N", requires = "answer")]
    pub scores: Vec<String>,
    /// Notes with --answer (one line)
    #[arg(long, value_name = "TEXT", requires = "answer")]
    pub notes: Option<String>,
    #[command(flatten)]
    pub output: OutputArgs,
}

#[derive(Debug, Args)]
pub struct MicCheckArgs {
    #[arg(long, value_name = "SECS", help = format!("Seconds to record [default: {}]", config::MIC_CHECK_SECONDS), value_parser = clap::value_parser!(u32).range(1..=i64::from(config::MIC_CHECK_SECONDS_MAX)))]
    pub seconds: Option<u32>,
    /// Input device: an id from `mockview devices` or a unique part of a name (setting `input_device`)
    #[arg(short, long, value_name = "ID")]
    pub device: Option<String>,
    /// Output device for the playback (setting `output_device`)
    #[arg(long, value_name = "ID")]
    pub output: Option<String>,
    /// Do not play the recording back
    #[arg(long)]
    pub no_playback: bool,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub output_args: OutputArgs,
}

impl Cli {
    /// The settings given as flags, by setting (see `config::KEYS`):
    /// what overrides the environment and the config file.
    pub fn flags(&self) -> config::Flags {
        use config::Name;
        let mut f = config::Flags::default();
        f.path(Name::SessionsDir, self.dir.clone());
        match &self.command {
            Command::Practice(a) => {
                f.number(Name::Count, a.count);
                f.number(Name::Prep, a.prep);
                f.number(Name::Limit, a.limit);
                f.list(Name::Categories, a.categories.clone());
                f.text(Name::InputDevice, a.device.clone());
                f.bool(Name::Speak, a.speak.given());
                f.bool(
                    Name::FollowUps,
                    match (a.follow_ups, a.no_follow_ups) {
                        (_, true) => Some(false),
                        (true, false) => Some(true),
                        (false, false) => None,
                    },
                );
                f.text(Name::Model, a.model.model.clone());
            }
            Command::Transcribe(a) => f.text(Name::Model, a.model.model.clone()),
            Command::Analyze(a) => {
                f.path(Name::Phrases, a.phrases.clone());
                f.text(Name::Model, a.model.model.clone());
            }
            Command::Import(a) => f.text(Name::Model, a.model.model.clone()),
            Command::MicCheck(a) => {
                f.text(Name::InputDevice, a.device.clone());
                f.text(Name::OutputDevice, a.output.clone());
            }
            Command::Replay(a) => {
                f.text(Name::OutputDevice, a.device.clone());
                f.bool(Name::Speak, a.speak.given());
            }
            Command::Review(a) => {
                f.text(Name::OutputDevice, a.device.clone());
                f.text(Name::Reviewer, a.reviewer.clone());
            }
            _ => {}
        }
        f
    }

    /// Write the manual page (roff) to `w`: clap_mangen's page of the
    /// command line, with ENVIRONMENT and FILES sections from the settings.
    pub fn write_man(w: &mut dyn std::io::Write) -> std::io::Result<()> {
        use clap::CommandFactory;
        use roff::{bold, italic, roman, Roff};
        let man = clap_mangen::Man::new(Cli::command());
        man.render_title(w)?;
        man.render_name_section(w)?;
        man.render_synopsis_section(w)?;
        man.render_description_section(w)?;
        man.render_options_section(w)?;
        man.render_subcommands_section(w)?;
        let mut page = Roff::new();
        page.text([
            roman("Each command has its own options: "),
            bold("mockview"),
            roman(" "),
            italic("COMMAND"),
            roman(" "),
            bold("--help"),
            roman("."),
        ]);
        page.control("SH", ["ENVIRONMENT"]);
        page.control("TP", []);
        page.text([bold(config::CONFIG_ENV)]);
        page.text([roman(
            "The config file to read instead of $XDG_CONFIG_HOME/mockview/config.toml.",
        )]);
        for key in config::KEYS {
            page.control("TP", []);
            page.text([bold(key.env)]);
            page.text([roman(format!("Setting {}: {}", key.name, key.doc))]);
        }
        page.control("TP", []);
        page.text([bold("NO_COLOR")]);
        page.text([roman("No colour, unless --color always.")]);
        page.control("SH", ["FILES"]);
        page.control("TP", []);
        page.text([italic("$XDG_CONFIG_HOME/mockview/config.toml")]);
        page.text([roman(
            "The settings (mockview config init writes a commented one). \
             Precedence: flag, environment, file, default.",
        )]);
        page.control("TP", []);
        page.text([italic("$XDG_DATA_HOME/mockview/recordings")]);
        page.text([roman(
            "The sessions, when no folder is set and ./recordings does not exist.",
        )]);
        page.control("SH", ["EXIT STATUS"]);
        page.text([roman(
            "0 on success, 1 on an error, 2 on a usage error, 130 after Ctrl-C \
             (what was recorded is kept).",
        )]);
        page.to_writer(w)?;
        man.render_version_section(w)
    }

    /// Write completions for `shell` to stdout.
    /// Writes the script whole: `clap_complete::generate` panics on a
    /// write error, so it fills a buffer and the error (a closed pipe)
    /// comes back to the caller instead.
    pub fn print_completions(shell: clap_complete::Shell) -> std::io::Result<()> {
        use clap::CommandFactory;
        use std::io::Write;
        let mut cmd = Cli::command();
        let mut script = Vec::new();
        clap_complete::generate(shell, &mut cmd, "mockview", &mut script);
        std::io::stdout().lock().write_all(&script)
    }
}
