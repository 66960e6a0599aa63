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
