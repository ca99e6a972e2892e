//! `HeardClock`: which frame of the played file the listener hears now.
//!
//! The device holds audio before it is heard (up to 0.5 s on a sound
//! server), so the frames handed to it run ahead of the sound. At each
//! callback cpal says when the first frame it asks for will be played
//! (`playback − callback`), which gives one estimate of the frame heard at
//! that moment: the frames handed over before, less that latency.
//!
//! One estimate alone is not trusted. cpal keeps `playback` non-decreasing,
//! so a single inflated report (an underrun, ALSA's pulse plugin after a
//! stall) pins it, and every later callback reports a latency too high by
//! what is left of the spike, decaying at one second per second: the
//! estimate falls behind the sound by up to `MAX_LATENCY` (2 s) and comes
//! back only as the spike decays, which held a caption back 1.95 s in CI.
//! Such errors only ever make the estimate *late*, so the clock takes the
//! latest of the recent estimates, each moved on to now at the playing
//! rate. "Recent" is one to two windows of [`WINDOW`] (two buckets), long
//! enough to outlast a decaying spike, short enough that the difference
//! between the device's clock and ours (0.1 % would be 4 ms) does not add
//! up, and that a real rise of the latency is followed within seconds.

use std::time::Duration;

/// How long an estimate is kept: at least the largest latency believed
/// (`MAX_LATENCY` in playback.rs), which is the longest an inflated report
/// takes to decay.
const WINDOW: Duration = Duration::from_secs(2);

/// The best estimate of one window: the heard frame it implies at time
/// zero (frames; may be negative), so estimates taken at different times
/// compare directly.
#[derive(Clone, Copy, Debug)]
struct Bucket {
    index: u64,
    origin: f64,
}

/// Lives in the output callback (no lock, no allocation); what it returns
/// is published to the reader through atomics.
#[derive(Debug)]
pub(super) struct HeardClock {
    /// Device frames per second.
    rate: f64,
    /// The current window's best and the one before's.
    buckets: [Option<Bucket>; 2],
}

impl HeardClock {
    pub(super) fn new(rate: f64) -> Self {
        Self {
            rate,
            buckets: [None; 2],
        }
    }

    /// Forget the estimates: after a seek or a pause the frames heard no
    /// longer follow the earlier ones at the playing rate.
    pub(super) fn reset(&mut self) {
        self.buckets = [None; 2];
    }

    /// One callback's estimate: at time `now` (since the stream's base),
    /// `handed` frames had been given to the device, which still held
    /// `latency` of them. Returns the frame heard at `now` (never below 0).
    pub(super) fn observe(&mut self, now: Duration, handed: u64, latency: Duration) -> u64 {
        let at = now.as_secs_f64();
        let estimate = handed as f64 - latency.as_secs_f64() * self.rate;
        let origin = estimate - at * self.rate;
        let index = now.as_nanos() as u64 / WINDOW.as_nanos() as u64;
        match self.buckets[0] {
            Some(ref mut current) if current.index == index => {
                current.origin = current.origin.max(origin);
            }
            previous => {
                // A new window: the current one becomes the one before, if
                // it is the window just before (else it is too old).
                self.buckets[1] = previous.filter(|b| b.index + 1 == index);
                self.buckets[0] = Some(Bucket { index, origin });
            }
        }
        let best = self
            .buckets
            .iter()
            .flatten()
            .map(|b| b.origin)
            .fold(f64::NEG_INFINITY, f64::max);
        (best + at * self.rate).max(0.0) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RATE: f64 = 48_000.0;

    /// Callbacks every `period` for `seconds`, the device holding
    /// `latency(t)` (as reported) while it truly holds `true_latency`:
    /// returns the largest error (heard − truly heard, seconds) after `from`.
    fn run(
        period: f64,
        seconds: f64,
        true_latency: f64,
        reported: impl Fn(f64) -> f64,
        from: f64,
    ) -> f64 {
        let mut clock = HeardClock::new(RATE);
        let mut worst: f64 = 0.0;
        let mut t = 0.0;
        while t < seconds {
            // Frames handed so far: the device is kept `true_latency` full.
            let handed = ((t + true_latency) * RATE) as u64;
            let heard = clock.observe(
                Duration::from_secs_f64(t),
                handed,
                Duration::from_secs_f64(reported(t)),
            );
            let truth = t * RATE;
            if t >= from {
                let err = (heard as f64 - truth) / RATE;
                if err.abs() > worst.abs() {
                    worst = err;
                }
            }
            t += period;
        }
        worst
    }

    #[test]
    fn a_true_report_is_followed() {
        let err = run(0.25, 30.0, 0.5, |_| 0.5, 0.0);
        assert!(err.abs() < 0.001, "{err}");
    }

    #[test]
    fn an_inflated_report_that_decays_does_not_hold_the_position_back() {
        // At 10 s the device reports 2 s, and cpal's non-decreasing
        // `playback` makes the excess decay one second per second.
        let reported = |t: f64| {
            if (10.0..11.5).contains(&t) {
                0.5 + (1.5 - (t - 10.0))
            } else {
                0.5
            }
        };
        let err = run(0.01, 30.0, 0.5, reported, 0.0);
        assert!(err.abs() < 0.001, "{err}");
    }

    #[test]
    fn after_a_gap_the_position_is_right_again_within_two_windows() {
        // The ring ran dry at 10 s: for 0.3 s nothing new was heard, and the
        // sound goes on 0.3 s later than the clock would have it.
        let mut clock = HeardClock::new(RATE);
        for k in 0..3000 {
            let t = f64::from(k) * 0.01;
            let truth = if t < 10.0 { t } else { (t - 0.3).max(10.0) };
            let handed = ((truth + 0.5) * RATE) as u64;
            let heard = clock.observe(
                Duration::from_secs_f64(t),
                handed,
                Duration::from_secs_f64(0.5),
            );
            let err = heard as f64 / RATE - truth;
            assert!((-0.001..0.301).contains(&err), "at {t}: {err}");
            if t > 10.3 + 2.0 * WINDOW.as_secs_f64() {
                assert!(err.abs() < 0.001, "at {t}: {err}");
            }
        }
    }

    #[test]
    fn a_reset_forgets_the_old_position() {
        let mut clock = HeardClock::new(RATE);
        let s = Duration::from_secs;
        assert_eq!(clock.observe(s(1), 48_000 * 2, s(0)), 96_000);
        // A seek back to the start at 1.5 s: without the reset the old
        // estimate would win for up to two windows.
        clock.reset();
        let heard = clock.observe(Duration::from_millis(1500), 0, Duration::ZERO);
        assert_eq!(heard, 0);
    }

    #[test]
    fn before_the_first_frame_is_heard_the_position_is_zero() {
        let mut clock = HeardClock::new(RATE);
        assert_eq!(
            clock.observe(Duration::ZERO, 0, Duration::from_millis(500)),
            0
        );
    }
}
