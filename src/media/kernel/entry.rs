//! One direction of a call as the kernel forwards it: the key a packet
//! is matched by and the rewrite it gets. The layouts are those of
//! `struct fwd_key` and `struct fwd_entry` in bpf/rtp_fwd.c: change both
//! together. Addresses and ports are kept in network byte order, RTP
//! fields in host order, as the program reads them.

use std::net::SocketAddrV4;

/// Where a packet arrives (our leg's socket) and who sent it (the peer
/// latched on that leg).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ForwardKey {
    local_ip: u32,
    peer_ip: u32,
    local_port: u16,
    peer_port: u16,
}

// SAFETY: plain integers, no padding (12 bytes, 4-aligned).
unsafe impl aya::Pod for ForwardKey {}

impl ForwardKey {
    /// Packets reaching `local` from `peer`.
    pub fn new(local: SocketAddrV4, peer: SocketAddrV4) -> Self {
        ForwardKey {
            local_ip: u32::from_ne_bytes(local.ip().octets()),
            peer_ip: u32::from_ne_bytes(peer.ip().octets()),
            local_port: local.port().to_be(),
            peer_port: peer.port().to_be(),
        }
    }

    /// The guard of `local`: marks it forwarded, so a packet from anyone
    /// but the latched peer is counted as a stranger (and passed up).
    pub fn guard(local: SocketAddrV4) -> Self {
        ForwardKey::new(local, SocketAddrV4::new(0.into(), 0))
    }
}

/// `fwd_entry.flags`: a guard, never forwarding.
const GUARD: u32 = 1;
/// `fwd_entry.flags`: SSRC, sequence, timestamp and payload type rewritten.
const REWRITE_RTP: u32 = 2;
/// A payload type slot with nothing in it.
const NO_PT: u8 = 0xff;

/// What becomes of a matching packet, and what the kernel counted.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ForwardEntry {
    flags: u32,
    out_src_ip: u32,
    out_dst_ip: u32,
    out_src_port: u16,
    out_dst_port: u16,
    in_ssrc: u32,
    out_ssrc: u32,
    ts_delta: u32,
    seq_delta: u16,
    pt_in: [u8; 2],
    pt_out: [u8; 2],
    last_seq: u16,
    last_ts: u32,
    packets: u64,
    bytes: u64,
    lost: u64,
}

// SAFETY: plain integers laid out without padding (72 bytes, 8-aligned).
unsafe impl aya::Pod for ForwardEntry {}

/// How the RTP header of a forwarded packet is rewritten: what the
/// worker's relay would do for the current source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtpRewrite {
    /// The source's SSRC; another SSRC is passed up (the worker
    /// re-anchors the stream, then installs the entry again).
    pub in_ssrc: u32,
    /// Our SSRC towards the other peer.
    pub out_ssrc: u32,
    /// Added to the sequence number.
    pub seq_delta: u16,
    /// Added to the timestamp.
    pub ts_delta: u32,
    /// Payload types as `(received, sent)`: the voice codec, then
    /// telephone-event if negotiated; any other type is passed up.
    pub pts: [Option<(u8, u8)>; 2],
}

impl ForwardEntry {
    /// Forward from our socket `from` to `to`, rewriting the RTP header
    /// as `rtp` says (`None`: addresses and ports only).
    pub fn new(from: SocketAddrV4, to: SocketAddrV4, rtp: Option<RtpRewrite>) -> Self {
        let mut e = ForwardEntry {
            out_src_ip: u32::from_ne_bytes(from.ip().octets()),
            out_dst_ip: u32::from_ne_bytes(to.ip().octets()),
            out_src_port: from.port().to_be(),
            out_dst_port: to.port().to_be(),
            pt_in: [NO_PT; 2],
            pt_out: [NO_PT; 2],
            ..Default::default()
        };
        if let Some(r) = rtp {
            e.flags = REWRITE_RTP;
            (e.in_ssrc, e.out_ssrc, e.seq_delta, e.ts_delta) = (r.in_ssrc, r.out_ssrc, r.seq_delta, r.ts_delta);
            for (i, (rx, tx)) in r.pts.iter().enumerate().filter_map(|(i, p)| Some((i, (*p)?))) {
                (e.pt_in[i], e.pt_out[i]) = (rx, tx);
            }
        }
        e
    }

    /// A guard entry (see [`ForwardKey::guard`]).
    pub(super) fn guard() -> Self {
        ForwardEntry {
            flags: GUARD,
            ..Default::default()
        }
    }

    /// Packets forwarded since the entry was installed.
    pub fn packets(&self) -> u64 {
        self.packets
    }

    /// RTP bytes (UDP payload) forwarded since the entry was installed.
    pub fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Sequence numbers skipped by the forwarded packets (a later packet
    /// than the next: those between are counted lost; reordered and
    /// repeated packets are not counted).
    pub fn lost(&self) -> u64 {
        self.lost
    }

    /// The last forwarded packet's sequence number and timestamp, as
    /// sent: where user space continues the stream when the entry goes.
    pub fn last_sent(&self) -> Option<(u16, u32)> {
        (self.packets > 0).then_some((self.last_seq, self.last_ts))
    }
}
