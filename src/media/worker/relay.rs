//! A call's media without its sockets: its legs (one for an echo) and
//! transcoders. For each received packet it decides, in place, whether and
//! where the packet goes: open it (SRTP/SRTCP from an SRTP leg: checked
//! before anything else, so a forged or replayed packet neither latches
//! nor goes on), parse and rewrite the header, latch, keep SSRC, sequence
//! and timestamp continuous, renumber payload types, map RTCP SSRCs, seal
//! it for an SRTP leg. Inputs are the bytes in their receive buffer (with
//! room after them for a tag), their source and the worker's clock (µs
//! since it started); the output is a [`Verdict`] the worker carries out.
//! No socket, thread or clock here, and no allocation per packet. An audio
//! call has leg A and, in place of B, the application's side (its voice
//! decoded for it; what it says sent on 20 ms ticks: [`Relay::speak`]).

mod audio;
mod dtmf;
#[cfg(feature = "kernel-fastpath")]
mod offload;
mod remote;
mod remote_transcoder;
mod rtcp;
mod transcode;

use super::audio_side::AudioSide;
use super::leg::Leg;
use super::verdict::{DropReason, Verdict};
use crate::collections::Rare;
use crate::media::codec::Transcoder;
use crate::media::rtp::header;
use crate::media::{LegConfig, LegStats, OpusSettings, Side};
use dtmf::LegDtmf;
#[cfg(feature = "kernel-fastpath")]
pub use offload::KernelPlan;
use remote_transcoder::Remote;
use std::net::SocketAddr;

/// The media state of one call.
pub struct Relay {
    /// Leg A, and leg B unless this is an echo.
    legs: [Option<Leg>; 2],
    /// Transcoders A→B and B→A when the legs' codecs differ (inline).
    transcoders: Option<Box<[Option<Transcoder>; 2]>>,
    /// Or those directions, when they run on a transcoder thread, and
    /// those replaced or ended, not yet taken (a word: most calls have
    /// none).
    remote: Rare<Remote>,
    /// Its transcoders run on a transcoder thread.
    elsewhere: bool,
    /// How the Opus encoders of transcoders made on a codec change are set.
    opus: OpusSettings,
    /// When any leg last received RTP (µs), or when the call was added.
    last_rx_us: u64,
    /// The media timeout has been reported.
    timed_out: bool,
    /// A leg latched by the last packet, not yet taken.
    latched: Option<(Side, SocketAddr)>,
    /// The application's side of an audio call.
    audio: Option<Box<AudioSide>>,
    /// Each leg's DTMF (issue #18), made when the legs differ or digits
    /// are sent: digits heard from it for signalling, digits to send it.
    dtmf: Option<Box<[LegDtmf; 2]>>,
    /// A digit heard on a leg, not yet taken.
    heard: Option<(Side, char, u32)>,
}

impl Relay {
    /// A call between legs `a` and `b` (`None`: an echo of `a`), sending
    /// with SSRCs `ssrcs`, re-latching after `relatch_us` of silence, added
    /// at `now_us`.
    pub fn new(
        a: LegConfig,
        b: Option<LegConfig>,
        ssrcs: [u32; 2],
        relatch_us: u64,
        opus: OpusSettings,
        now_us: u64,
    ) -> Relay {
        let mut r = Relay::bare(a, b, ssrcs, relatch_us, now_us);
        r.opus = opus;
        r.transcoders = transcode::transcoders(&a, b.as_ref(), opus);
        r
    }

    /// As [`new`](Self::new), without transcoders of its own.
    /// (Opus settings: the default.)
    fn bare(a: LegConfig, b: Option<LegConfig>, ssrcs: [u32; 2], relatch_us: u64, now_us: u64) -> Self {
        Relay {
            legs: [
                Some(Leg::new(a, relatch_us, ssrcs[0])),
                b.map(|b| Leg::new(b, relatch_us, ssrcs[1])),
            ],
            transcoders: None,
            remote: Rare::default(),
            elsewhere: false,
            opus: OpusSettings::default(),
            last_rx_us: now_us,
            timed_out: false,
            latched: None,
            audio: None,
            dtmf: dtmf::interworked(&a, b.as_ref()).then(Default::default),
            heard: None,
        }
    }

    /// Each leg's counters, for signalling when the call ends.
    pub fn stats(&self) -> [Option<LegStats>; 2] {
        [0, 1].map(|i| self.legs[i].as_ref().map(Leg::stats))
    }

    /// The leg the last packet latched, and to which source: call after
    /// each packet to report it.
    pub fn take_latched(&mut self) -> Option<(Side, SocketAddr)> {
        self.latched.take()
    }

    /// Whether no leg has received RTP for `timeout_us` at `now_us`: true
    /// once, the first time it is so.
    pub fn check_timeout(&mut self, now_us: u64, timeout_us: u64) -> bool {
        let expired = !self.timed_out && now_us.saturating_sub(self.last_rx_us) >= timeout_us;
        self.timed_out |= expired;
        expired
    }

    /// Decides what becomes of the `len` bytes at the start of `buf`,
    /// received from `src` on leg `side`'s RTP port (`rtcp_port` false) or
    /// RTCP port, rewriting them in place. `buf` is the whole receive
    /// buffer: sealing for an SRTP leg appends the tag after the packet
    /// (towards a plain leg the packet shrinks by its tag instead); the
    /// verdict says how many bytes to send.
    pub fn handle_packet(
        &mut self,
        side: Side,
        rtcp_port: bool,
        buf: &mut [u8],
        len: usize,
        src: SocketAddr,
        now_us: u64,
    ) -> Verdict {
        let Some(inl) = self.legs[side.index()].as_ref() else {
            return Verdict::Drop(DropReason::NoSuchLeg);
        };
        let len = len.min(buf.len());
        // The first bytes of SRTP(C) are in the clear: demultiplexed as is.
        if rtcp_port || (inl.cfg.rtcp_mux && header::is_rtcp(&buf[..len])) {
            return self.handle_rtcp(side, buf, len, src, now_us);
        }
        self.handle_rtp(side, buf, len, src, now_us)
    }

    fn handle_rtp(&mut self, side: Side, buf: &mut [u8], len: usize, src: SocketAddr, now_us: u64) -> Verdict {
        let out = if self.legs[1].is_none() { side } else { side.other() };
        let (i, o) = (side.index(), out.index());
        let Some(inl) = self.legs[i].as_mut() else {
            return Verdict::Drop(DropReason::NoSuchLeg);
        };
        let (rtp, latched) = match inl.accept_rtp(&mut buf[..len], src, now_us) {
            Ok(accepted) => accepted,
            Err(reason) => return Verdict::Drop(reason),
        };
        let from = inl.cfg;
        self.last_rx_us = now_us;
        if let Some(addr) = latched {
            self.latched = Some((side, addr));
        }
        if rtp.pt != from.codec_pt && from.te_pt != Some(rtp.pt) {
            inl.dropped += 1;
            return Verdict::Drop(DropReason::Unnegotiated);
        }
        if let Some(audio) = self.audio.as_mut() {
            return audio.hear(&rtp, &buf[..rtp.len], &from);
        }
        if let Some(v) = self.interwork(side, &rtp, &buf[..rtp.len]) {
            return v;
        }
        if self.transcodes(side) && rtp.pt == from.codec_pt {
            return Verdict::Transcode { out, rtp };
        }
        let Some(outl) = self.legs[o].as_mut() else {
            return Verdict::Drop(DropReason::NoSuchLeg);
        };
        match outl.rewrite_rtp(buf, &rtp, &from, now_us) {
            Ok((dest, len)) => Verdict::Rtp { out, dest, len },
            Err(reason) => Verdict::Drop(reason),
        }
    }
}
