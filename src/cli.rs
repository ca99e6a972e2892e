//! The command line (clap derive). The only module that knows clap: commands
//! receive these plain structs.

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
    /// Root folder of the sessions [default: ./recordings]
    #[arg(long, global = true, env = "MOCKVIEW_DIR", value_name = "DIR")]
    pub dir: Option<PathBuf>,

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
    /// Pack a session into one zip file to send to a coach
    Export(ExportArgs),
    /// Unpack a session from a zip file, or merge its reviews into the local copy
    Import(ImportArgs),
    /// Delivery metrics of a WAV file or of a session's answers: talk time, pauses, pace, loudness
    Analyze(AnalyzeArgs),
    /// Progress across sessions: pace, pauses, answer length, review scores, per question
    Stats(JsonFlag),
    /// Finish sessions that a crash or power loss left open: fix WAV headers, update the log
    Repair(RepairArgs),
    /// Transcribe a session's answers (stored in its log) or a WAV file, locally, with word times
    Transcribe(TranscribeArgs),
    /// The Whisper models for `transcribe`: list, download (the only network use), add a file
    Model(ModelArgs),
    /// Print shell completions
    Completions(CompletionsArgs),
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
}

#[derive(Debug, Args)]
pub struct PracticeArgs {
    /// How many questions to ask
    #[arg(short = 'n', long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=1000))]
    pub count: u32,
    /// Only questions of this category (repeatable); see `mockview questions`
    #[arg(short, long = "category", value_name = "CATEGORY")]
    pub categories: Vec<String>,
    /// A shipped bank name or a .toml/.txt file (repeatable; replaces the default bank)
    #[arg(short, long = "bank", value_name = "NAME|PATH")]
    pub banks: Vec<String>,
    /// Order in which questions are picked
    #[arg(long, value_enum, default_value_t = OrderArg::Random)]
    pub order: OrderArg,
    /// Seed for the random order (printed and logged, so a session can be repeated)
    #[arg(long)]
    pub seed: Option<u64>,
    /// Seconds to prepare before recording starts (Enter starts early)
    #[arg(long, value_name = "SECS", default_value_t = 30, value_parser = clap::value_parser!(u32).range(0..=3600))]
    pub prep: u32,
    /// Answer time limit in seconds, 0 for none
    #[arg(long, value_name = "SECS", default_value_t = 120, value_parser = clap::value_parser!(u32).range(0..=36000))]
    pub limit: u32,
    /// Input device: an id from `mockview devices` or a unique part of a name
    #[arg(short, long, value_name = "ID")]
    pub device: Option<String>,
    /// Speak each question aloud (espeak-ng, spd-say or say)
    #[arg(long)]
    pub speak: bool,
    #[command(flatten)]
    pub input: InputArgs,
    #[command(flatten)]
    pub model: ModelChoice,
    /// Do not transcribe the answers during the session (`mockview transcribe` can later)
    #[arg(long)]
    pub no_transcribe: bool,
}

/// Which Whisper model to transcribe with.
#[derive(Debug, Args, Clone)]
pub struct ModelChoice {
    /// A ggml Whisper model file [default: the best one installed, see `mockview model list`]
    #[arg(long, value_name = "PATH", env = "MOCKVIEW_MODEL")]
    pub model: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct TranscribeArgs {
    /// A WAV file, or a session: an id, a unique prefix of one, or `latest`
    #[arg(value_name = "SESSION|FILE.wav")]
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
    },
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
    /// One JSON document instead of a table
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct QuestionsArgs {
    #[command(subcommand)]
    pub action: Option<QuestionsAction>,
    /// Only this category (repeatable)
    #[arg(short, long = "category", value_name = "CATEGORY")]
    pub categories: Vec<String>,
    /// A shipped bank name or a .toml/.txt file (repeatable)
    #[arg(short, long = "bank", value_name = "NAME|PATH")]
    pub banks: Vec<String>,
    /// One JSON document instead of a list
    #[arg(long)]
    pub json: bool,
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
    /// A zip file made by `mockview export`
    #[arg(value_name = "FILE.zip")]
    pub file: PathBuf,
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// A WAV file, or a session: an id, a unique prefix of one, or `latest`
    #[arg(value_name = "SESSION|FILE.wav")]
    pub target: String,
    /// One JSON document instead of text
    #[arg(long)]
    pub json: bool,
    /// Store the recomputed metrics in the session log (not for a WAV file)
    #[arg(long)]
    pub save: bool,
    /// Shortest silence between words that counts as a pause, in seconds
    #[arg(
        long,
        value_name = "S",
        default_value_t = 0.25,
        allow_negative_numbers = true
    )]
    pub min_pause: f64,
    /// Shortest pause that counts as a long pause, in seconds
    #[arg(
        long,
        value_name = "S",
        default_value_t = 1.2,
        allow_negative_numbers = true
    )]
    pub long_pause: f64,
    /// Flag a pace above this many words per minute
    #[arg(
        long,
        value_name = "WPM",
        default_value_t = 180.0,
        allow_negative_numbers = true
    )]
    pub max_wpm: f64,
    /// Flag a pace below this many words per minute
    #[arg(
        long,
        value_name = "WPM",
        default_value_t = 110.0,
        allow_negative_numbers = true
    )]
    pub min_wpm: f64,
    /// Flag an answer longer than this, in seconds
    #[arg(
        long,
        value_name = "S",
        default_value_t = 150.0,
        allow_negative_numbers = true
    )]
    pub max_answer: f64,
    /// Flag an answer shorter than this, in seconds
    #[arg(
        long,
        value_name = "S",
        default_value_t = 30.0,
        allow_negative_numbers = true
    )]
    pub min_answer: f64,
    /// Flag a silence before the first word longer than this, in seconds
    #[arg(
        long,
        value_name = "S",
        default_value_t = 3.0,
        allow_negative_numbers = true
    )]
    pub max_first_word: f64,
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
    /// Output device: an id from `mockview devices` or a unique part of a name
    #[arg(short, long, value_name = "ID")]
    pub device: Option<String>,
    /// Speak each question aloud before its answer
    #[arg(long)]
    pub speak: bool,
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
    /// Who is reviewing (stored with each review)
    #[arg(long, value_name = "NAME")]
    pub reviewer: String,
    /// The candidate reviewing themselves: also ask the self-check questions
    #[arg(long = "self")]
    pub self_review: bool,
    /// Do not play the answers; only ask for the scores
    #[arg(long)]
    pub no_play: bool,
    /// Output device for playback
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
    /// Seconds to record
    #[arg(long, value_name = "SECS", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=60))]
    pub seconds: u32,
    /// Input device: an id from `mockview devices` or a unique part of a name
    #[arg(short, long, value_name = "ID")]
    pub device: Option<String>,
    /// Output device for the playback
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
