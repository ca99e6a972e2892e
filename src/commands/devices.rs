//! `mockview devices`: what can record and play, with the ids `--device` takes.
//! By default only the devices a person would pick (the audio layer decides
//! which); `--all` adds ALSA's plugins; `--json` lists every device.

use crate::audio::{list_devices, ConfigInfo, DeviceInfo};
use std::io::Write;

/// One side of a device (input or output): its default config and whether
/// it is the default for that side, or `None` if it has no such side.
type Side = fn(&DeviceInfo) -> Option<(&Option<ConfigInfo>, bool)>;

pub fn run(json: bool, all: bool) -> anyhow::Result<()> {
    let devices = list_devices(all || json)?;
    if json {
        super::print_json(&devices)?;
        return Ok(());
    }
    let mut out = std::io::stdout().lock();
    if devices.is_empty() {
        writeln!(out, "no audio devices found")?;
        return Ok(());
    }
    let width = devices.iter().map(|d| d.id.len()).max().unwrap_or(0);
    let name_width = devices
        .iter()
        .map(|d| d.name.chars().count())
        .max()
        .unwrap_or(0)
        .min(40);
    let sides: [(&str, Side); 2] = [
        ("Inputs (practice, mic-check: --device ID)", |d| {
            d.input.then_some((&d.input_config, d.default_input))
        }),
        ("Outputs (replay, review: --device ID)", |d| {
            d.output.then_some((&d.output_config, d.default_output))
        }),
    ];
    for (i, (title, side)) in sides.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{title}")?;
        for d in &devices {
            let Some((config, is_default)) = side(d) else {
                continue;
            };
            let format = config.as_ref().map_or("format unknown".to_string(), |c| {
                format!("{} Hz {} ch {}", c.sample_rate, c.channels, c.sample_format)
            });
            let mark = if is_default { "  [default]" } else { "" };
            writeln!(
                out,
                "  {:<width$}  {:<name_width$}  {format}{mark}",
                d.id, d.name
            )?;
        }
    }
    if !all {
        writeln!(out)?;
        writeln!(
            out,
            "(ALSA's plugins and converters: mockview devices --all)"
        )?;
    }
    Ok(())
}
