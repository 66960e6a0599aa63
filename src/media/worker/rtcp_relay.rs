//! RTCP between the legs of a relayed call, its SSRCs rewritten so each
//! side sees the SSRCs the other side's RTP carries after our rewriting.

use crate::media::rtp::rtcp;
use std::net::SocketAddr;

/// Relays one RTCP compound packet from leg `from` to leg `to`, mapping the
/// SSRCs each side knows to the ones the other side sees. Echo calls do not
/// reflect RTCP.
pub(super) fn relay_rtcp(
    call: &mut super::call::Call,
    from: usize,
    to: usize,
    pkt: &mut [u8],
    src: SocketAddr,
    now: u64,
) -> bool {
    if from == to {
        return false;
    }
    let Some(inl) = call.legs[from].as_mut() else {
        return false;
    };
    if inl.rtcp_latch.accept(src, now) == super::LatchVerdict::Stranger {
        return false;
    }
    let (in_tx_ssrc, in_src_ssrc) = (inl.tx.ssrc, inl.rx_ssrc);
    let Some(outl) = call.legs[to].as_mut() else {
        return false;
    };
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
    if rtcp::rewrite_ssrcs(pkt, &mut map).is_err() {
        return false;
    }
    let Some(dest) = outl.rtcp_latch.target() else {
        return false;
    };
    let sock = outl.rtcp.as_ref().unwrap_or(&outl.rtp);
    sock.send_to(pkt, dest).is_ok()
}
