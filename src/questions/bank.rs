//! Reading bank files (TOML or plain text) into [`QuestionBank`]s, checking
//! them, and picking the banks a session asks from. Every problem is reported
//! as one line naming the file and, where there is one, the line.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::builtin::{builtin_bank, BUILTIN_BANK_NAMES};
use super::{default_banks, is_slug, slugify, BankOrigin, Question, QuestionBank};

/// The largest bank file read. Real banks are a few kilobytes; the limit
/// keeps a mistaken path (a recording, a log) from being read whole.
pub const MAX_BANK_BYTES: u64 = 1024 * 1024;

/// The longest question id. Ids end up in file names, so keep them short.
const MAX_ID_LEN: usize = 64;

/// Why a bank could not be read. `label` is the file as the user named it.
#[derive(Debug, thiserror::Error)]
pub enum BankError {
    // `error` is deliberately not `#[source]`: the message already ends with
    // it, and printing the chain would repeat it.
    #[error("{label}: cannot read: {error}")]
    Read { label: String, error: io::Error },

    #[error("{label}: too large ({}; a bank may be at most 1 MiB)", human_size(*.size))]
    TooLarge { label: String, size: u64 },

    /// `byte` is the 0-based offset of the first byte that is not UTF-8.
    #[error("{label}:{line}: not valid UTF-8 (byte {byte})")]
    NotUtf8 {
        label: String,
        line: usize,
        byte: usize,
    },

    /// The TOML parser's own complaint (syntax, wrong type, unknown key).
    #[error("{label}{}: {message}", location(*.line, *.column))]
    Syntax {
        label: String,
        line: Option<usize>,
        column: Option<usize>,
        message: String,
    },

    /// Well-formed TOML whose content breaks a rule (missing text, bad id...).
    #[error("{label}:{line}: {problem}")]
    Invalid {
        label: String,
        line: usize,
        problem: String,
    },

    #[error("{label}: the bank has no questions")]
    Empty { label: String },

    #[error("{label}: not a question bank (give a .toml or .txt file)")]
    UnsupportedFormat { label: String },

    #[error(
        "unknown bank `{name}` (shipped banks: {}; or give a path to a .toml or .txt file)",
        BUILTIN_BANK_NAMES.join(", ")
    )]
    UnknownBank { name: String },

    /// `first` and `second` describe the two banks, e.g. "`behavioural` (shipped)".
    #[error(
        "question id `{id}` is in two banks, {first} and {second}; a session needs unique ids"
    )]
    DuplicateId {
        id: String,
        first: String,
        second: String,
    },
}

fn location(line: Option<usize>, column: Option<usize>) -> String {
    match (line, column) {
        (Some(line), Some(column)) => format!(":{line}:{column}"),
        (Some(line), None) => format!(":{line}"),
        _ => String::new(),
    }
}

fn human_size(bytes: u64) -> String {
    let mib = bytes as f64 / (1024.0 * 1024.0);
    // Just over the limit would print as "1.0 MiB", which reads as allowed.
    if mib < 1.05 {
        format!("{bytes} bytes")
    } else {
        format!("{mib:.1} MiB")
    }
}

/// 1-based line and column (in characters) of a byte offset in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text.as_bytes()[..offset.min(text.len())];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    // Count characters, not bytes: skip UTF-8 continuation bytes.
    let column = before[line_start..]
        .iter()
        .filter(|&&b| b & 0xC0 != 0x80)
        .count()
        + 1;
    (line, column)
}

fn line_of(text: &str, offset: usize) -> usize {
    line_column(text, offset).0
}

fn check_size(label: &str, size: u64) -> Result<(), BankError> {
    if size > MAX_BANK_BYTES {
        return Err(BankError::TooLarge {
            label: label.to_owned(),
            size,
        });
    }
    Ok(())
}

/// The bank's name when the file does not give one: its file name without
/// the extension.
fn name_from_label(label: &str) -> String {
    Path::new(label)
        .file_stem()
        .map(|stem| stem.to_string_lossy().into_owned())
        .filter(|stem| !stem.is_empty())
        .unwrap_or_else(|| label.to_owned())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBank {
    name: Option<Spanned<String>>,
    description: Option<String>,
    question: Option<Vec<Spanned<RawQuestion>>>,
}

// Every field is optional here so that a missing one is reported by
// `parse_toml_bank` with the question's number and line, not by serde.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: Option<Spanned<String>>,
    text: Option<Spanned<String>>,
    category: Option<Spanned<String>>,
    tips: Option<String>,
    follow_ups: Option<Vec<Spanned<String>>>,
    // Signed so that `-5` gets our message rather than a type error.
    limit_seconds: Option<Spanned<i64>>,
    story: Option<bool>,
}

fn toml_error(label: &str, text: &str, error: &toml::de::Error) -> BankError {
    let (line, column) = match error.span() {
        Some(span) => {
            let (line, column) = line_column(text, span.start);
            (Some(line), Some(column))
        }
        None => (None, None),
    };
    // serde says "field"; in a TOML file the user wrote a key.
    let message = error
        .message()
        .trim()
        .replace("unknown field", "unknown key")
        .replace("expected i64", "expected a whole number")
        .replace("expected a sequence", "expected an array")
        .replace("invalid type: map", "invalid type: table")
        .replace('\n', "; ");
    BankError::Syntax {
        label: label.to_owned(),
        line,
        column,
        message,
    }
}

/// A bank file's text, refused when too large, without a byte-order mark.
fn bank_text<'a>(label: &str, text: &'a str) -> Result<&'a str, BankError> {
    check_size(label, text.len() as u64)?;
    Ok(text.strip_prefix('\u{feff}').unwrap_or(text))
}

/// Parses a TOML bank. `label` names the file in errors and, without a
/// top-level `name`, gives the bank its name.
pub fn parse_toml_bank(
    label: &str,
    origin: BankOrigin,
    text: &str,
) -> Result<QuestionBank, BankError> {
    let text = bank_text(label, text)?;
    let raw: RawBank = toml::from_str(text).map_err(|e| toml_error(label, text, &e))?;
    let invalid = |offset: usize, problem: String| BankError::Invalid {
        label: label.to_owned(),
        line: line_of(text, offset),
        problem,
    };

    let name = match raw.name {
        Some(name) if name.get_ref().trim().is_empty() => {
            return Err(invalid(name.span().start, "`name` is empty".into()));
        }
        Some(name) => name.into_inner().trim().to_owned(),
        None => name_from_label(label),
    };
    let description = raw
        .description
        .map(|d| d.trim().to_owned())
        .filter(|d| !d.is_empty());

    let raw_questions = raw.question.unwrap_or_default();
    if raw_questions.is_empty() {
        return Err(BankError::Empty {
            label: label.to_owned(),
        });
    }

    // id -> (question number, line) of its first use
    let mut seen: HashMap<String, (usize, usize)> = HashMap::new();
    let mut questions = Vec::with_capacity(raw_questions.len());
    for (index, spanned) in raw_questions.into_iter().enumerate() {
        let number = index + 1;
        let table_start = spanned.span().start;
        let raw = spanned.into_inner();

        let Some(id) = raw.id else {
            return Err(invalid(
                table_start,
                format!("question {number} has no `id`"),
            ));
        };
        let id_start = id.span().start;
        let id = id.into_inner();
        if !is_slug(&id) {
            return Err(invalid(
                id_start,
                format!(
                    "question {number}: id `{id}` must be lowercase letters and digits \
                     joined by single hyphens, like `tell-me-about-yourself`"
                ),
            ));
        }
        if id.len() > MAX_ID_LEN {
            return Err(invalid(
                id_start,
                format!("question {number}: id `{id}` is longer than {MAX_ID_LEN} characters"),
            ));
        }
        let id_line = line_of(text, id_start);
        if let Some(&(first, first_line)) = seen.get(&id) {
            return Err(invalid(
                id_start,
                format!("question {number}: id `{id}` is already used by question {first} (line {first_line})"),
            ));
        }
        seen.insert(id.clone(), (number, id_line));

        let required = |field: Option<Spanned<String>>, key: &str| match field {
            None => Err(invalid(
                table_start,
                format!("question {number} (`{id}`) has no `{key}`"),
            )),
            Some(value) if value.get_ref().trim().is_empty() => Err(invalid(
                value.span().start,
                format!("question {number} (`{id}`) has an empty `{key}`"),
            )),
            Some(value) => Ok(value),
        };
        let question_text = required(raw.text, "text")?.into_inner().trim().to_owned();
        let category = required(raw.category, "category")?;
        if !is_slug(category.get_ref()) {
            let suggestion = slugify(category.get_ref());
            return Err(invalid(
                category.span().start,
                format!(
                    "question {number} (`{id}`): category `{}` must be a lowercase slug, like `{suggestion}`",
                    category.get_ref()
                ),
            ));
        }
        let category = category.into_inner();

        let mut follow_ups = Vec::new();
        for follow_up in raw.follow_ups.unwrap_or_default() {
            let follow_up_text = follow_up.get_ref().trim();
            if follow_up_text.is_empty() {
                return Err(invalid(
                    follow_up.span().start,
                    format!("question {number} (`{id}`) has an empty follow-up"),
                ));
            }
            follow_ups.push(follow_up_text.to_owned());
        }

        let limit_seconds = match raw.limit_seconds {
            None => None,
            Some(limit) => match u32::try_from(*limit.get_ref()) {
                Ok(seconds) if seconds > 0 => Some(seconds),
                _ => {
                    return Err(invalid(
                        limit.span().start,
                        format!(
                            "question {number} (`{id}`): `limit_seconds` must be a number of seconds above 0, not {}",
                            limit.get_ref()
                        ),
                    ))
                }
            },
        };

        questions.push(Question {
            id,
            text: question_text,
            category,
            tips: raw
                .tips
                .map(|t| t.trim().to_owned())
                .filter(|t| !t.is_empty()),
            follow_ups,
            limit_seconds,
            story: raw.story.unwrap_or(true),
        });
    }

    Ok(QuestionBank {
        name,
        description,
        origin,
        questions,
    })
}

/// Parses a plain-text bank: one question a line; blank lines and lines
/// starting with `#` are skipped. Every question is in category `general`,
/// its id is the slug of its text (`-2`, `-3`... on repeats), and it has no tips.
pub fn parse_txt_bank(
    label: &str,
    origin: BankOrigin,
    text: &str,
) -> Result<QuestionBank, BankError> {
    let text = bank_text(label, text)?;
    let mut ids = HashSet::new();
    let mut questions = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let base = slugify(line);
        let mut id = base.clone();
        let mut suffix = 2;
        while !ids.insert(id.clone()) {
            id = format!("{base}-{suffix}");
            suffix += 1;
        }
        questions.push(Question {
            id,
            text: line.to_owned(),
            category: "general".to_owned(),
            tips: None,
            follow_ups: Vec::new(),
            limit_seconds: None,
            story: true,
        });
    }
    if questions.is_empty() {
        return Err(BankError::Empty {
            label: label.to_owned(),
        });
    }
    Ok(QuestionBank {
        name: name_from_label(label),
        description: None,
        origin,
        questions,
    })
}

enum Format {
    Toml,
    Txt,
}

/// Reads a bank file; its extension (`.toml` or `.txt`) says how.
pub fn load_bank_file(path: &Path) -> Result<QuestionBank, BankError> {
    let label = path.display().to_string();
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    let format = match extension.as_deref() {
        Some("toml") => Format::Toml,
        Some("txt") => Format::Txt,
        _ => return Err(BankError::UnsupportedFormat { label }),
    };
    let read_error = |error| BankError::Read {
        label: label.clone(),
        error,
    };

    let file = File::open(path).map_err(read_error)?;
    // Refuse a large file before reading it; the bounded read below also
    // covers files whose size the metadata does not tell (pipes, /dev/...).
    let size = file.metadata().map_err(read_error)?.len();
    check_size(&label, size)?;
    let mut bytes = Vec::new();
    file.take(MAX_BANK_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(read_error)?;
    check_size(&label, bytes.len() as u64)?;

    let text = std::str::from_utf8(&bytes).map_err(|e| {
        let byte = e.valid_up_to();
        BankError::NotUtf8 {
            line: bytes[..byte].iter().filter(|&&b| b == b'\n').count() + 1,
            label: label.clone(),
            byte,
        }
    })?;
    let origin = BankOrigin::File(path.to_path_buf());
    match format {
        Format::Toml => parse_toml_bank(&label, origin, text),
        Format::Txt => parse_txt_bank(&label, origin, text),
    }
}

fn is_path_spec(spec: &str) -> bool {
    let lower = spec.to_ascii_lowercase();
    spec.contains('/')
        || spec.contains(std::path::MAIN_SEPARATOR)
        || lower.ends_with(".toml")
        || lower.ends_with(".txt")
}

fn describe(bank: &QuestionBank) -> String {
    format!("`{}` ({})", bank.name, bank.origin)
}

/// The banks a session asks from, given the `--bank` values: each is a shipped
/// bank's name (see [`BUILTIN_BANK_NAMES`]) or a path; a value containing `/`
/// or ending in `.toml` or `.txt` is always a path. No values means
/// [`default_banks`]; otherwise exactly the named banks are used. A value
/// given twice is read once. A question id found in two of the banks is an
/// error, since history and recordings are keyed by id.
pub fn resolve_banks(specs: &[String]) -> Result<Vec<QuestionBank>, BankError> {
    if specs.is_empty() {
        return Ok(default_banks());
    }
    let mut banks = Vec::new();
    let mut done = HashSet::new();
    for spec in specs {
        if !done.insert(spec.as_str()) {
            continue;
        }
        let bank = if is_path_spec(spec) {
            load_bank_file(Path::new(spec))?
        } else {
            builtin_bank(spec).ok_or_else(|| BankError::UnknownBank { name: spec.clone() })?
        };
        banks.push(bank);
    }

    let mut owner: HashMap<&str, usize> = HashMap::new();
    for (index, bank) in banks.iter().enumerate() {
        for question in &bank.questions {
            if let Some(&first) = owner.get(question.id.as_str()) {
                return Err(BankError::DuplicateId {
                    id: question.id.clone(),
                    first: describe(&banks[first]),
                    second: describe(bank),
                });
            }
            owner.insert(&question.id, index);
        }
    }
    Ok(banks)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn toml_err(text: &str) -> String {
        parse_toml_bank("my-bank.toml", BankOrigin::Builtin, text)
            .unwrap_err()
            .to_string()
    }

    /// `rest` after two good questions (`a` and `b`, lines 1 to 10).
    fn after_two_questions(rest: &str) -> String {
        format!(
            "[[question]]\nid = \"a\"\ntext = \"A?\"\ncategory = \"teamwork\"\n\n\
             [[question]]\nid = \"b\"\ntext = \"B?\"\ncategory = \"teamwork\"\n\n{rest}"
        )
    }

    const GOOD: &str = r#"
name = "mine"
description = "  My questions.  "

[[question]]
id = "why-us"
text = "Why do you want to work here?"
category = "motivation"
tips = "Name two specific things about the company."
follow_ups = ["What would you change in your first month?"]
limit_seconds = 90
story = false

[[question]]
id = "greatest-strength"
text = "  What is your greatest strength?  "
category = "about-yourself"
"#;

    #[test]
    fn parses_a_well_formed_bank() {
        let bank = parse_toml_bank("x/my-bank.toml", BankOrigin::Builtin, GOOD).unwrap();
        assert_eq!(bank.name, "mine");
        assert_eq!(bank.description.as_deref(), Some("My questions."));
        assert_eq!(bank.questions.len(), 2);
        let first = &bank.questions[0];
        assert_eq!(first.id, "why-us");
        assert_eq!(first.category, "motivation");
        assert_eq!(
            first.tips.as_deref(),
            Some("Name two specific things about the company.")
        );
        assert_eq!(
            first.follow_ups,
            ["What would you change in your first month?"]
        );
        assert_eq!(first.limit_seconds, Some(90));
        assert!(!first.story, "`story = false` read");
        let second = &bank.questions[1];
        assert!(
            second.story,
            "a question asks for a story unless it says not"
        );
        assert_eq!(second.text, "What is your greatest strength?");
        assert_eq!(second.tips, None);
        assert!(second.follow_ups.is_empty());
        assert_eq!(second.limit_seconds, None);
    }

    #[test]
    fn name_defaults_to_the_file_stem() {
        let text = GOOD.replace("name = \"mine\"", "");
        let bank = parse_toml_bank("dir/interview-prep.toml", BankOrigin::Builtin, &text).unwrap();
        assert_eq!(bank.name, "interview-prep");
    }

    #[test]
    fn duplicate_id_reports_the_line_of_the_second_id() {
        let text = after_two_questions(
            "\
[[question]]
id = \"a\"
text = \"Again?\"
category = \"teamwork\"
",
        );
        assert_eq!(
            toml_err(&text),
            "my-bank.toml:12: question 3: id `a` is already used by question 1 (line 2)"
        );
    }

    #[test]
    fn missing_text_reports_the_question_and_its_table() {
        let text = after_two_questions("[[question]]\nid = \"c\"\ncategory = \"teamwork\"\n");
        // The line of the question's `[[question]]` header.
        assert_eq!(
            toml_err(&text),
            "my-bank.toml:11: question 3 (`c`) has no `text`"
        );
    }

    #[test]
    fn missing_id_and_category_are_errors() {
        let error = toml_err("[[question]]\ntext = \"A?\"\ncategory = \"teamwork\"\n");
        assert!(error.ends_with(": question 1 has no `id`"), "{error}");
        let error = toml_err("[[question]]\nid = \"a\"\ntext = \"A?\"\n");
        assert!(
            error.ends_with(": question 1 (`a`) has no `category`"),
            "{error}"
        );
    }

    #[test]
    fn empty_text_reports_its_line() {
        let text = "[[question]]\nid = \"a\"\ntext = \"   \"\ncategory = \"teamwork\"\n";
        assert_eq!(
            toml_err(text),
            "my-bank.toml:3: question 1 (`a`) has an empty `text`"
        );
    }

    #[test]
    fn unknown_key_is_named_with_its_line() {
        let text = "\
[[question]]
id = \"a\"
text = \"A?\"
category = \"teamwork\"
tip = \"typo\"
";
        assert_eq!(
            toml_err(text),
            "my-bank.toml:5:1: unknown key `tip`, expected one of `id`, `text`, `category`, `tips`, `follow_ups`, `limit_seconds`, `story`"
        );
    }

    #[test]
    fn unknown_top_level_key_is_an_error() {
        let error = toml_err("[[questions]]\nid = \"a\"\n");
        assert!(error.starts_with("my-bank.toml:1:"), "{error}");
        assert!(error.contains("unknown key `questions`"), "{error}");
    }

    #[test]
    fn syntax_error_reports_line_and_column() {
        let text = "[[question]]\nid = \"a\"\ntext \"A?\"\n";
        assert_eq!(
            toml_err(text),
            "my-bank.toml:3:6: key with no value, expected `=`"
        );
    }

    #[test]
    fn wrong_type_reports_its_line() {
        let text = "[[question]]\nid = \"a\"\ntext = \"A?\"\ncategory = \"teamwork\"\nlimit_seconds = \"60\"\n";
        assert_eq!(
            toml_err(text),
            "my-bank.toml:5:17: invalid type: string \"60\", expected a whole number"
        );
        let text = "[question]\nid = \"a\"\n";
        assert_eq!(
            toml_err(text),
            "my-bank.toml:1:1: invalid type: table, expected an array"
        );
    }

    #[test]
    fn bad_ids_are_refused() {
        for id in ["Has-Capitals", "under_score", "", "trailing-"] {
            let text =
                format!("[[question]]\nid = \"{id}\"\ntext = \"A?\"\ncategory = \"teamwork\"\n");
            let error = toml_err(&text);
            assert!(
                error.starts_with("my-bank.toml:2: question 1: id `"),
                "{id}: {error}"
            );
        }
        let long = "a".repeat(MAX_ID_LEN + 1);
        let text =
            format!("[[question]]\nid = \"{long}\"\ntext = \"A?\"\ncategory = \"teamwork\"\n");
        assert!(toml_err(&text).contains("longer than 64"));
    }

    #[test]
    fn category_must_be_a_slug_and_the_error_suggests_one() {
        let text = "[[question]]\nid = \"a\"\ntext = \"A?\"\ncategory = \"Problem solving\"\n";
        assert_eq!(
            toml_err(text),
            "my-bank.toml:4: question 1 (`a`): category `Problem solving` must be a lowercase slug, like `problem-solving`"
        );
    }

    #[test]
    fn limit_seconds_must_be_positive() {
        for value in ["0", "-5", "5000000000"] {
            let text = format!(
                "[[question]]\nid = \"a\"\ntext = \"A?\"\ncategory = \"teamwork\"\nlimit_seconds = {value}\n"
            );
            assert_eq!(
                toml_err(&text),
                format!("my-bank.toml:5: question 1 (`a`): `limit_seconds` must be a number of seconds above 0, not {value}")
            );
        }
    }

    #[test]
    fn empty_follow_up_is_an_error() {
        let text = "[[question]]\nid = \"a\"\ntext = \"A?\"\ncategory = \"teamwork\"\nfollow_ups = [\n  \"Why?\",\n  \"\",\n]\n";
        assert_eq!(
            toml_err(text),
            "my-bank.toml:7: question 1 (`a`) has an empty follow-up"
        );
    }

    #[test]
    fn a_bank_without_questions_is_an_error() {
        assert_eq!(
            toml_err("name = \"empty\"\n"),
            "my-bank.toml: the bank has no questions"
        );
        assert_eq!(toml_err(""), "my-bank.toml: the bank has no questions");
    }

    #[test]
    fn empty_name_is_an_error() {
        assert_eq!(
            toml_err("name = \" \"\n"),
            "my-bank.toml:1: `name` is empty"
        );
    }

    #[test]
    fn oversized_text_is_refused_before_parsing() {
        let text = "#".repeat(MAX_BANK_BYTES as usize + 1);
        assert_eq!(
            toml_err(&text),
            "my-bank.toml: too large (1048577 bytes; a bank may be at most 1 MiB)"
        );
        let error = parse_txt_bank("big.txt", BankOrigin::Builtin, &"x".repeat(3 << 20))
            .unwrap_err()
            .to_string();
        assert_eq!(
            error,
            "big.txt: too large (3.0 MiB; a bank may be at most 1 MiB)"
        );
    }

    #[test]
    fn a_byte_order_mark_is_ignored() {
        let text = format!("\u{feff}{GOOD}");
        assert!(parse_toml_bank("b.toml", BankOrigin::Builtin, &text).is_ok());
        let bank = parse_txt_bank("b.txt", BankOrigin::Builtin, "\u{feff}Why?\n").unwrap();
        assert_eq!(bank.questions[0].text, "Why?");
    }

    #[test]
    fn line_column_counts_characters() {
        let text = "ab\ncdé f\n";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 3), (2, 1));
        // 'f' is at byte 8 (é is two bytes) but character column 5.
        assert_eq!(line_column(text, 8), (2, 5));
        assert_eq!(line_column(text, 999), (3, 1));
    }

    #[test]
    fn txt_bank_reads_one_question_a_line() {
        let text = "# My questions\n\nWhy this role?\n   \n  What is your greatest weakness?  \r\n# done\nWhy this role?\nWhy this role 2\n";
        let bank = parse_txt_bank("notes/my list.txt", BankOrigin::Builtin, text).unwrap();
        assert_eq!(bank.name, "my list");
        let ids: Vec<_> = bank.questions.iter().map(|q| q.id.as_str()).collect();
        // The repeat gets -2, so the line whose own slug is `why-this-role-2` gets -2-2.
        assert_eq!(
            ids,
            [
                "why-this-role",
                "what-is-your-greatest-weakness",
                "why-this-role-2",
                "why-this-role-2-2"
            ]
        );
        assert_eq!(bank.questions[1].text, "What is your greatest weakness?");
        assert!(bank
            .questions
            .iter()
            .all(|q| q.category == "general" && q.tips.is_none()));
    }

    #[test]
    fn txt_bank_of_only_comments_is_empty() {
        let error = parse_txt_bank("c.txt", BankOrigin::Builtin, "# nothing\n\n")
            .unwrap_err()
            .to_string();
        assert_eq!(error, "c.txt: the bank has no questions");
    }

    fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path = dir.join(name);
        File::create(&path).unwrap().write_all(bytes).unwrap();
        path
    }

    #[test]
    fn load_bank_file_picks_the_format_by_extension() {
        let dir = tempfile::tempdir().unwrap();
        let toml_path = write_file(dir.path(), "mine.TOML", GOOD.as_bytes());
        let bank = load_bank_file(&toml_path).unwrap();
        assert_eq!(bank.name, "mine");
        assert_eq!(bank.origin, BankOrigin::File(toml_path));

        let txt_path = write_file(dir.path(), "list.txt", b"Why?\n");
        assert_eq!(load_bank_file(&txt_path).unwrap().questions[0].id, "why");

        let md_path = write_file(dir.path(), "notes.md", b"Why?\n");
        let error = load_bank_file(&md_path).unwrap_err().to_string();
        assert!(error.ends_with("notes.md: not a question bank (give a .toml or .txt file)"));
    }

    #[test]
    fn load_bank_file_refuses_invalid_utf8_naming_line_and_byte() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_file(dir.path(), "notes.txt", b"Why?\nWhat \xff now?\n");
        let error = load_bank_file(&path).unwrap_err();
        assert!(matches!(
            error,
            BankError::NotUtf8 {
                line: 2,
                byte: 10,
                ..
            }
        ));
        assert_eq!(
            error.to_string(),
            format!("{}:2: not valid UTF-8 (byte 10)", path.display())
        );
    }

    #[test]
    fn load_bank_file_refuses_big_files() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_file(
            dir.path(),
            "big.toml",
            &vec![b'#'; 3 * 1024 * 1024 + 200_000],
        );
        assert_eq!(
            load_bank_file(&path).unwrap_err().to_string(),
            format!(
                "{}: too large (3.2 MiB; a bank may be at most 1 MiB)",
                path.display()
            )
        );
    }

    #[test]
    fn load_bank_file_reports_a_missing_file() {
        let error = load_bank_file(Path::new("/nonexistent/dir/bank.toml")).unwrap_err();
        assert!(matches!(error, BankError::Read { .. }));
        assert!(error
            .to_string()
            .starts_with("/nonexistent/dir/bank.toml: cannot read: "));
    }

    #[test]
    fn load_bank_file_errors_name_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_file(dir.path(), "bad.toml", b"[[question]]\nid = \"a\"\n");
        let error = load_bank_file(&path).unwrap_err().to_string();
        assert_eq!(
            error,
            format!("{}:1: question 1 (`a`) has no `text`", path.display())
        );
    }

    fn specs(values: &[&str]) -> Vec<String> {
        values.iter().map(|s| s.to_string()).collect()
    }

    fn names(banks: &[QuestionBank]) -> Vec<&str> {
        banks.iter().map(|b| b.name.as_str()).collect()
    }

    #[test]
    fn resolve_banks_defaults_to_behavioural() {
        assert_eq!(names(&resolve_banks(&[]).unwrap()), ["behavioural"]);
    }

    #[test]
    fn resolve_banks_uses_exactly_the_named_banks() {
        let banks = resolve_banks(&specs(&["after-rejection"])).unwrap();
        assert_eq!(names(&banks), ["after-rejection"]);
        let banks = resolve_banks(&specs(&[
            "after-rejection",
            "behavioural",
            "after-rejection",
        ]))
        .unwrap();
        assert_eq!(names(&banks), ["after-rejection", "behavioural"]);
    }

    #[test]
    fn resolve_banks_reads_paths() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_file(dir.path(), "extra.txt", b"What keeps you up at night?\n");
        let banks = resolve_banks(&specs(&["behavioural", path.to_str().unwrap()])).unwrap();
        assert_eq!(names(&banks), ["behavioural", "extra"]);
        assert_eq!(banks[1].origin, BankOrigin::File(path));
    }

    #[test]
    fn resolve_banks_treats_a_toml_name_as_a_path() {
        // Not the shipped bank: a file of that name in the working directory.
        let error = resolve_banks(&specs(&["behavioural.toml"])).unwrap_err();
        assert!(matches!(error, BankError::Read { .. }), "{error}");
    }

    #[test]
    fn unknown_bank_lists_the_shipped_ones() {
        let error = resolve_banks(&specs(&["foo"])).unwrap_err();
        assert_eq!(
            error.to_string(),
            "unknown bank `foo` (shipped banks: behavioural, after-rejection; or give a path to a .toml or .txt file)"
        );
    }

    #[test]
    fn an_id_in_two_banks_is_an_error_naming_both() {
        let dir = tempfile::tempdir().unwrap();
        let path = write_file(dir.path(), "mine.txt", b"Tell me about yourself\n");
        let error = resolve_banks(&specs(&["behavioural", path.to_str().unwrap()]))
            .unwrap_err()
            .to_string();
        assert_eq!(
            error,
            format!(
                "question id `tell-me-about-yourself` is in two banks, `behavioural` (shipped) and `mine` ({}); a session needs unique ids",
                path.display()
            )
        );
    }

    mod never_panics {
        use super::*;
        use proptest::prelude::*;

        // Strings that look like banks reach deeper than random noise does.
        fn bankish() -> impl Strategy<Value = String> {
            let line = prop_oneof![
                Just("[[question]]".to_string()),
                Just("[question]".to_string()),
                "(id|text|category|tips|name|limit_seconds|follow_ups|x) = \"[a-z -]{0,8}\"",
                "limit_seconds = -?[0-9]{1,12}",
                "follow_ups = \\[(\"[a-z?]{0,5}\", ?){0,3}\\]",
                "#.{0,10}",
                ".{0,20}",
            ];
            proptest::collection::vec(line, 0..12).prop_map(|lines| lines.join("\n"))
        }

        proptest! {
            #[test]
            fn parsers_never_panic_on_arbitrary_text(text in "\\PC*") {
                let _ = parse_toml_bank("p.toml", BankOrigin::Builtin, &text);
                let _ = parse_txt_bank("p.txt", BankOrigin::Builtin, &text);
            }

            #[test]
            fn parsers_never_panic_on_bank_like_text(text in bankish()) {
                if let Err(error) = parse_toml_bank("p.toml", BankOrigin::Builtin, &text) {
                    let message = error.to_string();
                    prop_assert!(message.starts_with("p.toml"), "{}", message);
                    prop_assert!(!message.contains('\n'), "{}", message);
                }
                let _ = parse_txt_bank("p.txt", BankOrigin::Builtin, &text);
            }

            #[test]
            fn txt_ids_are_unique_slugs(lines in proptest::collection::vec(".{0,30}", 1..20)) {
                if let Ok(bank) = parse_txt_bank("p.txt", BankOrigin::Builtin, &lines.join("\n")) {
                    let ids: HashSet<_> = bank.questions.iter().map(|q| q.id.as_str()).collect();
                    prop_assert_eq!(ids.len(), bank.questions.len());
                    prop_assert!(ids.iter().all(|id| crate::questions::is_slug(id)));
                }
            }
        }
    }
}
