//! The config file: TOML, one `key = value` per setting (see [`KEYS`]).
//! A malformed file is one error naming the file, the line and the key; an
//! unknown key is a warning, so a file written for a newer mockview still
//! works with an older one.

use super::{Key, Kind, Name, Value, KEYS};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A config file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("{}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{line}: {}{message}", path.display(), key.as_ref().map(|k| format!("`{k}`: ")).unwrap_or_default())]
    Invalid {
        path: PathBuf,
        line: usize,
        key: Option<String>,
        message: String,
    },
}

/// The settings a config file gives, each with its line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FileLayer {
    /// The file read (`None`: no config folder on this platform).
    pub path: Option<PathBuf>,
    /// Whether the file exists.
    pub exists: bool,
    /// By setting, each with the line it is on.
    pub values: BTreeMap<Name, (Value, usize)>,
    /// Unknown keys, one line each, naming file and line.
    pub warnings: Vec<String>,
}

/// A file larger than this is not a config file; refuse before parsing.
const MAX_BYTES: u64 = 1024 * 1024;

/// Read and check a config file. A missing file gives no settings.
pub fn parse_file(path: &Path) -> Result<FileLayer, ConfigError> {
    let read_err = |source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    };
    let text = match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Ok(FileLayer {
                path: Some(path.to_path_buf()),
                ..FileLayer::default()
            })
        }
        Err(e) => return Err(read_err(e)),
        Ok(m) if m.len() > MAX_BYTES => {
            return Err(ConfigError::Invalid {
                path: path.to_path_buf(),
                line: 1,
                key: None,
                message: format!("too large for a config file ({} bytes)", m.len()),
            })
        }
        Ok(_) => std::fs::read_to_string(path).map_err(read_err)?,
    };
    let mut layer = parse_str(path, &text)?;
    layer.exists = true;
    Ok(layer)
}

/// Parse the text of a config file; `path` names it in messages and anchors
/// relative folders.
pub(super) fn parse_str(path: &Path, text: &str) -> Result<FileLayer, ConfigError> {
    let table: toml::Table = toml::from_str(text).map_err(|e| {
        let line = e.span().map_or(1, |s| line_of(text, s.start));
        ConfigError::Invalid {
            path: path.to_path_buf(),
            line,
            key: key_on_line(text, line),
            message: one_line(e.message()),
        }
    })?;
    let mut layer = FileLayer {
        path: Some(path.to_path_buf()),
        ..FileLayer::default()
    };
    for (name, value) in &table {
        let line = line_of_key(text, name);
        let Some(key) = KEYS.iter().find(|k| k.name == name) else {
            // `[mockview]` above the settings puts them all in a table,
            // where none is read: say so, not "unknown setting".
            if value.is_table() {
                let line = line_of_table(text, name);
                layer.warnings.push(format!(
                    "{}:{line}: table `[{name}]` ignored, and the keys in it: settings are top-level lines (`prep = 45`), before any `[table]`",
                    path.display()
                ));
                continue;
            }
            layer.warnings.push(format!(
                "{}:{line}: unknown setting `{name}`, ignored (known: {})",
                path.display(),
                KEYS.iter().map(|k| k.name).collect::<Vec<_>>().join(", ")
            ));
            continue;
        };
        let value = value_of(key, value).map_err(|message| ConfigError::Invalid {
            path: path.to_path_buf(),
            line,
            key: Some(name.clone()),
            message,
        })?;
        let value = match value {
            Value::Path(p) => Value::Path(anchor(&p, path)),
            v => v,
        };
        layer.values.insert(key.id, (value, line));
    }
    Ok(layer)
}

/// A folder written in the file: `~/` is the home folder, a relative path is
/// relative to the file's own folder (not to wherever mockview runs).
fn anchor(p: &Path, file: &Path) -> PathBuf {
    if let Ok(rest) = p.strip_prefix("~") {
        if let Some(home) = directories::BaseDirs::new() {
            return home.home_dir().join(rest);
        }
    }
    if p.is_relative() {
        if let Some(dir) = file.parent() {
            return dir.join(p);
        }
    }
    p.to_path_buf()
}

/// Check a TOML value against the kind of its key.
pub(super) fn value_of(key: &Key, v: &toml::Value) -> Result<Value, String> {
    let text = |v: &toml::Value| match v {
        toml::Value::String(s) if !s.trim().is_empty() => Ok(s.trim().to_string()),
        toml::Value::String(_) => Err("is empty (remove the line to leave it unset)".to_string()),
        other => Err(format!("expected a string, found {}", other.type_str())),
    };
    match key.kind {
        Kind::Path => text(v).map(|s| Value::Path(PathBuf::from(s))),
        Kind::Text => text(v).map(Value::Text),
        Kind::Number { min, max } => match v {
            toml::Value::Integer(n) => u32::try_from(*n)
                .ok()
                .filter(|n| (min..=max).contains(n))
                .map(Value::Number)
                .ok_or_else(|| format!("{n} is out of range ({min} to {max})")),
            other => Err(format!(
                "expected a whole number from {min} to {max}, found {}",
                other.type_str()
            )),
        },
        Kind::Bool => match v {
            toml::Value::Boolean(b) => Ok(Value::Bool(*b)),
            other => Err(format!(
                "expected true or false, found {}",
                other.type_str()
            )),
        },
        Kind::List => match v {
            toml::Value::Array(items) => items
                .iter()
                .map(text)
                .collect::<Result<Vec<_>, _>>()
                .map(Value::List)
                .map_err(|e| format!("a list item {e}")),
            toml::Value::String(_) => text(v).map(|s| Value::List(vec![s])),
            other => Err(format!(
                "expected a list of strings, found {}",
                other.type_str()
            )),
        },
    }
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// The line where `key = ...` is written (1 when it cannot be found).
fn line_of_key(text: &str, key: &str) -> usize {
    text.lines()
        .position(|l| key_of(l).as_deref() == Some(key))
        .map_or(1, |i| i + 1)
}

/// The line of the header `[name]` (1 when not found).
fn line_of_table(text: &str, name: &str) -> usize {
    text.lines()
        .position(|l| {
            let l = l.trim();
            !l.starts_with("[[")
                && l.strip_prefix('[')
                    .and_then(|l| l.split_once(']'))
                    .is_some_and(|(t, _)| t.trim().trim_matches(|c| c == '"' || c == '\'') == name)
        })
        .map_or(1, |i| i + 1)
}

/// The key a line sets, if it looks like `key = value`.
fn key_of(line: &str) -> Option<String> {
    let (k, _) = line.split_once('=')?;
    let k = k.trim().trim_matches(|c| c == '"' || c == '\'');
    (!k.is_empty() && !k.starts_with('#') && !k.starts_with('[')).then(|| k.to_string())
}

fn key_on_line(text: &str, line: usize) -> Option<String> {
    text.lines().nth(line.saturating_sub(1)).and_then(key_of)
}

fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The device ids of this machine, as `mockview devices` lists them (the
/// command that writes the template asks `audio` for them).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeviceIds {
    pub inputs: Vec<String>,
    pub outputs: Vec<String>,
}

/// How many of this machine's device ids the template names per side.
const TEMPLATE_DEVICE_IDS: usize = 4;

/// The commented file `mockview config init` writes: every setting, its
/// environment variable and default, commented out. The device settings'
/// examples are ids `devices` gives on this machine (issue 21: the template
/// suggested `pulse:default`, which no command ever printed); with none,
/// ALSA's `default`.
pub fn template(devices: &DeviceIds) -> String {
    let mut out = String::from(
        "# mockview settings (`mockview config` shows the effective values).\n\
         # Precedence: command-line flag > environment variable > this file > default.\n\
         # Uncomment a line to set it.\n",
    );
    for k in KEYS {
        out.push('\n');
        for line in crate::ui::wrap(k.doc, 76) {
            out.push_str(&format!("# {line}\n"));
        }
        let default = match k.default {
            super::Fallback::Unset => "unset".to_string(),
            d => d.to_string(),
        };
        out.push_str(&format!("# (environment: {}; default: {default})\n", k.env));
        let ids = match k.id {
            Name::InputDevice => devices.inputs.as_slice(),
            Name::OutputDevice => devices.outputs.as_slice(),
            _ => &[],
        };
        match ids {
            [] => out.push_str(&format!("# {} = {}\n", k.name, k.example)),
            [first, rest @ ..] => {
                if !rest.is_empty() {
                    let more: Vec<String> = rest
                        .iter()
                        .take(TEMPLATE_DEVICE_IDS - 1)
                        .map(|id| format!("\"{id}\""))
                        .collect();
                    out.push_str(&format!("# (also here: {})\n", more.join(", ")));
                }
                out.push_str(&format!("# {} = \"{first}\"\n", k.name));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<FileLayer, String> {
        parse_str(Path::new("/etc/c.toml"), text).map_err(|e| e.to_string())
    }

    #[test]
    fn the_template_is_valid_commented_and_uncommented() {
        let here = DeviceIds {
            inputs: vec!["alsa:default".into(), "pulseaudio:mic".into()],
            outputs: vec!["pulseaudio:speakers".into()],
        };
        for t in [template(&DeviceIds::default()), template(&here)] {
            the_template_parses(&t);
        }
        let t = template(&here);
        assert!(
            t.contains("# (also here: \"pulseaudio:mic\")\n# input_device = \"alsa:default\"\n")
        );
        assert!(t.contains("\n# output_device = \"pulseaudio:speakers\"\n"));
        assert!(template(&DeviceIds::default()).contains("\n# input_device = \"alsa:default\"\n"));
    }

    fn the_template_parses(t: &str) {
        let l = parse(t).unwrap();
        assert!(l.values.is_empty() && l.warnings.is_empty());
        let uncommented: String = t
            .lines()
            .map(|l| match l.strip_prefix("# ") {
                Some(rest) if rest.contains(" = ") && !rest.starts_with('(') => rest,
                _ => l,
            })
            .collect::<Vec<_>>()
            .join("\n");
        let l = parse(&uncommented).unwrap();
        assert_eq!(l.values.len(), KEYS.len(), "{uncommented}");
        assert!(l.warnings.is_empty());
    }

    #[test]
    fn errors_name_file_line_and_key() {
        let e = parse("speak = true\nprep = \"soon\"\n").unwrap_err();
        assert_eq!(
            e,
            "/etc/c.toml:2: `prep`: expected a whole number from 0 to 3600, found string"
        );
        let e = parse("count = 3\nlimit = 9999999\n").unwrap_err();
        assert!(e.starts_with("/etc/c.toml:2: `limit`: "), "{e}");
        let e = parse("count = 3\n\nvoice = \"en\n").unwrap_err();
        assert!(e.starts_with("/etc/c.toml:3: `voice`: "), "{e}");
        assert!(!e.contains('\n'));
    }

    #[test]
    fn unknown_keys_warn_and_the_rest_applies() {
        let l = parse("colour = \"red\"\nprep = 5\n").unwrap();
        assert_eq!(l.values[&Name::Prep], (Value::Number(5), 2));
        assert_eq!(l.warnings.len(), 1);
        assert!(l.warnings[0].starts_with("/etc/c.toml:1: unknown setting `colour`"));
    }

    #[test]
    fn settings_in_a_table_are_named_as_such() {
        let l = parse(
            "speak = true
[mockview]
prep = 5
",
        )
        .unwrap();
        assert!(!l.values.contains_key(&Name::Prep));
        assert_eq!(
            l.warnings,
            ["/etc/c.toml:2: table `[mockview]` ignored, and the keys in it: settings are top-level lines (`prep = 45`), before any `[table]`"]
        );
    }

    #[test]
    fn folders_are_anchored_to_the_file() {
        let l = parse("sessions_dir = \"rec\"\n").unwrap();
        assert_eq!(
            l.values[&Name::SessionsDir].0,
            Value::Path("/etc/rec".into())
        );
    }
}
