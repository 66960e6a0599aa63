//! RTCP between the legs of a relayed call, its SSRCs rewritten so each
//! side sees the SSRCs the other side's RTP carries after our rewriting;
//! SRTCP opened from an SRTP leg before anything else, sealed towards one.
//! Echo calls do not reflect RTCP.

use super::Relay;
use crate::media::Side;
use crate::media::rtp::rtcp;
use crate::media::worker::latch::LatchVerdict;
use crate::media::worker::verdict::{DropReason, Verdict};
use std::net::SocketAddr;

impl Relay {
    /// An RTCP compound packet from leg `side`'s peer, `buf[..len]`:
    /// opened and latched like RTP, then every SSRC either side knows
    /// mapped to the one the other side sees (its peer's source to our
    /// SSRC towards the other leg, our SSRC towards this leg to the other
    /// peer's source), then sealed for the other leg.
    pub(super) fn handle_rtcp(
        &mut self,
        side: Side,
        buf: &mut [u8],
        len: usize,
        src: SocketAddr,
        now_us: u64,
    ) -> Verdict {
        if self.audio.is_some() {
            return self.take_rtcp(side, buf, len, src, now_us);
        }
        let [Some(a), Some(b)] = &mut self.legs else {
            return Verdict::Drop(DropReason::NotReflected);
        };
        let (inl, outl) = match side {
            Side::A => (a, b),
            Side::B => (b, a),
        };
        let len = match inl.open_rtcp(&mut buf[..len]) {
            Ok(len) => len,
            Err(reason) => return Verdict::Drop(reason),
        };
        if inl.accept_rtcp(src, now_us) == LatchVerdict::Stranger {
            return Verdict::Drop(DropReason::Stranger);
        }
        let (in_tx_ssrc, in_src_ssrc) = (inl.tx.ssrc, inl.rx_ssrc);
        let (out_tx_ssrc, out_src_ssrc) = (outl.tx.ssrc, outl.rx_ssrc);
        let mut map = |s: u32| {
            if s == in_src_ssrc {
                out_tx_ssrc
            } else if s == in_tx_ssrc {
                out_src_ssrc
            } else {
                s
            }
        };
        if rtcp::rewrite_ssrcs(&mut buf[..len], &mut map).is_err() {
            return Verdict::Drop(DropReason::Malformed);
        }
        let Some(dest) = outl.rtcp_target() else {
            return Verdict::Drop(DropReason::NoDestination);
        };
        match outl.seal_rtcp(buf, len) {
            Ok(len) => Verdict::Rtcp {
                out: side.other(),
                dest,
                len,
            },
            Err(reason) => Verdict::Drop(reason),
        }
    }
}
