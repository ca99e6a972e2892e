//! `mockview model list|get|add`: the Whisper models. `get` is the only
//! command of mockview that uses the network (README, "Privacy").

use crate::cli::ModelAction;
use crate::transcribe::{KnownModel, ModelStore, DEFAULT_BASE_URL, KNOWN_MODELS};
use crate::ui::Console;
use anyhow::{Context, Result};
use serde::Serialize;
use std::io::Write;

/// Overrides where `model get` downloads from (a mirror, or a test server).
const BASE_URL_VAR: &str = "MOCKVIEW_MODEL_URL";

pub fn run(action: ModelAction) -> Result<()> {
    let store = ModelStore::default_location()?;
    match action {
        ModelAction::List { json } => list(&store, json),
        ModelAction::Get { name } => get(&store, &name),
        ModelAction::Add { file, name } => {
            let added = store.add(&file, name.as_deref())?;
            if let Some(known) = added.differs_from {
                Console::detect().warn(format!(
                    "{} is not the published {} (its size or SHA-1 differs): installed under its own name",
                    file.display(),
                    known.name
                ));
            }
            writeln!(
                std::io::stdout().lock(),
                "installed {} as {} ({})",
                file.display(),
                added.model.name,
                added.model.path.display()
            )?;
            Ok(())
        }
    }
}

#[derive(Serialize)]
struct Listed<'a> {
    name: &'a str,
    bytes: u64,
    sha1: Option<&'a str>,
    suits: Option<&'a str>,
    installed: Option<String>,
    default: bool,
}

fn list(store: &ModelStore, json: bool) -> Result<()> {
    let installed = store.installed();
    let default = store.default_model().map(|m| m.path);
    let mut rows: Vec<Listed> = KNOWN_MODELS
        .iter()
        .map(|k| {
            let here = installed.iter().find(|m| m.name == k.name);
            Listed {
                name: k.name,
                bytes: k.bytes,
                sha1: Some(k.sha1),
                suits: Some(k.suits),
                installed: here.map(|m| m.path.display().to_string()),
                default: here.is_some_and(|m| Some(&m.path) == default.as_ref()),
            }
        })
        .collect();
    for m in installed
        .iter()
        .filter(|m| KnownModel::find(&m.name).is_none())
    {
        rows.push(Listed {
            name: &m.name,
            bytes: m.bytes,
            sha1: None,
            suits: None,
            installed: Some(m.path.display().to_string()),
            default: Some(&m.path) == default.as_ref(),
        });
    }
    let mut out = std::io::stdout().lock();
    if json {
        let doc = serde_json::json!({ "folder": store.dir(), "models": rows });
        writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
        return Ok(());
    }
    writeln!(out, "Models in {}", store.dir().display())?;
    // Names of added files are as long as their files' (issue 21: the
    // columns of a table made for `small.en` broke on them).
    let width = rows
        .iter()
        .map(|r| r.name.chars().count())
        .max()
        .unwrap_or(0);
    for r in &rows {
        let state = match (&r.installed, r.default) {
            (Some(_), true) => "installed, used by default",
            (Some(_), false) => "installed",
            (None, _) => "not installed",
        };
        writeln!(
            out,
            "{:<width$} {:>4} MB  {:<26}  {}",
            r.name,
            r.bytes.div_ceil(1_000_000),
            state,
            r.suits.unwrap_or("added from a file")
        )?;
        if let Some(sha1) = r.sha1 {
            writeln!(out, "{:<width$} sha1 {sha1}", "")?;
        }
    }
    if installed.is_empty() {
        writeln!(
            out,
            "none installed: `mockview model get tiny.en` downloads the smallest (the only command that uses the network)"
        )?;
    }
    Ok(())
}

fn get(store: &ModelStore, name: &str) -> Result<()> {
    let model = KnownModel::find(name)
        .ok_or_else(|| crate::transcribe::ModelError::Unknown(name.into()))?;
    let base = std::env::var(BASE_URL_VAR).unwrap_or_else(|_| DEFAULT_BASE_URL.to_string());
    let console = Console::detect();
    console.line(format!(
        "downloading {} ({} MB) from {base}",
        model.name,
        model.bytes.div_ceil(1_000_000)
    ));
    let bar = console.bytes_bar(model.bytes, model.name);
    let result = store.download(model, &base, &mut |done, _| bar.set_position(done));
    bar.finish_and_clear();
    let installed = result.with_context(|| format!("model {} not installed", model.name))?;
    console.line(format!(
        "installed {} ({} bytes, SHA-1 checked) in {}",
        installed.name,
        installed.bytes,
        installed.path.display()
    ));
    Ok(())
}
