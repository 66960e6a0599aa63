//! Admission of new calls, shared by the signalling shards of one
//! gateway: `max_calls` is the gateway's, counted in an atomic; the rates
//! are split between the shards, each holding its share's token buckets
//! (see [`Rates`]), so no lock is taken per INVITE.

use super::rate::Rates;
use std::net::IpAddr;
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
}

impl Admission {
    /// A limit of `max_calls` inbound calls.
    pub fn new(max_calls: usize) -> Self {
        Admission {
            inbound: AtomicUsize::new(0),
            max_calls,
            draining: AtomicBool::new(false),
        }
    }

    /// Admits a new inbound call from `src` within this shard's `rates`
    /// (holding one of the `max_calls` places until
    /// [`Admission::release`]) or says why not.
    pub fn admit(&self, rates: &mut Rates, src: IpAddr, now: Instant) -> Result<(), Denied> {
        let max = self.max_calls;
        if self
            .inbound
            .fetch_update(AcqRel, Acquire, |n| (n < max).then_some(n + 1))
            .is_err()
        {
            return Err(Denied::OverLimit);
        }
        let verdict = rates.admit(src, now);
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
