//! What a worker publishes about itself: written by the worker with
//! relaxed atomics, read by anyone (metrics, load tools) through
//! [`MediaPlane::counters`](crate::media::MediaPlane::counters).

use super::latency::LatencyCounters;
use super::verdict::DropReason;
use crate::udp_batch::SendBatch;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// One worker's counters, cumulative since it started.
#[derive(Debug, Default)]
pub struct WorkerCounters {
    /// RTP/RTCP packets received.
    pub packets_in: AtomicU64,
    /// Packets sent.
    pub packets_out: AtomicU64,
    /// Packets not forwarded (malformed, strangers, hold, no destination,
    /// unnegotiated payload types, SRTP failing authentication or
    /// replayed).
    pub dropped: AtomicU64,
    /// Of those, with a payload type not negotiated on their legs.
    pub unnegotiated: AtomicU64,
    /// Of those, SRTP or SRTCP whose authentication tag did not match
    /// (corrupted, forged, or keyed wrongly).
    pub srtp_auth_failed: AtomicU64,
    /// Of those, SRTP or SRTCP received before (replayed) or too old.
    pub srtp_replayed: AtomicU64,
    /// Of those, RTP that had waited longer than the latency bound
    /// (`WorkerConfig::max_delay`) since it arrived.
    pub late: AtomicU64,
    /// Datagrams the kernel dropped on the worker's sockets, their receive
    /// buffers full (never read, so not in `packets_in`; counted when the
    /// socket next delivers one).
    pub kernel_dropped: AtomicU64,
    /// Of those, voice to re-code dropped because its transcoder thread's
    /// queue (or the queue back) was full (`media.transcoders`).
    pub transcode_dropped: AtomicU64,
    /// Transcoder states held for its calls on transcoder threads (made by
    /// a direction's first packet, dropped after the call or its codec).
    pub transcoders: AtomicU64,
    /// Events lost because signalling's queue was full.
    pub event_overflow: AtomicU64,
    /// Calls on this worker (their sockets bound).
    pub calls: AtomicU64,
    /// Media sockets opened (the rest were parked sockets reused).
    pub sockets_opened: AtomicU64,
    /// Time spent working rather than waiting in poll (ns).
    pub busy_ns: AtomicU64,
    /// Latency added per packet.
    pub latency: LatencyCounters,
    /// Latency of re-coded packets: their voice's arrival to their send.
    pub transcoded_latency: LatencyCounters,
}

impl WorkerCounters {
    /// Counts one packet sent at once: out, or dropped when refused.
    pub(super) fn count_send(&self, sent: bool) {
        let c = if sent { &self.packets_out } else { &self.dropped };
        c.fetch_add(1, Relaxed);
    }

    /// Counts one packet the relay did not forward, and why when the
    /// reason has its own counter.
    pub(super) fn count_drop(&self, reason: DropReason) {
        self.dropped.fetch_add(1, Relaxed);
        let why = match reason {
            DropReason::Unnegotiated => &self.unnegotiated,
            DropReason::SrtpAuth => &self.srtp_auth_failed,
            DropReason::SrtpReplay => &self.srtp_replayed,
            _ => return,
        };
        why.fetch_add(1, Relaxed);
    }
}

/// A send batch flushed into a worker's counters.
pub(super) trait FlushInto {
    /// Flushes, counting what went out and what was refused or, with the
    /// socket's buffer full, left behind (dropped: RTP is not resent).
    fn flush_into(&mut self, c: &WorkerCounters);
}

impl FlushInto for SendBatch {
    fn flush_into(&mut self, c: &WorkerCounters) {
        let (sent, failed) = self.flush();
        let left = self.clear() as u64;
        c.packets_out.fetch_add(sent, Relaxed);
        c.dropped.fetch_add(failed + left, Relaxed);
    }
}
