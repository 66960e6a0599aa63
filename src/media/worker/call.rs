//! A call on a worker: its legs, each with sockets and stream state.

use super::egress::Egress;
use super::latch::Latch;
use crate::media::codec::Transcoder;
use crate::media::command::{LegConfig, LegStats};
use crate::media::rtp::RxStats;
use mio::net::UdpSocket;

/// One leg: its sockets and the state of the streams through them.
#[derive(Debug)]
pub struct Leg {
    /// RTP socket (and RTCP when muxed).
    pub rtp: UdpSocket,
    /// RTCP socket on port+1, unless muxed.
    pub rtcp: Option<UdpSocket>,
    /// What signalling negotiated.
    pub cfg: LegConfig,
    /// Where the peer is.
    pub latch: Latch,
    /// Where its RTCP comes from (latched separately).
    pub rtcp_latch: Latch,
    /// What we received from it.
    pub rx: RxStats,
    /// What we send to it.
    pub tx: Egress,
    /// Packets not forwarded (malformed, hold, no destination).
    pub dropped: u64,
    /// The SSRC the peer last sent (for RTCP mapping).
    pub rx_ssrc: u32,
}

impl Leg {
    /// A leg on its sockets (`rtcp` none when muxed, or for an echo, which
    /// does not reflect RTCP: one descriptor per echoed call lets 10,000 fit).
    pub fn new(rtp: UdpSocket, rtcp: Option<UdpSocket>, cfg: LegConfig, relatch_us: u64, ssrc: u32) -> Leg {
        let rtcp_hint = cfg.remote.map(|mut a| {
            a.set_port(a.port().wrapping_add(u16::from(!cfg.rtcp_mux)));
            a
        });
        Leg {
            rtp,
            rtcp,
            cfg,
            latch: Latch::new(cfg.remote, relatch_us),
            rtcp_latch: Latch::new(rtcp_hint, relatch_us),
            rx: RxStats::new(cfg.clock),
            tx: Egress::new(ssrc, (ssrc >> 16) as u16, ssrc.rotate_left(7), cfg.clock),
            dropped: 0,
            rx_ssrc: 0,
        }
    }

    /// Applies a re-INVITE's settings: new address re-latches, a changed
    /// direction or codec re-anchors the outgoing stream.
    pub fn update(&mut self, cfg: LegConfig) {
        if cfg.remote != self.cfg.remote {
            self.latch.reset(cfg.remote);
            let rtcp = cfg.remote.map(|mut a| {
                a.set_port(a.port().wrapping_add(u16::from(!cfg.rtcp_mux)));
                a
            });
            self.rtcp_latch.reset(rtcp);
        }
        if cfg.send != self.cfg.send || cfg.codec_pt != self.cfg.codec_pt {
            self.tx.rebase();
        }
        self.cfg = LegConfig {
            port: self.cfg.port,
            rtcp_mux: self.cfg.rtcp_mux,
            ..cfg
        };
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
}

/// A call: one leg (echo) or two (relay); both on this worker.
pub struct Call {
    /// Call id.
    pub id: u64,
    /// Leg A, and leg B unless this is an echo.
    pub legs: [Option<Leg>; 2],
    /// When any leg last received RTP (µs), or when the call was added.
    pub last_rx_us: u64,
    /// Media timeout already reported.
    pub timed_out: bool,
    /// Transcoders A→B and B→A when the legs' codecs differ.
    pub xcode: [Option<Transcoder>; 2],
}

/// Transcoders for legs `a` and `b` when both codecs are known and differ.
pub fn transcoders(a: &LegConfig, b: Option<&LegConfig>, complexity: i32) -> [Option<Transcoder>; 2] {
    match (a.codec, b.and_then(|b| b.codec)) {
        (Some(ca), Some(cb)) if ca != cb => [
            Transcoder::new(ca, cb, complexity).ok(),
            Transcoder::new(cb, ca, complexity).ok(),
        ],
        _ => [None, None],
    }
}
