//! Admission of new calls, shared by the signalling shards of one
//! gateway: its limits are the gateway's, not each shard's. The call count is an atomic; the two rate
//! limiters sit behind mutexes taken once per new INVITE (uncontended but
//! for the moment two shards admit at once).

use super::rate::RateLimiter;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Mutex;
use std::sync::atomic::{
    AtomicBool, AtomicUsize,
    Ordering::{AcqRel, Acquire, Release},
};
use std::time::Instant;

/// Why a call was not admitted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// `max_calls` inbound calls are up.
    OverLimit,
    /// The source is over `calls_per_source`.
    RateLimited,
    /// The gateway is over `max_cps`.
    OverRate,
}

/// Limits shared by a gateway's shards.
#[derive(Debug)]
pub struct Admission {
    inbound: AtomicUsize,
    max_calls: usize,
    /// A shard drains (all do): OPTIONS answers 503 from every shard.
    draining: AtomicBool,
    per_source: Mutex<RateLimiter>,
    total: Mutex<RateLimiter>,
}

impl Admission {
    /// Limits of `max_calls` inbound calls, `per_source` and `max_cps`
    /// new calls per second (0: no rate limit).
    pub fn new(max_calls: usize, per_source: u32, max_cps: u32) -> Self {
        Admission {
            inbound: AtomicUsize::new(0),
            max_calls,
            draining: AtomicBool::new(false),
            per_source: Mutex::new(RateLimiter::new(per_source)),
            total: Mutex::new(RateLimiter::new(max_cps)),
        }
    }

    /// Admits a new inbound call from `src` (holding one of the
    /// `max_calls` places until [`Admission::release`]) or says why not.
    pub fn admit(&self, src: IpAddr, now: Instant) -> Result<(), Denied> {
        let max = self.max_calls;
        if self
            .inbound
            .fetch_update(AcqRel, Acquire, |n| (n < max).then_some(n + 1))
            .is_err()
        {
            return Err(Denied::OverLimit);
        }
        let verdict = if !self.per_source.lock().is_ok_and(|mut r| r.admit(src, now)) {
            Err(Denied::RateLimited)
        } else if !self
            .total
            .lock()
            .is_ok_and(|mut r| r.admit(Ipv4Addr::UNSPECIFIED.into(), now))
        {
            Err(Denied::OverRate)
        } else {
            Ok(())
        };
        if verdict.is_err() {
            self.release();
        }
        verdict
    }

    /// The gateway drains: no call is admitted again.
    pub fn set_draining(&self) {
        self.draining.store(true, Release);
    }

    /// An admitted inbound call has gone (or was not placed after all).
    pub fn take(&self) {
        self.inbound.fetch_add(1, AcqRel);
    }

    /// A call admitted has ended.
    pub fn release(&self) {
        let _ = self.inbound.fetch_update(AcqRel, Acquire, |n| n.checked_sub(1));
    }
}

/// What an OPTIONS reports as the node's load: atomic reads, no lock.
impl crate::session::CallGauge for Admission {
    fn calls(&self) -> (usize, usize) {
        (self.inbound.load(Acquire), self.max_calls)
    }

    fn is_draining(&self) -> bool {
        self.draining.load(Acquire)
    }
}
