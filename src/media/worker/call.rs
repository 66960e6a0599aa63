//! A call on a worker: the relay that decides what becomes of each packet,
//! and the sockets of its legs, which the worker reads and sends through.

use super::relay::Relay;
use crate::media::capture::PacketTap;
use mio::net::UdpSocket;
use std::net::{IpAddr, SocketAddr};

/// One leg's sockets.
#[derive(Debug)]
pub struct LegSockets {
    /// The address they are bound to.
    pub ip: IpAddr,
    /// The RTP port (the RTCP socket, if any, is on the next).
    pub port: u16,
    /// RTP socket (and RTCP when muxed).
    pub rtp: UdpSocket,
    /// RTCP socket on port+1, unless muxed or an echo (which does not
    /// reflect RTCP: one descriptor per echoed call lets 10,000 fit).
    pub rtcp: Option<UdpSocket>,
    /// When this call took them.
    pub taken: Taken,
}

/// When a leg's sockets were taken for its call, so that a datagram that
/// reached one before (while it was parked, its readiness not yet
/// handled) is dropped rather than relayed: the kernel's arrival stamp
/// (CLOCK_REALTIME) says so without the read that would empty the socket
/// at each reuse. "Taken" is when signalling queued the command, not when
/// the worker handled it: what came in between is the call's (its peer
/// may answer the SDP that quickly). The stamps are compared only for a
/// short while after: what waited is handled within a turn or two, and a
/// clock stepped back later must not make the call's own packets look
/// old.
#[derive(Debug, Clone, Copy)]
pub struct Taken {
    /// CLOCK_REALTIME ns when taken.
    since_ns: u64,
    /// The worker's clock (µs) until which stamps are compared.
    until_us: u64,
}

impl Taken {
    /// How long after the sockets are taken stamps are compared.
    const WINDOW_US: u64 = 200_000;

    /// Taken by a command queued at `since_ns` (CLOCK_REALTIME), handled
    /// at `now_us` on the worker's clock.
    pub fn since(since_ns: u64, now_us: u64) -> Self {
        Taken {
            since_ns,
            until_us: now_us + Self::WINDOW_US,
        }
    }

    /// Whether packets handled at `now_us` may still predate the call.
    pub fn watching(&self, now_us: u64) -> bool {
        now_us < self.until_us
    }

    /// Whether a datagram stamped `arrived`, handled at `now_us`, reached
    /// the socket before the call took it.
    pub fn before(&self, arrived: Option<u64>, now_us: u64) -> bool {
        self.watching(now_us) && arrived.is_some_and(|a| a < self.since_ns)
    }
}

impl LegSockets {
    /// The socket RTCP to this leg leaves from.
    pub fn rtcp_out(&self) -> &UdpSocket {
        self.rtcp.as_ref().unwrap_or(&self.rtp)
    }
}

/// A call: one leg (echo) or two (relay); both on this worker.
pub struct Call {
    /// Call id.
    pub id: u64,
    /// Its media state.
    pub relay: Relay,
    /// Leg A's sockets, and leg B's unless this is an echo.
    pub sockets: [Option<LegSockets>; 2],
    /// Where a copy of its packets goes, while someone captures it.
    pub capture: Option<PacketTap>,
}

/// Copies a datagram that left or reached our `port` into `capture`, if
/// there is one.
pub fn capture(capture: &mut Option<PacketTap>, ip: IpAddr, port: u16, peer: SocketAddr, sent: bool, bytes: &[u8]) {
    if capture.as_ref().is_some_and(|t| t.is_closed()) {
        // The writer stopped: no more copies.
        *capture = None;
    }
    if let Some(tap) = capture {
        let ours = SocketAddr::new(ip, port);
        let (from, to) = if sent { (ours, peer) } else { (peer, ours) };
        tap.copy(crate::udp_batch::realtime_ns(), from, to, bytes);
    }
}

// A held call keeps one in the worker's table (1,040 bytes in session 22,
// 992 before a leg's copy of its SRTP keys went, 864 before the remote
// transcoders' state was kept `Rare`). Release builds only:
// mio gives each socket a selector id in debug builds.
#[cfg(not(debug_assertions))]
const _: () = assert!(std::mem::size_of::<Call>() <= 808);
