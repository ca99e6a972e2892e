//! `mockview devices`: what can record and play, with the ids `--device` takes.

use crate::audio::{list_devices, ConfigInfo};
use std::io::Write;

pub fn run(json: bool) -> anyhow::Result<()> {
    let devices = list_devices()?;
    if json {
        super::print_json(&devices)?;
        return Ok(());
    }
    if devices.is_empty() {
        writeln!(std::io::stdout().lock(), "no audio devices found")?;
        return Ok(());
    }
    let fmt = |c: &Option<ConfigInfo>| {
        c.as_ref().map_or("-".to_string(), |c| {
            format!("{} Hz {} ch {}", c.sample_rate, c.channels, c.sample_format)
        })
    };
    for d in &devices {
        let mut marks = Vec::new();
        if d.default_input {
            marks.push("default input");
        }
        if d.default_output {
            marks.push("default output");
        }
        let dir = match (d.input, d.output) {
            (true, true) => "in/out",
            (true, false) => "in",
            (false, true) => "out",
            (false, false) => "-",
        };
        let marks = if marks.is_empty() {
            String::new()
        } else {
            format!("  [{}]", marks.join(", "))
        };
        writeln!(
            std::io::stdout().lock(),
            "{:<28} {:<6} {}{}",
            d.id,
            dir,
            d.name,
            marks
        )?;
        if d.input {
            writeln!(
                std::io::stdout().lock(),
                "{:<28}        input:  {}",
                "",
                fmt(&d.input_config)
            )?;
        }
        if d.output {
            writeln!(
                std::io::stdout().lock(),
                "{:<28}        output: {}",
                "",
                fmt(&d.output_config)
            )?;
        }
    }
    Ok(())
}
