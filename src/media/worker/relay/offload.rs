//! A call's directions as the kernel can forward them (feature
//! `kernel-fastpath`): only plain relay — two plain-RTP legs latched, no
//! transcoding, no DTMF to read, the other leg not held — and only for
//! the source the other leg's stream is anchored to. Whatever the kernel
//! forwarded is accounted here when the worker takes the direction back.

use super::Relay;
use crate::media::Side;
use crate::media::kernel::RtpRewrite;
use std::net::SocketAddr;

/// One direction the kernel could forward now: what arrives from `peer`
/// on the leg goes to `dest` from the other leg's socket, rewritten.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KernelPlan {
    /// The leg's latched peer.
    pub peer: SocketAddr,
    /// The other leg's latched peer.
    pub dest: SocketAddr,
    /// The RTP rewrite the worker would do.
    pub rewrite: RtpRewrite,
}

/// The RTP fixed header's length: the kernel counts RTP bytes, the
/// streams payload bytes.
const RTP_HEADER: u64 = 12;

impl Relay {
    /// The direction from leg `side` as the kernel could forward it,
    /// if it is plain relay with both ends latched and a source anchored.
    pub fn kernel_plan(&self, side: Side) -> Option<KernelPlan> {
        let [Some(a), Some(b)] = &self.legs else {
            return None;
        };
        let (inl, outl) = if side == Side::A { (a, b) } else { (b, a) };
        let interworked = inl.cfg.te_pt.is_some() && outl.cfg.te_pt.is_none();
        if self.audio.is_some()
            || self.transcodes(side)
            || inl.is_srtp()
            || outl.is_srtp()
            || interworked
            || !outl.cfg.send
        {
            return None;
        }
        let (peer, dest) = (inl.latch.latched?, outl.latch.latched?);
        let (in_ssrc, seq_delta, ts_delta) = outl.tx.offsets()?;
        (in_ssrc == inl.rx_ssrc).then_some(KernelPlan {
            peer,
            dest,
            rewrite: RtpRewrite {
                in_ssrc,
                out_ssrc: outl.tx.ssrc,
                seq_delta,
                ts_delta,
                pts: [
                    Some((inl.cfg.codec_pt, outl.cfg.codec_pt)),
                    inl.cfg.te_pt.zip(outl.cfg.te_pt),
                ],
            },
        })
    }

    /// The kernel forwarded RTP from leg `side` since the last look (by
    /// `now_us`): the call is not silent, and the leg's latched peer is
    /// live (a stranger does not take the leg over).
    pub fn heard_in_kernel(&mut self, side: Side, now_us: u64) {
        self.last_rx_us = now_us;
        if let Some(inl) = self.legs[side.index()].as_mut() {
            inl.latch.last_rx_us = now_us;
        }
    }

    /// Whether RTP from `src` on leg `side` at `now_us` would latch the
    /// leg to a new source (see [`Latch::would_latch`](super::super::latch::Latch::would_latch)).
    pub fn would_relatch(&self, side: Side, src: SocketAddr, now_us: u64) -> bool {
        let leg = self.legs[side.index()].as_ref();
        leg.is_some_and(|l| l.would_latch(src, now_us))
    }

    /// The worker takes the direction from leg `side` back: the kernel
    /// sent `packets` packets of `bytes` RTP bytes on the other leg's
    /// stream, the last numbered `last`; it goes on from there.
    pub fn resume_from_kernel(&mut self, side: Side, packets: u64, bytes: u64, last: Option<(u16, u32)>, now_us: u64) {
        let out = side.other().index();
        if let Some(outl) = self.legs[out].as_mut() {
            let payload = bytes.saturating_sub(packets * RTP_HEADER);
            outl.tx.resume(packets, payload, last, now_us);
        }
    }
}
