//! A copy of a call's packets for a pcap (issue #17): every RTP and RTCP
//! datagram the worker receives on the call's legs and sends from them, as
//! on the wire (SRTP stays encrypted), with its addresses and the time, in
//! a bounded queue of [`Copies`] the writer empties.

use super::copies::{Copies, CopyReader, CopyWriter};
use std::net::SocketAddr;

/// Bytes of a packet kept (RTP on these legs is far shorter).
pub const SNAPLEN: usize = 1500;

/// Packets a capture's queue holds (a second of a busy call, both ways).
const CAPTURE_PACKETS: usize = 256;

/// One datagram as it crossed a socket.
#[derive(Clone, Copy)]
pub struct Packet {
    /// Wall-clock time, nanoseconds since the Unix epoch.
    pub at_ns: u64,
    /// Its source.
    pub from: SocketAddr,
    /// Its destination.
    pub to: SocketAddr,
    /// Its length on the wire (at most [`SNAPLEN`] bytes are kept).
    pub len: usize,
    data: [u8; SNAPLEN],
}

impl Packet {
    /// The bytes kept.
    pub fn data(&self) -> &[u8] {
        &self.data[..self.len.min(SNAPLEN)]
    }
}

/// The worker's end of a capture (in [`MediaCommand::Capture`](super::MediaCommand::Capture)).
pub type PacketTap = CopyWriter<Packet>;

/// The pcap writer's end.
pub type CaptureReader = CopyReader<Packet>;

/// A new capture: the worker's end and the writer's.
pub fn capture() -> (PacketTap, CaptureReader) {
    Copies::pair(CAPTURE_PACKETS)
}

impl Copies<Packet> {
    /// The worker's copy of a datagram.
    pub(crate) fn copy(&self, at_ns: u64, from: SocketAddr, to: SocketAddr, bytes: &[u8]) {
        let mut p = Packet {
            at_ns,
            from,
            to,
            len: bytes.len(),
            data: [0; SNAPLEN],
        };
        let kept = bytes.len().min(SNAPLEN);
        p.data[..kept].copy_from_slice(&bytes[..kept]);
        self.push(p);
    }
}
