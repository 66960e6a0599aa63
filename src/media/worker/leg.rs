//! One leg of a call as the relay sees it, without its sockets: where its
//! peer is (latched from what it sends), what it sent, the stream we send
//! it, and its SRTP when it negotiated SRTP.

mod event;
mod seal;

use super::inbound_rtp::InboundRtp;
use super::latch::{Latch, LatchVerdict};
use super::out_stream::OutStream;
use super::srtp_session::SrtpSession;
use super::verdict::DropReason;
use crate::media::rtp::{RxStats, header};
use crate::media::{LegConfig, LegStats};
use std::net::SocketAddr;

/// One leg's stream state.
#[derive(Debug, Clone)]
pub struct Leg {
    /// What signalling negotiated.
    pub cfg: LegConfig<()>,
    /// Where its RTP comes from (and so where ours goes).
    pub latch: Latch,
    /// Where its RTCP comes from (latched separately).
    pub rtcp_latch: Latch,
    /// What we received from it.
    pub rx: RxStats,
    /// What we send to it.
    pub tx: OutStream,
    /// Packets not forwarded: malformed, forged or replayed from it, or
    /// held or without an address towards it (strangers are counted by
    /// the latch).
    pub dropped: u64,
    /// The SSRC its peer last sent (for RTCP mapping).
    pub rx_ssrc: u32,
    /// Its SRTP contexts; `None`: plain RTP.
    srtp: Option<Box<SrtpSession>>,
    /// A new source may take over a latch after this much silence (µs).
    relatch_us: u64,
}

/// The peer's RTCP address from SDP: the RTP port, plus one unless muxed.
fn rtcp_hint(cfg: &LegConfig<()>) -> Option<SocketAddr> {
    cfg.remote.map(|mut a| {
        a.set_port(a.port().wrapping_add(u16::from(!cfg.rtcp_mux)));
        a
    })
}

impl Leg {
    /// A leg as negotiated, sending with SSRC `ssrc`; a new source may
    /// take over its latch after `relatch_us` of silence.
    pub fn new(cfg: LegConfig, relatch_us: u64, ssrc: u32) -> Leg {
        Leg {
            cfg: cfg.keyless(),
            latch: Latch::default(),
            rtcp_latch: Latch::default(),
            rx: RxStats::new(cfg.clock),
            tx: OutStream::new(ssrc, (ssrc >> 16) as u16, ssrc.rotate_left(7), cfg.clock),
            dropped: 0,
            rx_ssrc: 0,
            srtp: cfg.srtp.as_ref().map(|k| Box::new(SrtpSession::new(k))),
            relatch_us,
        }
    }

    /// Applies a re-INVITE's settings: a new address re-latches, a changed
    /// direction or codec re-anchors the outgoing stream, new SRTP keys
    /// re-key (see [`SrtpSession::rekey`]). The port and rtcp-mux stay as
    /// bound.
    pub fn update(&mut self, cfg: LegConfig) {
        self.srtp = SrtpSession::rekey(self.srtp.take(), cfg.srtp.as_ref());
        if cfg.remote != self.cfg.remote {
            self.latch.reset();
            self.rtcp_latch.reset();
        }
        if cfg.send != self.cfg.send || cfg.codec_pt != self.cfg.codec_pt {
            self.tx.rebase();
        }
        self.cfg = LegConfig {
            port: self.cfg.port,
            local: self.cfg.local,
            rtcp_mux: self.cfg.rtcp_mux,
            ..cfg.keyless()
        };
    }

    /// Judges an RTCP packet from `src` at `now_us` (its own latch).
    pub fn accept_rtcp(&mut self, src: SocketAddr, now_us: u64) -> LatchVerdict {
        self.rtcp_latch.accept(src, now_us, self.relatch_us)
    }

    /// Where its RTCP goes: the latched source, else the SDP's.
    pub fn rtcp_target(&self) -> Option<SocketAddr> {
        self.rtcp_latch.target(rtcp_hint(&self.cfg))
    }

    /// Whether an RTP packet from `src` at `now_us` would take its latch
    /// over.
    #[cfg(feature = "kernel-fastpath")]
    pub fn would_latch(&self, src: SocketAddr, now_us: u64) -> bool {
        self.latch.would_latch(src, now_us, self.relatch_us)
    }

    /// Whether it negotiated SRTP.
    #[cfg(feature = "kernel-fastpath")]
    pub fn is_srtp(&self) -> bool {
        self.srtp.is_some()
    }

    /// Counters for signalling.
    pub fn stats(&self) -> LegStats {
        LegStats {
            rx: self.rx,
            tx_packets: self.tx.packets,
            strangers: self.latch.strangers,
            dropped: self.dropped,
        }
    }

    /// Takes an RTP packet that arrived on this leg from `src`, `pkt` as
    /// received: opens it (SRTP, in place), checks it, judges its source
    /// (the source it latched to, if it did) and records it in the receive
    /// statistics. In that order: a forged packet latches nothing.
    pub fn accept_rtp(
        &mut self,
        pkt: &mut [u8],
        src: SocketAddr,
        now_us: u64,
    ) -> Result<(InboundRtp, Option<SocketAddr>), DropReason> {
        let len = self.open_rtp(pkt)?;
        let Ok(rtp) = InboundRtp::read(&pkt[..len]) else {
            self.dropped += 1;
            return Err(DropReason::Malformed);
        };
        let latched = match self.latch.accept(src, now_us, self.relatch_us) {
            LatchVerdict::Stranger => return Err(DropReason::Stranger),
            LatchVerdict::Latched(a) => Some(a),
            LatchVerdict::Same => None,
        };
        self.rx.record(rtp.seq, rtp.ts, rtp.payload_len, now_us);
        self.rx_ssrc = rtp.ssrc;
        Ok((rtp, latched))
    }

    /// Rewrites a packet accepted on leg `from` (`rtp`: its fields, the
    /// packet unprotected at the start of `buf`) for this leg, in place:
    /// this leg's payload types, our SSRC, continuous numbering; then
    /// seals it (SRTP: the tag lands after it in `buf`). Says where it
    /// goes and how long it now is.
    pub fn rewrite_rtp(
        &mut self,
        buf: &mut [u8],
        rtp: &InboundRtp,
        from: &LegConfig<()>,
        now_us: u64,
    ) -> Result<(SocketAddr, usize), DropReason> {
        let dest = self.destination()?;
        let Some(pt) = self.payload_type_for(rtp.pt, from) else {
            self.dropped += 1;
            return Err(DropReason::Unnegotiated);
        };
        let (seq, ts) = self.tx.map(rtp.ssrc, rtp.seq, rtp.ts, now_us, rtp.payload_len);
        header::rewrite(&mut buf[..rtp.len], pt, seq, ts, self.tx.ssrc);
        Ok((dest, self.seal_rtp(buf, rtp.len)?))
    }

    /// Where what we send this leg goes: its latched peer, unless it is
    /// held or has none yet (counted as dropped).
    fn destination(&mut self) -> Result<SocketAddr, DropReason> {
        let dest = match (self.cfg.send, self.latch.target(self.cfg.remote)) {
            (false, _) => Err(DropReason::Hold),
            (true, None) => Err(DropReason::NoDestination),
            (true, Some(dest)) => Ok(dest),
        };
        dest.inspect_err(|_| self.dropped += 1)
    }

    /// The payload type a packet from leg `from` carries on this leg: the
    /// voice codec and telephone-event renumbered; `None` for anything
    /// this leg did not negotiate (the packet is not relayed).
    fn payload_type_for(&self, pt: u8, from: &LegConfig<()>) -> Option<u8> {
        if pt == from.codec_pt {
            Some(self.cfg.codec_pt)
        } else if from.te_pt == Some(pt) {
            self.cfg.te_pt
        } else {
            None
        }
    }
}
