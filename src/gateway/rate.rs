//! Rate admission: a token bucket per source address, refilled at the
//! configured calls per second with one second of burst, and one for the
//! whole gateway; each signalling shard holds its share of both.

use super::admission::Denied;
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
    pub fn new(rate: f64) -> Self {
        RateLimiter {
            rate,
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
        let (rate, burst) = (self.rate, self.burst());
        let (tokens, last) = self.buckets.entry(src).or_insert((burst, now));
        *tokens = (*tokens + now.saturating_duration_since(*last).as_secs_f64() * rate).min(burst);
        *last = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// A second's worth of calls, and at least one (a shard's share of a
    /// low rate is below one call per second).
    fn burst(&self) -> f64 {
        self.rate.max(1.0)
    }

    /// Drops buckets that have refilled: they would admit like new ones.
    fn forget_idle(&mut self, now: Instant) {
        let (rate, burst) = (self.rate, self.burst());
        self.buckets
            .retain(|_, (t, last)| *t + now.saturating_duration_since(*last).as_secs_f64() * rate < burst);
    }
}

/// One shard's share of the gateway's rates: with `shards` shards, calls
/// spread evenly by Call-ID, each admits `1 / shards` of the rate, so the
/// buckets are its own and no lock is taken per INVITE.
#[derive(Debug)]
pub struct Rates {
    per_source: RateLimiter,
    total: RateLimiter,
}

impl Rates {
    /// The share of one shard of `shards` in `per_source` and `max_cps`
    /// calls per second (0: no limit).
    pub fn new(per_source: u32, max_cps: u32, shards: usize) -> Self {
        let share = |r: u32| f64::from(r) / shards.max(1) as f64;
        Rates {
            per_source: RateLimiter::new(share(per_source)),
            total: RateLimiter::new(share(max_cps)),
        }
    }

    /// Whether a new call from `src` is within both rates.
    pub fn admit(&mut self, src: IpAddr, now: Instant) -> Result<(), Denied> {
        if !self.per_source.admit(src, now) {
            Err(Denied::RateLimited)
        } else if !self.total.admit(std::net::Ipv4Addr::UNSPECIFIED.into(), now) {
            Err(Denied::OverRate)
        } else {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn each_shard_admits_its_share_of_the_rates() {
        let t0 = Instant::now();
        let src: IpAddr = [192, 0, 2, 1].into();
        let burst = |r: &mut Rates, at| (0..20).filter(|_| r.admit(src, at).is_ok()).count();
        // 10 calls/s over 2 shards: 5 a second each, in a burst or refilled.
        let mut shard = Rates::new(0, 10, 2);
        assert_eq!(burst(&mut shard, t0), 5);
        assert_eq!(shard.admit(src, t0), Err(Denied::OverRate));
        assert_eq!(burst(&mut shard, t0 + Duration::from_secs(1)), 5);
        // 1 call/s per source over 2 shards: a burst of one, then one
        // every 2 s on each shard.
        let mut shard = Rates::new(1, 0, 2);
        assert_eq!(burst(&mut shard, t0), 1);
        assert_eq!(shard.admit(src, t0 + Duration::from_secs(1)), Err(Denied::RateLimited));
        assert_eq!(shard.admit(src, t0 + Duration::from_secs(2)), Ok(()));
    }
}
