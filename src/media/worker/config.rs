//! What every media worker of a plane is told at start.

use super::{MediaIo, MediaKernel};
use crate::media::OpusSettings;
use std::net::IpAddr;
use std::time::Duration;

/// Settings every worker shares.
#[derive(Debug, Clone, Copy)]
pub struct WorkerConfig {
    /// Address media sockets bind to.
    pub ip: IpAddr,
    /// Silence after which a new source may take over a latched leg.
    pub relatch: Duration,
    /// No RTP for this long raises a media timeout.
    pub timeout: Duration,
    /// How Opus encoders are set, for transcoded calls and API audio.
    pub opus: OpusSettings,
    /// Sockets of ended calls kept open for reuse, at most (the plane
    /// lowers it to its share of the descriptor limit).
    pub park_max: usize,
    /// A packet that has waited longer than this since the kernel stamped
    /// its arrival is dropped and counted rather than relayed late
    /// (`Duration::ZERO`: never); its sockets' receive buffers are sized
    /// for it (a few packets per leg beyond the bound's worth; 1 MiB
    /// without one).
    pub max_delay: Duration,
    /// How its sockets are read and written (`media.io`).
    pub io: MediaIo,
    /// Whether plain relay is offloaded to the kernel (`media.kernel`).
    pub kernel: MediaKernel,
    /// Before sleeping for packets, look for them this long without
    /// sleeping (`Duration::ZERO`: sleep at once): a packet arriving
    /// within it is relayed without a wake-up's delay, for the CPU the
    /// polling burns. Measured with `rvoip-rtpload --busy-poll-us` and
    /// found not to pay here (perf/README.md), so the gateway keeps it
    /// off and has no setting for it.
    pub busy_poll: Duration,
}

impl Default for WorkerConfig {
    /// Loopback, re-latch after 2 s of silence, 30 s media timeout, Opus
    /// encoders as [`OpusSettings::default`], no limit of its own on parked sockets, packets older
    /// than 40 ms dropped, the default I/O ([`MediaIo::default`]), no
    /// kernel fast path, no busy-polling.
    fn default() -> Self {
        WorkerConfig {
            ip: IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
            relatch: Duration::from_secs(2),
            timeout: Duration::from_secs(30),
            opus: OpusSettings::default(),
            park_max: usize::MAX,
            max_delay: Duration::from_millis(40),
            io: MediaIo::default(),
            kernel: MediaKernel::Off,
            busy_poll: Duration::ZERO,
        }
    }
}
