//! What the media plane tells signalling, and the per-leg counters it
//! reports when a call ends.

use crate::media::Side;
use crate::media::rtp::RxStats;
use std::net::SocketAddr;

/// Per-leg counters reported to signalling.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LegStats {
    /// Received stream statistics (packets, bytes, loss, jitter).
    pub rx: RxStats,
    /// Packets sent to this leg.
    pub tx_packets: u64,
    /// Packets dropped: from a stranger after latching.
    pub strangers: u64,
    /// Packets dropped: malformed, or not forwarded (hold, no destination).
    pub dropped: u64,
}

/// What a worker tells signalling.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaEvent {
    /// A leg latched to the first packet's source.
    Latched {
        /// Call id.
        call: u64,
        /// Which leg.
        side: Side,
        /// The source latched to.
        addr: SocketAddr,
    },
    /// No RTP on any leg for the media timeout.
    Timeout {
        /// Call id.
        call: u64,
    },
    /// A leg's port could not be bound; the call has no media.
    BindFailed {
        /// Call id.
        call: u64,
        /// The port.
        port: u16,
    },
    /// An RFC 4733 digit heard (reported once, at its end): on an
    /// application's call, or on a relayed call's leg whose other leg did
    /// not agree telephone-event (so it was not relayed).
    Dtmf {
        /// Call id.
        call: u64,
        /// The leg it came from.
        side: Side,
        /// `0`-`9`, `*`, `#`, `A`-`D`.
        digit: char,
        /// How long it was held, in ms.
        duration_ms: u32,
    },
    /// The call was removed; its final statistics per leg.
    Removed {
        /// Call id.
        call: u64,
        /// Leg A, and leg B if any.
        stats: [Option<LegStats>; 2],
    },
}

impl MediaEvent {
    /// The call the event is about.
    pub fn call(&self) -> u64 {
        match self {
            MediaEvent::Latched { call, .. }
            | MediaEvent::Timeout { call }
            | MediaEvent::BindFailed { call, .. }
            | MediaEvent::Dtmf { call, .. }
            | MediaEvent::Removed { call, .. } => *call,
        }
    }
}
