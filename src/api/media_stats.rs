//! The media workers' packet counters, summed over the workers when read:
//! live (each worker adds to its own atomics once per receive batch), so
//! they move while calls are up, unlike [`Stats`](super::Stats)' RTP
//! figures, which are summed as calls end.

use super::SipUa;
use crate::media::WorkerCounters;
use std::sync::atomic::Ordering::Relaxed;

/// The media workers' counters, cumulative since start (take two and
/// subtract for rates).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MediaStats {
    /// RTP/RTCP packets the workers received.
    pub packets_in: u64,
    /// Packets they sent.
    pub packets_out: u64,
    /// Packets received and not forwarded, for any reason (the late,
    /// unnegotiated and SRTP ones below included).
    pub dropped: u64,
    /// Of those, RTP that had waited longer than the latency bound
    /// (`ServerConfig::media_max_delay`).
    pub late: u64,
    /// Of those, RTP with a payload type its legs did not negotiate.
    pub unnegotiated: u64,
    /// Of those, SRTP/SRTCP that failed authentication.
    pub srtp_auth_failed: u64,
    /// Datagrams the kernel dropped on the workers' sockets, their
    /// receive buffers full (never received, so in none of the above).
    pub kernel_dropped: u64,
}

impl MediaStats {
    fn add(mut self, w: &WorkerCounters) -> Self {
        self.packets_in += w.packets_in.load(Relaxed);
        self.packets_out += w.packets_out.load(Relaxed);
        self.dropped += w.dropped.load(Relaxed);
        self.late += w.late.load(Relaxed);
        self.unnegotiated += w.unnegotiated.load(Relaxed);
        self.srtp_auth_failed += w.srtp_auth_failed.load(Relaxed);
        self.kernel_dropped += w.kernel_dropped.load(Relaxed);
        self
    }
}

impl SipUa {
    /// The media workers' packet counters now, calls in progress included.
    pub fn media_stats(&self) -> MediaStats {
        self.media.counters().fold(MediaStats::default(), MediaStats::add)
    }
}
