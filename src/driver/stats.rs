//! Counters the driver publishes for the API and the status line.

use crate::gateway::GatewayStats;
use crate::session::UaStats;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// Live counters, written by the driver, read by anyone.
#[derive(Debug, Default)]
pub struct LiveStats {
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
    /// API commands refused (queue full).
    pub command_overflow: AtomicU64,
    /// The gateway's counters, when there is one.
    pub gateway: std::sync::Mutex<GatewayStats>,
    /// The gateway's failed outbound legs by status.
    pub gateway_failures: std::sync::Mutex<Vec<(u16, u64)>>,
}

impl LiveStats {
    /// Copies the UA core's counters.
    pub fn publish(&self, s: &UaStats, active: usize, transactions: usize) {
        self.active.store(active as u64, Relaxed);
        self.total.store(s.calls_total, Relaxed);
        self.answered.store(s.calls_answered, Relaxed);
        self.failed.store(s.calls_failed, Relaxed);
        self.overload.store(s.overload_rejected, Relaxed);
        self.bad_answered.store(s.bad_answered, Relaxed);
        self.dropped.store(s.dropped, Relaxed);
        self.transactions.store(transactions as u64, Relaxed);
        self.rtp_in.store(s.rtp_in, Relaxed);
        self.rtp_out.store(s.rtp_out, Relaxed);
        self.rtp_lost.store(s.rtp_lost, Relaxed);
        self.rtp_dropped.store(s.rtp_dropped, Relaxed);
        self.rtp_streams.store(s.rtp_streams, Relaxed);
        self.rtp_jitter_us_sum.store(s.rtp_jitter_us_sum, Relaxed);
        self.transcoded_calls.store(s.transcoded_calls, Relaxed);
    }

    /// Copies the gateway's counters (and its failures by status, when
    /// there are new ones).
    pub fn publish_gateway(&self, g: &crate::gateway::Gateway) {
        let new = g.stats();
        let Ok(mut s) = self.gateway.lock() else { return };
        if s.outbound_failed != new.outbound_failed {
            if let Ok(mut f) = self.gateway_failures.lock() {
                *f = g.failures().iter().map(|(k, v)| (*k, *v)).collect();
            }
        }
        *s = new;
    }
}
