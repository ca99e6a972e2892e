//! `mockview mic-check`: record a few seconds into a private temporary WAV,
//! report the levels (peak, RMS, noise floor, clipping) with a plain
//! verdict, play the recording back, and remove it.

use super::Interrupted;
use crate::analysis::mic_check::{levels, verdict};
use crate::audio::{self, CaptureStream, PlayRequest, TakeEnd};
use crate::cli::MicCheckArgs;
use crate::config::Settings;
use crate::listener::{Listener, Played};
use crate::ui::{level_meter, Console, Interrupt, KeySource};
use anyhow::{Context, Result};
use std::path::Path;
use std::time::{Duration, Instant};

pub fn run(args: MicCheckArgs, settings: &Settings) -> Result<()> {
    let console = Console::detect();
    let interrupt = Interrupt::install().context("cannot install the Ctrl-C handler")?;
    let device = audio::find_input(settings.input_device.value.as_deref())?;
    // Find the output before recording: a wrong --output is an error now.
    let output = if args.no_playback {
        None
    } else {
        Some(audio::find_output(settings.output_device.value.as_deref())?)
    };
    let request = super::input_request(&args.input);
    let mut capture = CaptureStream::open(&device, &request)?;
    let rate = capture.sample_rate();
    // A private folder (0700) for the take; removed when dropped.
    let tmp = tempfile::Builder::new()
        .prefix("mockview-mic-check-")
        .tempdir()
        .context("cannot create a temporary folder")?;
    let path = tmp.path().join("mic-check.wav");
    let seconds = args.seconds.unwrap_or(crate::config::MIC_CHECK_SECONDS);
    let frames = u64::from(seconds) * u64::from(rate);
    capture.begin_take(&path, 0, Some(frames))?;
    console.line(format!(
        "Recording {} s from {} ({} Hz): stay quiet for a moment, then speak as in an interview",
        seconds, device.id, rate
    ));
    let bar = console.timer_bar(Some(u64::from(seconds) * 1000), "● mic");
    capture.start(audio::START_TIMEOUT, &|| interrupt.requested())?;
    let deadline = Instant::now() + Duration::from_secs(u64::from(seconds) + 10);
    let outcome = loop {
        if let Some(o) = capture.poll_finished() {
            break o;
        }
        if Instant::now() > deadline {
            bar.finish_and_clear();
            anyhow::bail!("{} delivered no audio in time", device.id);
        }
        if interrupt.requested() {
            bar.finish_and_clear();
            return Err(Interrupted.into());
        }
        bar.set_position(capture.take_frames() * 1000 / u64::from(rate.max(1)));
        bar.set_message(level_meter(capture.level().peak));
        std::thread::sleep(Duration::from_millis(40));
    };
    bar.finish_and_clear();
    drop(capture);
    match outcome.end {
        TakeEnd::WriteFailed => anyhow::bail!(
            "recording failed: {}",
            outcome.write_error.unwrap_or_default()
        ),
        TakeEnd::DeviceLost => anyhow::bail!("recording failed: the input device stopped"),
        TakeEnd::Stopped | TakeEnd::Limit => {}
    }
    let samples = read_samples(&path)?;
    let l = levels(&samples, rate);
    console.line(format!("peak          {:6.1} dBFS", l.peak_dbfs));
    console.line(format!("average (RMS) {:6.1} dBFS", l.rms_dbfs));
    console.line(format!("noise floor   {:6.1} dBFS", l.noise_floor_dbfs));
    console.line(format!(
        "clipping      {} sample{} ({:.3} %)",
        l.clipped,
        if l.clipped == 1 { "" } else { "s" },
        l.clipped_fraction * 100.0
    ));
    console.line(format!("verdict: {}", verdict(&l)));

    if let Some(device) = output {
        console.line("Playing it back…");
        let keys = KeySource::new(interrupt.clone());
        let mut listener = Listener {
            console,
            use_keys: keys.is_terminal(),
            keys,
            interrupt,
            device,
            request: PlayRequest {
                output_rate: args.output_args.output_rate,
            },
        };
        if listener.play_take(&path)? == Played::Interrupted {
            return Err(Interrupted.into());
        }
    }
    tmp.close()
        .context("cannot remove the temporary recording")?;
    Ok(())
}

fn read_samples(path: &Path) -> Result<Vec<i16>> {
    Ok(crate::wav_file::WavFile::read_all_i16(path)?.0)
}
