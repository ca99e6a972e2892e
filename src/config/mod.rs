//! Settings that stick: the config file, the environment and the command
//! line resolved into one typed [`Settings`], each value with where it came
//! from. Precedence: flag > environment > file > default.
//!
//! The list of settings ([`KEYS`]) lives here once: the file's keys, the
//! environment variables, the commented template of `mockview config init`
//! and the order `mockview config` prints them in all come from it. This
//! module reads files and the environment but writes nothing and prints
//! nothing: warnings are returned for the caller to show. `analyze`'s
//! thresholds, settings of one run only, are in [`Tuning`].

mod file;
mod folders;
mod tuning;

pub use file::{parse_file, template, ConfigError, DeviceIds, FileLayer};
pub use folders::{config_path, data_dir, default_sessions_dir, SessionsDirRule};
pub use tuning::{tune, Tuned, Tuning, TuningError};

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// The environment variable that names the config file instead of the
/// platform's (`$XDG_CONFIG_HOME/mockview/config.toml`).
pub const CONFIG_ENV: &str = "MOCKVIEW_CONFIG";

/// The largest values accepted for the timed settings and the count, shared
/// with the command line's checks.
pub const PREP_MAX: u32 = 3600;
pub const LIMIT_MAX: u32 = 36_000;
pub const COUNT_MAX: u32 = 1000;
/// Speech rate in words per minute (espeak-ng's `-s`, macOS `say -r`).
pub const RATE_RANGE: (u32, u32) = (80, 450);

/// What kind of value a setting holds: how it is parsed from the file
/// and from the environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Path,
    Text,
    /// A whole number in `min..=max`.
    Number {
        min: u32,
        max: u32,
    },
    Bool,
    /// A list of names (in the environment: comma-separated).
    List,
}

/// Every setting, by a name the compiler checks: the command line and the
/// commands name settings by these, never by a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Name {
    SessionsDir,
    InputDevice,
    OutputDevice,
    Prep,
    Limit,
    Count,
    Categories,
    Speak,
    Voice,
    Rate,
    FollowUps,
    Reviewer,
    Model,
    Phrases,
}

/// The defaults of the number settings: here once, for the settings
/// table, the resolution and the command line's help.
pub const PREP_DEFAULT: u32 = 30;
pub const LIMIT_DEFAULT: u32 = 120;
pub const COUNT_DEFAULT: u32 = 5;
/// How long `mic-check` records when `--seconds` is not given, and at most.
pub const MIC_CHECK_SECONDS: u32 = 3;
pub const MIC_CHECK_SECONDS_MAX: u32 = 60;

/// A setting's default when nothing chose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fallback {
    /// No value (the program's or the system's own choice).
    Unset,
    Number(u32),
    Bool(bool),
    EmptyList,
}

impl fmt::Display for Fallback {
    /// As the config file would spell it; empty when unset.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fallback::Unset => Ok(()),
            Fallback::Number(n) => write!(f, "{n}"),
            Fallback::Bool(b) => write!(f, "{b}"),
            Fallback::EmptyList => f.write_str("[]"),
        }
    }
}

/// One setting: its key in the file, its environment variable, its default,
/// and what it is for.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    pub id: Name,
    /// As the config file spells it.
    pub name: &'static str,
    pub env: &'static str,
    pub kind: Kind,
    pub default: Fallback,
    /// An example value for the commented template.
    pub example: &'static str,
    pub doc: &'static str,
}

/// Every setting, in the order `config` prints them and the template lists them.
pub const KEYS: &[Key] = &[
    Key {
        id: Name::SessionsDir,
        name: "sessions_dir",
        env: "MOCKVIEW_DIR",
        kind: Kind::Path,
        default: Fallback::Unset,
        example: "\"~/interviews\"",
        doc: "Root folder of the sessions. Unset: ./recordings if it exists, \
              else the data folder ($XDG_DATA_HOME/mockview/recordings). \
              `~/` is your home; a relative path is relative to this file.",
    },
    Key {
        id: Name::InputDevice,
        name: "input_device",
        env: "MOCKVIEW_INPUT_DEVICE",
        kind: Kind::Text,
        default: Fallback::Unset,
        example: "\"alsa:default\"",
        doc: "Microphone: an id from `mockview devices` or a unique part of a name. \
              Unset: the system default.",
    },
    Key {
        id: Name::OutputDevice,
        name: "output_device",
        env: "MOCKVIEW_OUTPUT_DEVICE",
        kind: Kind::Text,
        default: Fallback::Unset,
        example: "\"alsa:default\"",
        doc: "Speakers or headphones for replay, review and mic-check. Unset: the system default.",
    },
    Key {
        id: Name::Prep,
        name: "prep",
        env: "MOCKVIEW_PREP",
        kind: Kind::Number {
            min: 0,
            max: PREP_MAX,
        },
        default: Fallback::Number(PREP_DEFAULT),
        example: "45",
        doc: "Seconds to prepare before the recording starts.",
    },
    Key {
        id: Name::Limit,
        name: "limit",
        env: "MOCKVIEW_LIMIT",
        kind: Kind::Number {
            min: 0,
            max: LIMIT_MAX,
        },
        default: Fallback::Number(LIMIT_DEFAULT),
        example: "90",
        doc: "Answer time limit in seconds, 0 for none.",
    },
    Key {
        id: Name::Count,
        name: "count",
        env: "MOCKVIEW_COUNT",
        kind: Kind::Number {
            min: 1,
            max: COUNT_MAX,
        },
        default: Fallback::Number(COUNT_DEFAULT),
        example: "3",
        doc: "How many questions a practice session asks.",
    },
    Key {
        id: Name::Categories,
        name: "categories",
        env: "MOCKVIEW_CATEGORIES",
        kind: Kind::List,
        default: Fallback::EmptyList,
        example: "[\"conflict\", \"failure\"]",
        doc: "Only questions of these categories (see `mockview questions`); empty for all. \
              In the environment: comma-separated.",
    },
    Key {
        id: Name::Speak,
        name: "speak",
        env: "MOCKVIEW_SPEAK",
        kind: Kind::Bool,
        default: Fallback::Bool(false),
        example: "true",
        doc: "Speak each question aloud (espeak-ng, spd-say or say).",
    },
    Key {
        id: Name::Voice,
        name: "voice",
        env: "MOCKVIEW_VOICE",
        kind: Kind::Text,
        default: Fallback::Unset,
        example: "\"en-gb\"",
        doc: "The voice of the speech (espeak-ng -v, say -v). Unset: the program's default.",
    },
    Key {
        id: Name::Rate,
        name: "rate",
        env: "MOCKVIEW_RATE",
        kind: Kind::Number {
            min: RATE_RANGE.0,
            max: RATE_RANGE.1,
        },
        default: Fallback::Unset,
        example: "150",
        doc:
            "Speech rate in words per minute (espeak-ng -s, say -r). Unset: the program's default.",
    },
    Key {
        id: Name::FollowUps,
        name: "follow_ups",
        env: "MOCKVIEW_FOLLOW_UPS",
        kind: Kind::Bool,
        default: Fallback::Bool(false),
        example: "true",
        doc: "After an answer, ask one of the question's follow-ups.",
    },
    Key {
        id: Name::Reviewer,
        name: "reviewer",
        env: "MOCKVIEW_REVIEWER",
        kind: Kind::Text,
        default: Fallback::Unset,
        example: "\"Sam\"",
        doc: "Your name as a reviewer (`mockview review --reviewer`).",
    },
    Key {
        id: Name::Model,
        name: "model",
        env: "MOCKVIEW_MODEL",
        kind: Kind::Text,
        default: Fallback::Unset,
        example: "\"base.en\"",
        doc: "The transcription model: an installed model's name (see \
              `mockview model list`) or a ggml model file. Unset: the most \
              accurate installed model.",
    },
    Key {
        id: Name::Phrases,
        name: "phrases",
        env: "MOCKVIEW_PHRASES",
        kind: Kind::Path,
        default: Fallback::Unset,
        example: "\"~/my-phrases.toml\"",
        doc: "Your own fillers, hedges, negative phrases and STAR cues, added \
              to the shipped lists (a TOML file like phrases/content.toml).",
    },
];

/// The setting `id`.
pub fn key(id: Name) -> &'static Key {
    KEYS.iter()
        .find(|k| k.id == id)
        .expect("every setting is in KEYS (tested)")
}

/// A flag's help: `text`, the setting it sets and its default, from the
/// table (so the help never disagrees with what is used).
pub fn flag_help(id: Name, text: &str) -> String {
    let k = key(id);
    match k.default {
        Fallback::Unset => format!("{text} (setting `{}`)", k.name),
        d => format!("{text} (setting `{}`) [default: {d}]", k.name),
    }
}

impl Name {
    /// As the config file spells it.
    pub fn as_str(self) -> &'static str {
        key(self).name
    }
}

/// A setting's value, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Path(PathBuf),
    Text(String),
    Number(u32),
    Bool(bool),
    List(Vec<String>),
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Path(p) => write!(f, "{}", p.display()),
            Value::Text(t) => write!(f, "{t:?}"),
            Value::Number(n) => write!(f, "{n}"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::List(l) => write!(f, "{l:?}"),
        }
    }
}

/// Where a setting's value came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A command-line flag.
    Flag,
    /// An environment variable.
    Env(&'static str),
    /// The config file, at this line.
    File { path: PathBuf, line: usize },
    /// The sessions folder found by the default rules.
    Rule(SessionsDirRule),
    /// The built-in default.
    Default,
}

impl Source {
    /// True when the user chose the value (flag, environment or file).
    pub fn is_chosen(&self) -> bool {
        matches!(self, Source::Flag | Source::Env(_) | Source::File { .. })
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Flag => f.write_str("flag"),
            Source::Env(var) => write!(f, "environment {var}"),
            Source::File { path, line } => write!(f, "{}:{line}", path.display()),
            Source::Rule(rule) => write!(f, "default: {rule}"),
            Source::Default => f.write_str("default"),
        }
    }
}

/// A value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Setting<T> {
    pub value: T,
    pub source: Source,
}

/// The values given on the command line, by key; the command line fills it
/// (only `cli` knows the flags' spelling).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flags {
    values: BTreeMap<Name, Value>,
}

impl Flags {
    /// Record a flag's value for the setting `name`.
    pub fn set(&mut self, name: Name, value: Value) {
        self.values.insert(name, value);
    }

    /// Record `value` when the flag was given.
    fn given(&mut self, name: Name, value: Option<Value>) {
        if let Some(v) = value {
            self.set(name, v);
        }
    }

    pub fn path(&mut self, name: Name, value: Option<PathBuf>) {
        self.given(name, value.map(Value::Path));
    }

    pub fn text(&mut self, name: Name, value: Option<String>) {
        self.given(name, value.map(Value::Text));
    }

    pub fn number(&mut self, name: Name, value: Option<u32>) {
        self.given(name, value.map(Value::Number));
    }

    pub fn bool(&mut self, name: Name, value: Option<bool>) {
        self.given(name, value.map(Value::Bool));
    }

    /// A repeatable flag: given when the list is not empty.
    pub fn list(&mut self, name: Name, value: Vec<String>) {
        self.given(name, (!value.is_empty()).then_some(Value::List(value)));
    }
}

/// Every setting resolved: the typed values the commands use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    /// The config file consulted (it may not exist).
    pub file: Option<PathBuf>,
    pub sessions_dir: Setting<PathBuf>,
    pub input_device: Setting<Option<String>>,
    pub output_device: Setting<Option<String>>,
    pub prep: Setting<u32>,
    pub limit: Setting<u32>,
    pub count: Setting<u32>,
    pub categories: Setting<Vec<String>>,
    pub speak: Setting<bool>,
    pub voice: Setting<Option<String>>,
    pub rate: Setting<Option<u32>>,
    pub follow_ups: Setting<bool>,
    pub reviewer: Setting<Option<String>>,
    pub model: Setting<Option<String>>,
    pub phrases: Setting<Option<PathBuf>>,
}

/// A value from the environment that does not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("environment {var}={value:?}: {message}")]
pub struct EnvError {
    pub var: &'static str,
    pub value: String,
    pub message: String,
}

/// Resolution failed: a bad file or a bad environment variable.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error(transparent)]
    File(#[from] ConfigError),
    #[error(transparent)]
    Env(#[from] EnvError),
}

/// The environment to read: a function so tests can pass their own.
pub type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// The process environment (empty values count as unset).
pub fn process_env(var: &str) -> Option<String> {
    std::env::var(var).ok().filter(|v| !v.is_empty())
}

/// The config file to read and to write: `MOCKVIEW_CONFIG`, else the
/// platform's; `None` on a system with no config folder. Nothing is read.
pub fn file_path(env: EnvLookup) -> Option<PathBuf> {
    env(CONFIG_ENV).map(PathBuf::from).or_else(config_path)
}

/// Resolve every setting from the flags, the environment and the config
/// file ([`file_path`]), with the default rules for the sessions folder.
/// Returns the settings and the warnings to show.
pub fn resolve(flags: &Flags, env: EnvLookup) -> Result<(Settings, Vec<String>), SettingsError> {
    let file_path = file_path(env);
    let file = match &file_path {
        Some(path) => parse_file(path)?,
        None => FileLayer::default(),
    };
    let mut env_values = BTreeMap::new();
    for k in KEYS {
        if let Some(raw) = env(k.env) {
            let value = parse_text(k, &raw).map_err(|message| EnvError {
                var: k.env,
                value: raw.clone(),
                message,
            })?;
            env_values.insert(k.id, value);
        }
    }
    let pick = |name: Name| -> Option<(Value, Source)> {
        let k = key(name);
        if let Some(v) = flags.values.get(&name) {
            return Some((v.clone(), Source::Flag));
        }
        if let Some(v) = env_values.get(&name) {
            return Some((v.clone(), Source::Env(k.env)));
        }
        file.values.get(&name).map(|(v, line)| {
            (
                v.clone(),
                Source::File {
                    path: file.path.clone().unwrap_or_default(),
                    line: *line,
                },
            )
        })
    };
    let sessions_dir = match pick(Name::SessionsDir) {
        Some((Value::Path(p), source)) => Setting { value: p, source },
        _ => {
            let (value, rule) = default_sessions_dir(Path::new("recordings"));
            Setting {
                value,
                source: Source::Rule(rule),
            }
        }
    };
    let text = |name: Name| match pick(name) {
        Some((Value::Text(t), source)) => Setting {
            value: Some(t),
            source,
        },
        _ => Setting {
            value: None,
            source: Source::Default,
        },
    };
    let number = |name: Name| match pick(name) {
        Some((Value::Number(n), source)) => Setting {
            value: Some(n),
            source,
        },
        _ => Setting {
            value: match key(name).default {
                Fallback::Number(n) => Some(n),
                _ => None,
            },
            source: Source::Default,
        },
    };
    let required = |name: Name| {
        let s = number(name);
        Setting {
            value: s.value.expect("a number setting with a default"),
            source: s.source,
        }
    };
    let boolean = |name: Name| match pick(name) {
        Some((Value::Bool(b), source)) => Setting { value: b, source },
        _ => Setting {
            value: key(name).default == Fallback::Bool(true),
            source: Source::Default,
        },
    };
    let settings = Settings {
        file: file_path,
        sessions_dir,
        input_device: text(Name::InputDevice),
        output_device: text(Name::OutputDevice),
        prep: required(Name::Prep),
        limit: required(Name::Limit),
        count: required(Name::Count),
        categories: match pick(Name::Categories) {
            Some((Value::List(l), source)) => Setting { value: l, source },
            _ => Setting {
                value: Vec::new(),
                source: Source::Default,
            },
        },
        speak: boolean(Name::Speak),
        voice: text(Name::Voice),
        rate: number(Name::Rate),
        follow_ups: boolean(Name::FollowUps),
        reviewer: text(Name::Reviewer),
        model: text(Name::Model),
        phrases: match pick(Name::Phrases) {
            Some((Value::Path(p), source)) => Setting {
                value: Some(p),
                source,
            },
            _ => Setting {
                value: None,
                source: Source::Default,
            },
        },
    };
    Ok((settings, file.warnings))
}

impl Settings {
    /// Every setting as (key, value as text, source), in [`KEYS`] order,
    /// for `mockview config`.
    pub fn rows(&self) -> Vec<(&'static str, String, &Source)> {
        KEYS.iter()
            .map(|k| {
                let (value, source) = self.shown(k.id);
                (k.name, value, source)
            })
            .collect()
    }

    /// Setting `id`'s value as `config` shows it, and where it came from.
    fn shown(&self, id: Name) -> (String, &Source) {
        fn opt<T: fmt::Display>(s: &Setting<Option<T>>) -> (String, &Source) {
            let v = s.value.as_ref();
            (
                v.map_or_else(|| "(unset)".into(), |v| v.to_string()),
                &s.source,
            )
        }
        fn quoted(s: &Setting<Option<String>>) -> (String, &Source) {
            let v = s.value.as_ref();
            (
                v.map_or_else(|| "(unset)".into(), |v| format!("{v:?}")),
                &s.source,
            )
        }
        fn plain<T: fmt::Display>(s: &Setting<T>) -> (String, &Source) {
            (s.value.to_string(), &s.source)
        }
        match id {
            Name::SessionsDir => (
                self.sessions_dir.value.display().to_string(),
                &self.sessions_dir.source,
            ),
            Name::InputDevice => quoted(&self.input_device),
            Name::OutputDevice => quoted(&self.output_device),
            Name::Prep => plain(&self.prep),
            Name::Limit => plain(&self.limit),
            Name::Count => plain(&self.count),
            Name::Categories => (
                format!("{:?}", self.categories.value),
                &self.categories.source,
            ),
            Name::Speak => plain(&self.speak),
            Name::Voice => quoted(&self.voice),
            Name::Rate => opt(&self.rate),
            Name::FollowUps => plain(&self.follow_ups),
            Name::Reviewer => quoted(&self.reviewer),
            Name::Model => quoted(&self.model),
            Name::Phrases => (
                self.phrases
                    .value
                    .as_ref()
                    .map_or_else(|| "(unset)".to_string(), |p| p.display().to_string()),
                &self.phrases.source,
            ),
        }
    }
}

/// Parse a value written as plain text (an environment variable).
fn parse_text(key: &Key, raw: &str) -> Result<Value, String> {
    let raw = raw.trim();
    match key.kind {
        Kind::Path => Ok(Value::Path(PathBuf::from(raw))),
        Kind::Text => Ok(Value::Text(raw.to_string())),
        Kind::Number { min, max } => raw
            .parse::<u32>()
            .ok()
            .filter(|n| (min..=max).contains(n))
            .map(Value::Number)
            .ok_or_else(|| format!("expected a whole number from {min} to {max}")),
        Kind::Bool => match raw.to_ascii_lowercase().as_str() {
            "1" | "true" | "yes" | "on" => Ok(Value::Bool(true)),
            "0" | "false" | "no" | "off" => Ok(Value::Bool(false)),
            _ => Err("expected true or false (1/0, yes/no)".into()),
        },
        Kind::List => Ok(Value::List(
            raw.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_is_in_the_table_once() {
        let mut ids: Vec<Name> = KEYS.iter().map(|k| k.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), KEYS.len(), "a setting listed twice");
        for k in KEYS {
            assert_eq!(key(k.id).name, k.name);
        }
    }
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k: &str| map.get(k).cloned()
    }

    #[test]
    fn flag_beats_environment_beats_file_beats_default() {
        let tmp = tempfile::tempdir().unwrap();
        let file = tmp.path().join("config.toml");
        std::fs::write(&file, "prep = 10\nlimit = 20\ncount = 3\n").unwrap();
        let cfg = file.to_str().unwrap().to_string();
        let env = env_of(&[
            ("MOCKVIEW_CONFIG", &cfg),
            ("MOCKVIEW_LIMIT", "40"),
            ("MOCKVIEW_PREP", "11"),
        ]);
        let mut flags = Flags::default();
        flags.number(Name::Prep, Some(12));
        let (s, warnings) = resolve(&flags, &env).unwrap();
        assert!(warnings.is_empty());
        assert_eq!(s.prep.value, 12);
        assert_eq!(s.prep.source, Source::Flag);
        assert_eq!(s.limit.value, 40);
        assert_eq!(s.limit.source, Source::Env("MOCKVIEW_LIMIT"));
        assert_eq!(s.count.value, 3);
        assert_eq!(
            s.count.source,
            Source::File {
                path: file,
                line: 3
            }
        );
        assert!(!s.speak.value);
        assert_eq!(s.speak.source, Source::Default);
    }

    #[test]
    fn a_bad_environment_value_names_the_variable() {
        let env = env_of(&[
            ("MOCKVIEW_CONFIG", "/nonexistent/c.toml"),
            ("MOCKVIEW_SPEAK", "maybe"),
        ]);
        let e = resolve(&Flags::default(), &env).unwrap_err().to_string();
        assert!(e.contains("MOCKVIEW_SPEAK") && e.contains("maybe"), "{e}");
    }

    #[test]
    fn every_default_parses_as_its_kind() {
        for k in KEYS.iter().filter(|k| k.default != Fallback::Unset) {
            let v: toml::Table = toml::from_str(&format!("{} = {}", k.name, k.default)).unwrap();
            assert!(file::value_of(k, &v[k.name]).is_ok(), "{}", k.name);
        }
    }
}
