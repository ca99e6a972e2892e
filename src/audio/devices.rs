//! Finding audio devices by cpal id (`alsa:pulse`) or a unique part of a name.

use super::{AudioError, InputRequest};
use cpal::traits::{DeviceTrait, HostTrait};
use cpal::SampleFormat;
use serde::Serialize;

/// An input device, resolved.
pub struct InputDevice {
    pub id: String,
    pub name: String,
    pub device: cpal::Device,
}

/// An output device, resolved.
pub struct OutputDevice {
    pub id: String,
    pub name: String,
    pub device: cpal::Device,
}

/// Whether `device` is reached through cpal's native PulseAudio host, i.e.
/// a sound server (PulseAudio, or PipeWire through pipewire-pulse): its
/// streams run on the server's clock, in real time.
pub fn on_sound_server(device: &cpal::Device) -> bool {
    device
        .id()
        .is_ok_and(|id| id.host() == cpal::HostId::PulseAudio)
}

/// A stream configuration as `devices` shows it.
#[derive(Debug, Clone, Serialize)]
pub struct ConfigInfo {
    pub sample_rate: u32,
    pub channels: u16,
    pub sample_format: String,
}

/// One row of `mockview devices`.
#[derive(Debug, Clone, Serialize)]
pub struct DeviceInfo {
    pub id: String,
    pub name: String,
    pub input: bool,
    pub output: bool,
    pub default_input: bool,
    pub default_output: bool,
    pub input_config: Option<ConfigInfo>,
    pub output_config: Option<ConfigInfo>,
    /// Whether `mockview devices` lists it without `--all`: one a person
    /// would pick (see `is_for_people`).
    pub shown_by_default: bool,
}

/// Whether a person would pick this device: the sound server's own sources
/// and sinks (native host), ALSA's `default` and its hardware devices
/// (`hw:`/`plughw:`). ALSA's plugins (rate converters, `jack`, `oss`,
/// `null`, the `pulse` bridge the native host already covers) are for
/// configuring, not for choosing; `--all` still lists them and `--device`
/// takes any id.
pub fn is_for_people(id: &str) -> bool {
    if id.starts_with("pulseaudio:") {
        return true;
    }
    match id.strip_prefix("alsa:") {
        Some(pcm) => pcm == "default" || pcm.starts_with("hw:") || pcm.starts_with("plughw:"),
        None => false,
    }
}

/// Whether opening the device to learn its default format would make a
/// third-party library write to stderr. ALSA's JACK plugin loads libjack,
/// which prints "Cannot connect to server socket" six times when no JACK
/// server runs, past alsa-lib's error handler; it is listed, not probed.
fn probe_is_noisy(id: &str) -> bool {
    id == "alsa:jack"
}

fn host() -> cpal::Host {
    quiet_alsa();
    cpal::default_host()
}

/// Every host that can run here, the default (ALSA on Linux) first; on
/// Linux also PulseAudio's native protocol, whose ids are `pulseaudio:NAME`.
fn hosts() -> Vec<cpal::Host> {
    let default = host();
    let mut all = vec![];
    for id in cpal::available_hosts() {
        if id != default.id() {
            if let Ok(h) = cpal::host_from_id(id) {
                all.push(h);
            }
        }
    }
    all.insert(0, default);
    all
}

fn all_devices() -> Result<Vec<cpal::Device>, AudioError> {
    let mut out = Vec::new();
    for (i, h) in hosts().into_iter().enumerate() {
        match h.devices() {
            Ok(d) => out.extend(d),
            // Only the default host must answer; PulseAudio may not be running.
            Err(e) if i == 0 => {
                return Err(AudioError::List {
                    message: super::cpal_message(&e),
                })
            }
            Err(_) => {}
        }
    }
    Ok(out)
}

/// alsa-lib prints every failed probe (no sound card, no JACK server...) to
/// stderr; collect those messages in a buffer for this thread instead.
fn quiet_alsa() {
    #[cfg(target_os = "linux")]
    {
        thread_local! {
            static QUIET: Option<std::rc::Rc<std::cell::RefCell<alsa::Output>>> =
                alsa::Output::local_error_handler().ok();
        }
        QUIET.with(|_| {});
    }
}

/// Parse a sample format as cpal names it (`i16`, `f32`, ...).
pub fn parse_sample_format(s: &str) -> Option<SampleFormat> {
    use SampleFormat::*;
    Some(match s.to_ascii_lowercase().as_str() {
        "i8" => I8,
        "i16" => I16,
        "i24" => I24,
        "i32" => I32,
        "i64" => I64,
        "u8" => U8,
        "u16" => U16,
        "u24" => U24,
        "u32" => U32,
        "u64" => U64,
        "f32" => F32,
        "f64" => F64,
        _ => return None,
    })
}

/// The input config to open: the default, or the closest supported one with
/// the asked format and channel count (at the default rate when possible).
pub(crate) fn input_config(
    device: &InputDevice,
    want: &InputRequest,
) -> Result<cpal::SupportedStreamConfig, AudioError> {
    quiet_alsa();
    let default = device
        .device
        .default_input_config()
        .map_err(|e| AudioError::open(&device.id, e))?;
    if want.sample_format.is_none() && want.channels.is_none() {
        return Ok(default);
    }
    let format = want.sample_format.unwrap_or(default.sample_format());
    let channels = want.channels.unwrap_or(default.channels());
    let rate = default.sample_rate();
    let ranges = device
        .device
        .supported_input_configs()
        .map_err(|e| AudioError::open(&device.id, e))?;
    let mut best: Option<cpal::SupportedStreamConfig> = None;
    for r in ranges.filter(|r| r.sample_format() == format && r.channels() == channels) {
        if let Some(c) = r.try_with_sample_rate(rate) {
            return Ok(c);
        }
        best.get_or_insert_with(|| r.with_max_sample_rate());
    }
    best.ok_or_else(|| AudioError::Open {
        device: device.id.clone(),
        message: format!("it cannot record {format} with {channels} channel(s)"),
    })
}

fn id_of(d: &cpal::Device) -> Option<String> {
    d.id().ok().map(|id| id.to_string())
}

fn name_of(d: &cpal::Device) -> String {
    d.description()
        .map(|desc| desc.name().replace('\n', " "))
        .unwrap_or_else(|_| "(unnamed)".to_string())
}

/// A name for people: ALSA's descriptions carry a second line of jargon
/// ("Direct hardware device without any conversions"), said here in two
/// words.
fn readable_name(id: &str, d: &cpal::Device) -> String {
    let full = d
        .description()
        .map(|desc| desc.name().to_string())
        .unwrap_or_else(|_| "(unnamed)".to_string());
    let first = full.lines().next().unwrap_or("").trim().to_string();
    let pcm = id.strip_prefix("alsa:").unwrap_or("");
    if pcm.starts_with("hw:") {
        format!("{first} (direct)")
    } else if pcm.starts_with("plughw:") {
        format!("{first} (any format)")
    } else if pcm == "default" {
        "the system's default".to_string()
    } else {
        full.replace('\n', " ")
    }
}

/// The devices a person would pick (`all`: every device the hosts list),
/// with default configs. Configs are only probed for the devices returned.
pub fn list_devices(all: bool) -> Result<Vec<DeviceInfo>, AudioError> {
    let host = host();
    let default_in = host.default_input_device().as_ref().and_then(id_of);
    let default_out = host.default_output_device().as_ref().and_then(id_of);
    let mut devices = all_devices()?;
    // The host's defaults (ALSA's `default`) are not always among the
    // enumerated devices; list them first so they can be seen and marked.
    for d in [host.default_output_device(), host.default_input_device()]
        .into_iter()
        .flatten()
    {
        if !devices.iter().any(|e| id_of(e) == id_of(&d)) {
            devices.insert(0, d);
        }
    }
    let mut out = Vec::new();
    for d in devices {
        let Some(id) = id_of(&d) else { continue };
        let shown_by_default = is_for_people(&id);
        if !all && !shown_by_default {
            continue;
        }
        // ALSA cannot tell the direction of its default without opening it.
        let is_default = default_in.as_deref() == Some(id.as_str())
            || default_out.as_deref() == Some(id.as_str());
        let input =
            d.supports_input() || (is_default && default_in.as_deref() == Some(id.as_str()));
        let output =
            d.supports_output() || (is_default && default_out.as_deref() == Some(id.as_str()));
        let probe = !probe_is_noisy(&id);
        let cfg = |c: Result<cpal::SupportedStreamConfig, cpal::Error>| {
            c.ok().map(|c| ConfigInfo {
                sample_rate: c.sample_rate(),
                channels: c.channels(),
                sample_format: c.sample_format().to_string(),
            })
        };
        out.push(DeviceInfo {
            input_config: if input && probe {
                cfg(d.default_input_config())
            } else {
                None
            },
            output_config: if output && probe {
                cfg(d.default_output_config())
            } else {
                None
            },
            default_input: default_in.as_deref() == Some(id.as_str()),
            default_output: default_out.as_deref() == Some(id.as_str()),
            name: readable_name(&id, &d),
            id,
            input,
            output,
            shown_by_default,
        });
    }
    Ok(out)
}

/// Which side of a device is wanted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Input,
    Output,
}

impl Direction {
    fn word(self) -> &'static str {
        match self {
            Direction::Input => "input",
            Direction::Output => "output",
        }
    }
}

/// Find a device by exact id, else by a unique case-insensitive part of its
/// id or name; `None` picks the host's default.
fn find(
    wanted: Option<&str>,
    dir: Direction,
) -> Result<(String, String, cpal::Device), AudioError> {
    let host = host();
    let Some(wanted) = wanted else {
        let d = match dir {
            Direction::Input => host.default_input_device(),
            Direction::Output => host.default_output_device(),
        }
        .ok_or(AudioError::NoDevice {
            direction: dir.word(),
        })?;
        let id = id_of(&d).unwrap_or_else(|| "default".into());
        return Ok((id, name_of(&d), d));
    };
    let devices: Vec<cpal::Device> = all_devices()?
        .into_iter()
        .filter(|d| match dir {
            Direction::Input => d.supports_input(),
            Direction::Output => d.supports_output(),
        })
        .collect();
    let named: Vec<(String, String, cpal::Device)> = devices
        .into_iter()
        .filter_map(|d| Some((id_of(&d)?, name_of(&d), d)))
        .collect();
    if let Some(i) = named.iter().position(|(id, _, _)| id == wanted) {
        return Ok(named.into_iter().nth(i).expect("index from position"));
    }
    let needle = wanted.to_lowercase();
    let mut hits: Vec<_> = named
        .into_iter()
        .filter(|(id, name, _)| {
            id.to_lowercase().contains(&needle) || name.to_lowercase().contains(&needle)
        })
        .collect();
    match hits.len() {
        0 => Err(AudioError::DeviceNotFound {
            wanted: wanted.to_string(),
            direction: dir.word(),
        }),
        1 => Ok(hits.remove(0)),
        _ => Err(AudioError::AmbiguousDevice {
            wanted: wanted.to_string(),
            candidates: hits
                .iter()
                .map(|(id, _, _)| id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }),
    }
}

pub fn find_input(wanted: Option<&str>) -> Result<InputDevice, AudioError> {
    let (id, name, device) = find(wanted, Direction::Input)?;
    Ok(InputDevice { id, name, device })
}

pub fn find_output(wanted: Option<&str>) -> Result<OutputDevice, AudioError> {
    let (id, name, device) = find(wanted, Direction::Output)?;
    Ok(OutputDevice { id, name, device })
}
