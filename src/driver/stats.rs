//! Counters the driver publishes for the API and the status line.

use crate::gateway::GatewayStats;
use crate::session::UaStats;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// Live counters, written by the driver, read by anyone.
#[derive(Debug, Default)]
pub(crate) struct LiveStats {
    /// Calls in progress.
    pub active: AtomicU64,
    /// Calls created.
    pub total: AtomicU64,
    /// Calls answered.
    pub answered: AtomicU64,
    /// Calls failed or rejected.
    pub failed: AtomicU64,
    /// INVITEs refused with 503.
    pub overload: AtomicU64,
    /// Of those, refused statelessly for queueing delay.
    pub shed: AtomicU64,
    /// Requests let in on their credentials.
    pub auth_ok: AtomicU64,
    /// Requests challenged (401/407), failed ones included.
    pub auth_challenged: AtomicU64,
    /// Of those, challenged because their credentials failed.
    pub auth_failed: AtomicU64,
    /// Requests refused for their source.
    pub access_refused: AtomicU64,
    /// Datagrams of blocked sources dropped unread.
    pub access_dropped: AtomicU64,
    /// Sources blocked.
    pub access_blocks: AtomicU64,
    /// REGISTERs our registrar accepted.
    pub registers_ok: AtomicU64,
    /// REGISTERs our registrar refused (after authentication).
    pub registers_refused: AtomicU64,
    /// Signalling shards shedding load now.
    pub shedding: AtomicU64,
    /// The longest a SIP datagram waited in the socket (µs) since the
    /// metrics last read it.
    pub queue_delay_max_us: AtomicU64,
    /// Malformed messages answered.
    pub bad_answered: AtomicU64,
    /// Messages dropped unanswered.
    pub dropped: AtomicU64,
    /// Live transactions.
    pub transactions: AtomicU64,
    /// Events the API did not take in time (queue full).
    pub event_overflow: AtomicU64,
    /// TCP sends refused (queue full or connection cap).
    pub tcp_refused: AtomicU64,
    /// Media commands refused (a worker's queue was full).
    pub media_overflow: AtomicU64,
    /// RTP packets received by ended calls.
    pub rtp_in: AtomicU64,
    /// RTP packets sent by ended calls.
    pub rtp_out: AtomicU64,
    /// RTP packets lost on the way in to ended calls.
    pub rtp_lost: AtomicU64,
    /// RTP packets ended calls dropped.
    pub rtp_dropped: AtomicU64,
    /// Streams of ended calls that received RTP.
    pub rtp_streams: AtomicU64,
    /// Sum of those streams' final jitter (µs).
    pub rtp_jitter_us_sum: AtomicU64,
    /// Bridged calls transcoded.
    pub transcoded_calls: AtomicU64,
    /// Redirects (3xx) followed by our outgoing calls.
    pub redirects_followed: AtomicU64,
    /// Outgoing calls whose INVITE forked (a second callee's To tag).
    pub forked_calls: AtomicU64,
    /// Provisionals ignored from forks past the 16 a call keeps.
    pub forks_ignored: AtomicU64,
    /// API commands refused (queue full).
    pub command_overflow: AtomicU64,
    /// Messages for another signalling shard refused (its queue was full).
    pub shard_overflow: AtomicU64,
    /// The gateway's counters, when there is one, per signalling shard.
    pub gateway: std::sync::Mutex<Vec<GatewayStats>>,
    /// The gateway's failed outbound legs by status, per shard.
    pub gateway_failures: std::sync::Mutex<Vec<Vec<(u16, u64)>>>,
    /// Our registrations to trunks (address-of-record, state).
    pub registrations: std::sync::Mutex<Vec<(String, crate::session::RegistrationState)>>,
}

/// What one shard last published (the shared counters hold the sum of
/// every shard's latest values).
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Published {
    ua: UaStats,
    active: u64,
    transactions: u64,
    tcp_refused: u64,
    shedding: bool,
    gateway: Option<GatewayStats>,
    /// The version of the registrations last published.
    pub registrations: u64,
}

/// Adds `new - old` (wrapping: gauges go down) to `c`.
fn delta(c: &AtomicU64, old: u64, new: u64) {
    if new != old {
        c.fetch_add(new.wrapping_sub(old), Relaxed);
    }
}

impl LiveStats {
    /// Publishes one shard's UA counters (its share of the totals).
    pub fn publish(
        &self,
        last: &mut Published,
        s: &UaStats,
        active: usize,
        transactions: usize,
        tcp_refused: u64,
        shedding: bool,
    ) {
        let o = last.ua;
        delta(&self.shedding, u64::from(last.shedding), u64::from(shedding));
        delta(&self.shed, o.shed, s.shed);
        delta(&self.auth_ok, o.auth_ok, s.auth_ok);
        delta(&self.auth_challenged, o.auth_challenged, s.auth_challenged);
        delta(&self.auth_failed, o.auth_failed, s.auth_failed);
        delta(&self.access_refused, o.access_refused, s.access_refused);
        delta(&self.access_dropped, o.access_dropped, s.access_dropped);
        delta(&self.access_blocks, o.access_blocks, s.access_blocks);
        delta(&self.registers_ok, o.registers_ok, s.registers_ok);
        delta(&self.registers_refused, o.registers_refused, s.registers_refused);
        delta(&self.active, last.active, active as u64);
        delta(&self.transactions, last.transactions, transactions as u64);
        delta(&self.tcp_refused, last.tcp_refused, tcp_refused);
        delta(&self.total, o.calls_total, s.calls_total);
        delta(&self.answered, o.calls_answered, s.calls_answered);
        delta(&self.failed, o.calls_failed, s.calls_failed);
        delta(&self.overload, o.overload_rejected, s.overload_rejected);
        delta(&self.bad_answered, o.bad_answered, s.bad_answered);
        delta(&self.dropped, o.dropped, s.dropped);
        delta(&self.rtp_in, o.rtp_in, s.rtp_in);
        delta(&self.rtp_out, o.rtp_out, s.rtp_out);
        delta(&self.rtp_lost, o.rtp_lost, s.rtp_lost);
        delta(&self.rtp_dropped, o.rtp_dropped, s.rtp_dropped);
        delta(&self.rtp_streams, o.rtp_streams, s.rtp_streams);
        delta(&self.rtp_jitter_us_sum, o.rtp_jitter_us_sum, s.rtp_jitter_us_sum);
        delta(&self.transcoded_calls, o.transcoded_calls, s.transcoded_calls);
        delta(&self.redirects_followed, o.redirects_followed, s.redirects_followed);
        delta(&self.forked_calls, o.forked_calls, s.forked_calls);
        delta(&self.forks_ignored, o.forks_ignored, s.forks_ignored);
        last.ua = *s;
        last.active = active as u64;
        last.transactions = transactions as u64;
        last.tcp_refused = tcp_refused;
        last.shedding = shedding;
    }

    /// Publishes shard `shard`'s gateway counters when they changed (and
    /// its failures by status, when there are new ones).
    pub fn publish_gateway(&self, last: &mut Published, shard: usize, g: &crate::gateway::Gateway) {
        let new = g.stats();
        if last.gateway == Some(new) {
            return;
        }
        let failed = last.gateway.is_none_or(|o| o.outbound_failed != new.outbound_failed);
        last.gateway = Some(new);
        if let Ok(mut s) = self.gateway.lock() {
            if s.len() <= shard {
                s.resize(shard + 1, GatewayStats::default());
            }
            s[shard] = new;
        }
        if failed && let Ok(mut f) = self.gateway_failures.lock() {
            if f.len() <= shard {
                f.resize(shard + 1, Vec::new());
            }
            f[shard] = g.failures().iter().map(|(k, v)| (k.code(), *v)).collect();
        }
    }

    /// The gateway's counters, all shards summed.
    pub fn gateway_total(&self) -> GatewayStats {
        let shards = self.gateway.lock().map(|g| g.clone()).unwrap_or_default();
        shards.iter().fold(GatewayStats::default(), |a, b| a.merged(b))
    }

    /// The gateway's failed outbound legs by status, all shards summed.
    pub fn gateway_failures_total(&self) -> Vec<(u16, u64)> {
        let mut sum = std::collections::BTreeMap::new();
        for shard in self.gateway_failures.lock().map(|f| f.clone()).unwrap_or_default() {
            for (status, n) in shard {
                *sum.entry(status).or_insert(0) += n;
            }
        }
        sum.into_iter().collect()
    }
}
