//! Per-source admission: a token bucket per source address, refilled at
//! the configured calls per second with one second of burst.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::Instant;

/// Most sources tracked; beyond it, full buckets are forgotten.
const MAX_SOURCES: usize = 100_000;

/// Token buckets keyed by source address.
#[derive(Debug)]
pub struct RateLimiter {
    rate: f64,
    buckets: HashMap<IpAddr, (f64, Instant)>,
}

impl RateLimiter {
    /// `rate` calls per second per source; 0 admits everything.
    pub fn new(rate: u32) -> Self {
        RateLimiter {
            rate: f64::from(rate),
            buckets: HashMap::new(),
        }
    }

    /// Whether a new call from `src` at `now` is within its rate.
    pub fn admit(&mut self, src: IpAddr, now: Instant) -> bool {
        if self.rate == 0.0 {
            return true;
        }
        if self.buckets.len() >= MAX_SOURCES {
            self.forget_idle(now);
        }
        let rate = self.rate;
        let (tokens, last) = self.buckets.entry(src).or_insert((rate, now));
        *tokens = (*tokens + now.saturating_duration_since(*last).as_secs_f64() * rate).min(rate);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// Drops buckets that have refilled: they would admit like new ones.
    fn forget_idle(&mut self, now: Instant) {
        let rate = self.rate;
        self.buckets
            .retain(|_, (t, last)| *t + now.saturating_duration_since(*last).as_secs_f64() * rate < rate);
    }
}
