//! Load shedding by queueing delay: while SIP datagrams wait too long
//! between the kernel's arrival stamp and our reading them, the signalling
//! thread is behind, and every new call admitted would slow the ACKs and
//! BYEs of the calls already up (a late ACK draws a 2xx retransmission, a
//! late BYE a retransmitted BYE). So new INVITEs are answered 503 +
//! Retry-After statelessly — no transaction, no call, no media port —
//! which costs a fraction of a call; requests inside dialogs, responses,
//! and retransmissions of INVITEs already admitted go on as before.
//!
//! As in CoDel (RFC 8289), a burst is not overload: shedding starts when
//! the delay has stayed above the limit for as long as the limit itself
//! (a standing queue), and stops at the first read under it.

use std::time::{Duration, Instant};

/// The shedding state of one UA core.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Shedder {
    /// Whether new INVITEs are being refused.
    on: bool,
    /// Since when every read has waited over the limit.
    above_since: Option<Instant>,
    /// The largest delay seen since the last `take_max_delay`.
    max_delay: Duration,
}

impl Shedder {
    /// The oldest datagram of a read at `now` waited `delay`; `limit` is
    /// the delay that, held for as long, turns shedding on (`None`: never).
    pub fn observe(&mut self, now: Instant, delay: Duration, limit: Option<Duration>) {
        self.max_delay = self.max_delay.max(delay);
        let Some(limit) = limit else { return };
        if delay <= limit {
            self.above_since = None;
            self.on = false;
        } else {
            let since = *self.above_since.get_or_insert(now);
            self.on = now.duration_since(since) >= limit;
        }
    }

    /// Whether new INVITEs are being refused.
    pub fn is_on(&self) -> bool {
        self.on
    }

    /// The largest queueing delay seen since the last call.
    pub fn take_max_delay(&mut self) -> Duration {
        std::mem::take(&mut self.max_delay)
    }
}
