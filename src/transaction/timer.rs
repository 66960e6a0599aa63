//! RFC 3261 §17 timer values (T1, T2, T4 and the timers A–M built on
//! them) and the doubling retransmission timer.

use std::time::{Duration, Instant};

/// The base timer values; every §17 timer derives from them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimerConfig {
    /// RTT estimate (500 ms).
    pub t1: Duration,
    /// Maximum retransmit interval for non-INVITE requests and INVITE
    /// responses (4 s).
    pub t2: Duration,
    /// Maximum time a message stays in the network (5 s).
    pub t4: Duration,
}

impl Default for TimerConfig {
    fn default() -> Self {
        TimerConfig {
            t1: Duration::from_millis(500),
            t2: Duration::from_secs(4),
            t4: Duration::from_secs(5),
        }
    }
}

impl TimerConfig {
    /// 64·T1: Timers B, F, H, J, L, M.
    pub fn t64(&self) -> Duration {
        self.t1 * 64
    }

    /// Timer D: at least 32 s on unreliable transports, zero on reliable.
    pub fn timer_d(&self, reliable: bool) -> Duration {
        if reliable {
            Duration::ZERO
        } else {
            Duration::from_secs(32).max(self.t64())
        }
    }

    /// Timers I and K: T4 on unreliable transports, zero on reliable.
    pub fn t4_or_zero(&self, reliable: bool) -> Duration {
        if reliable { Duration::ZERO } else { self.t4 }
    }
}

/// A retransmission timer: fires at `next`, then doubles up to `cap`.
#[derive(Debug, Clone, Copy)]
pub struct Backoff {
    /// Next firing.
    pub next: Instant,
    /// Current interval.
    pub interval: Duration,
    /// Largest interval (`None`: unbounded, as for Timer A).
    pub cap: Option<Duration>,
}

impl Backoff {
    /// Starts at `now + interval`.
    pub fn start(now: Instant, interval: Duration, cap: Option<Duration>) -> Self {
        Backoff {
            next: now + interval,
            interval,
            cap,
        }
    }

    /// After a firing: doubles the interval (bounded) and rearms.
    pub fn advance(&mut self, now: Instant) {
        self.interval = match self.cap {
            Some(cap) => (self.interval * 2).min(cap),
            None => self.interval * 2,
        };
        self.next = now + self.interval;
    }
}
