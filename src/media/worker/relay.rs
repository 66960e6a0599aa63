//! The per-packet path as plain functions over `&mut [u8]` and `now`: check
//! and latch what came in, then rewrite it for the leg it goes out on.

use super::egress::Egress;
use super::latch::{Latch, LatchVerdict};
use crate::media::command::LegConfig;
use crate::media::rtp::{RtpHeader, RxStats, header};
use std::net::SocketAddr;

/// Why a packet was not forwarded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drop {
    /// Not a valid RTP packet.
    Malformed,
    /// From a source other than the latched one.
    Stranger,
    /// The outgoing leg is on hold (we do not send to it).
    Hold,
    /// The outgoing leg has no address yet.
    NoDestination,
}

/// What ingress learned about a packet, for egress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ingress {
    /// Payload type as received.
    pub pt: u8,
    /// SSRC, sequence, timestamp as received.
    pub ssrc: u32,
    /// Sequence number.
    pub seq: u16,
    /// Timestamp.
    pub ts: u32,
    /// Payload length.
    pub payload: usize,
    /// Header length (payload starts here).
    pub header_len: usize,
    /// The source latched by this packet, if it latched.
    pub latched: Option<SocketAddr>,
}

/// Checks and latches a packet received on a leg, and records its stats.
pub fn ingress(pkt: &[u8], src: SocketAddr, now_us: u64, latch: &mut Latch, rx: &mut RxStats) -> Result<Ingress, Drop> {
    let hdr = RtpHeader::parse(pkt).map_err(|_| Drop::Malformed)?;
    let latched = match latch.accept(src, now_us) {
        LatchVerdict::Stranger => return Err(Drop::Stranger),
        LatchVerdict::Latched(a) => Some(a),
        LatchVerdict::Same => None,
    };
    let (seq, ts) = (header::sequence(pkt), header::timestamp(pkt));
    rx.record(seq, ts, hdr.payload_len, now_us);
    Ok(Ingress {
        pt: header::payload_type(pkt),
        ssrc: header::ssrc(pkt),
        seq,
        ts,
        payload: hdr.payload_len,
        header_len: hdr.header_len,
        latched,
    })
}

/// The payload type a packet carries on the outgoing leg: the voice codec
/// and telephone-event are renumbered, anything else (CN…) kept.
pub fn map_pt(pt: u8, from: &LegConfig, to: &LegConfig) -> u8 {
    if pt == from.codec_pt {
        to.codec_pt
    } else if from.te_pt == Some(pt) {
        to.te_pt.unwrap_or(pt)
    } else {
        pt
    }
}

/// Rewrites a packet for the outgoing leg and says where it goes.
pub fn egress(
    pkt: &mut [u8],
    info: &Ingress,
    now_us: u64,
    from: &LegConfig,
    to: &LegConfig,
    target: Option<SocketAddr>,
    out: &mut Egress,
) -> Result<SocketAddr, Drop> {
    if !to.send {
        return Err(Drop::Hold);
    }
    let dest = target.ok_or(Drop::NoDestination)?;
    let (seq, ts) = out.map(info.ssrc, info.seq, info.ts, now_us, info.payload);
    header::rewrite(pkt, map_pt(info.pt, from, to), seq, ts, out.ssrc);
    Ok(dest)
}
