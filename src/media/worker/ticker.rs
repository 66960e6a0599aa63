//! The worker's 20 ms clock for audio calls: ticks on a fixed grid (each
//! one exactly 20 ms after the last, so pacing does not drift with the
//! time the worker takes), and after a stall one catch-up frame rather
//! than a burst: the ticks missed beyond it are skipped, on the same grid.

use std::time::{Duration, Instant};

/// One audio frame's time.
pub const TICK: Duration = Duration::from_millis(20);

/// When the next tick is due; running only while the worker has audio
/// calls.
#[derive(Debug, Default)]
pub struct Ticker {
    next: Option<Instant>,
}

impl Ticker {
    /// How long from `now` until the next tick; a stopped clock starts,
    /// its first tick one period away.
    pub fn wait(&mut self, now: Instant) -> Duration {
        let next = *self.next.get_or_insert(now + TICK);
        next.saturating_duration_since(now)
    }

    /// Frames to send at `now`: none before the next tick, one at it, two
    /// when the worker fell a tick or more behind (the due one and one
    /// catch-up; later missed ticks are skipped).
    pub fn due(&mut self, now: Instant) -> u32 {
        let next = self.next.get_or_insert(now + TICK);
        if now < *next {
            return 0;
        }
        *next += TICK;
        if now < *next {
            return 1;
        }
        let behind = (now - *next).as_nanos() / TICK.as_nanos();
        *next += TICK * (behind as u32 + 1);
        2
    }

    /// Stops the clock (no audio call left).
    pub fn stop(&mut self) {
        self.next = None;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_stay_on_the_grid_and_a_stall_costs_one_catch_up_frame() {
        let t0 = Instant::now();
        let mut t = Ticker::default();
        assert_eq!(t.wait(t0), TICK);
        assert_eq!(t.due(t0 + Duration::from_millis(19)), 0);
        assert_eq!(t.due(t0 + Duration::from_millis(23)), 1, "late by 3 ms");
        assert_eq!(
            t.wait(t0 + Duration::from_millis(23)),
            Duration::from_millis(17),
            "no drift"
        );
        assert_eq!(t.due(t0 + Duration::from_millis(131)), 2, "stalled: one catch-up");
        assert_eq!(t.wait(t0 + Duration::from_millis(131)), Duration::from_millis(9));
        t.stop();
        assert_eq!(t.wait(t0), TICK);
    }
}
