//! A transcoded direction: the voice payload re-coded into the worker's one
//! transcoding buffer with a plain 12-byte header and the output codec's
//! clock, sealed there for an SRTP leg. Opus frames lost on the way in are
//! concealed (libopus PLC) and sent as their own packets first, so the
//! G.711 side hears continuity instead of a gap.

use super::Relay;
use crate::media::OpusSettings;
use crate::media::codec::Transcoder;
use crate::media::worker::inbound_rtp::InboundRtp;
use crate::media::worker::verdict::DropReason;
use crate::media::{LegConfig, Side};
use std::net::SocketAddr;

/// Transcoders for legs `a` and `b` when both codecs are known and differ
/// (boxed: most calls have none).
pub(super) fn transcoders<K>(
    a: &LegConfig<K>,
    b: Option<&LegConfig<K>>,
    opus: OpusSettings,
) -> Option<Box<[Option<Transcoder>; 2]>> {
    match (a.codec, b.and_then(|b| b.codec)) {
        (Some(ca), Some(cb)) if ca != cb => Some(Box::new([
            Transcoder::new(ca, cb, opus.capped(b.map_or(0, |b| b.opus_max_bitrate), 8000)).ok(),
            Transcoder::new(cb, ca, opus.capped(a.opus_max_bitrate, 8000)).ok(),
        ])),
        _ => None,
    }
}

impl Relay {
    /// Re-codes `pkt`, a voice packet from leg `side` that
    /// [`handle_packet`](Self::handle_packet) judged
    /// [`Transcode`](crate::media::worker::verdict::Verdict::Transcode) (`rtp` is
    /// what it read; `pkt` holds the packet unprotected, as `handle_packet`
    /// left it). Each packet to send, concealed ones first, is written
    /// (and sealed) into `buf` (at least 2 KiB, reused) and handed to
    /// `send` with its destination, to be sent before `buf` is written
    /// again. Re-codes on the caller's thread: the worker hands voice off
    /// instead ([`job`](Self::job)); this is the same work in one call,
    /// for tests and benches.
    #[cfg_attr(not(feature = "test-exports"), allow(dead_code))]
    pub fn transcode(
        &mut self,
        side: Side,
        rtp: InboundRtp,
        pkt: &[u8],
        now_us: u64,
        buf: &mut [u8],
        mut send: impl FnMut(&[u8], SocketAddr),
    ) -> Result<(), DropReason> {
        let [Some(a), Some(b)] = &mut self.legs else {
            return Err(DropReason::NoSuchLeg);
        };
        let (inl, outl) = match side {
            Side::A => (&*a, b),
            Side::B => (&*b, a),
        };
        let from = inl.cfg;
        let Some(t) = self.transcoders.as_deref_mut().and_then(|t| t[side.index()].as_mut()) else {
            return Err(DropReason::Undecodable);
        };
        let frame_ts = from.clock / 50;
        for k in (1..=t.missing_before(rtp.seq)).rev() {
            let Ok(n) = t.conceal(&mut buf[12..]) else { break };
            buf[0] = 0x80;
            buf[1] = pkt[1] & 0x7f;
            let lost = InboundRtp {
                seq: rtp.seq.wrapping_sub(k),
                ts: t.scale_ts(rtp.ts.wrapping_sub(k as u32 * frame_ts)),
                payload_len: n,
                len: 12 + n,
                ..rtp
            };
            if let Ok((dest, len)) = outl.rewrite_rtp(buf, &lost, &from, now_us) {
                send(&buf[..len], dest);
            }
        }
        let Ok(n) = t.transcode(rtp.payload(pkt), &mut buf[12..]) else {
            outl.dropped += 1;
            return Err(DropReason::Undecodable);
        };
        buf[0] = 0x80;
        buf[1] = pkt[1];
        let coded = InboundRtp {
            ts: t.scale_ts(rtp.ts),
            payload_len: n,
            len: 12 + n,
            ..rtp
        };
        let (dest, len) = outl.rewrite_rtp(buf, &coded, &from, now_us)?;
        send(&buf[..len], dest);
        Ok(())
    }
}
