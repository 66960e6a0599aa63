//! What signalling asks of the media plane, and what it hears back.

use crate::media::codec::AudioCodec;
use crate::media::rtp::RxStats;
use std::net::SocketAddr;

/// One side of a call as the media plane sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LegConfig {
    /// Our RTP port (RTCP on port+1 unless `rtcp_mux`).
    pub port: u16,
    /// The peer's address from SDP (a hint until its first packet).
    pub remote: Option<SocketAddr>,
    /// RTCP multiplexed on the RTP port (RFC 5761).
    pub rtcp_mux: bool,
    /// Payload type this leg's peer uses for the voice codec.
    pub codec_pt: u8,
    /// The voice codec, when the media plane can code it (legs with
    /// different codecs are transcoded).
    pub codec: Option<AudioCodec>,
    /// RTP clock of that codec.
    pub clock: u32,
    /// Payload type of telephone-event on this leg, if negotiated.
    pub te_pt: Option<u8>,
    /// Whether we send media to this leg (its peer receives, we are not
    /// holding it).
    pub send: bool,
}

impl LegConfig {
    /// A sending leg on `port` carrying PCMU (PT 0, no telephone-event,
    /// rtcp-mux) to `remote`: what load tools and tests relay.
    pub fn pcmu(port: u16, remote: SocketAddr) -> Self {
        LegConfig {
            port,
            remote: Some(remote),
            rtcp_mux: true,
            codec_pt: 0,
            codec: None,
            clock: 8000,
            te_pt: None,
            send: true,
        }
    }
}

/// Which leg of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// The leg the call came in on (or the only leg of an echo).
    A,
    /// The other leg.
    B,
}

/// A command to the worker that owns the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaCommand {
    /// Open the call's legs. With `b: None` the call is an echo: what leg A
    /// sends comes back to it.
    AddCall {
        /// Call id (chooses the worker).
        call: u64,
        /// Leg A.
        a: LegConfig,
        /// Leg B, or `None` for an echo.
        b: Option<LegConfig>,
    },
    /// A re-INVITE changed a leg (address, codec, direction).
    UpdateLeg {
        /// Call id.
        call: u64,
        /// Which leg.
        side: Side,
        /// The new settings (same port).
        leg: LegConfig,
    },
    /// Close the call's sockets and report its final statistics.
    RemoveCall {
        /// Call id.
        call: u64,
    },
}

impl MediaCommand {
    /// The call this command is about.
    pub fn call(&self) -> u64 {
        match self {
            MediaCommand::AddCall { call, .. }
            | MediaCommand::UpdateLeg { call, .. }
            | MediaCommand::RemoveCall { call } => *call,
        }
    }
}

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
            | MediaEvent::Removed { call, .. } => *call,
        }
    }
}

/// The worker of call `call` when signalling has `shards` shards (call ids
/// are `shard (mod shards)`) and the plane `workers` workers: consecutive
/// calls of one shard go to consecutive workers.
pub fn worker_of(call: u64, shards: usize, workers: usize) -> usize {
    (call / shards.max(1) as u64 % workers.max(1) as u64) as usize
}
