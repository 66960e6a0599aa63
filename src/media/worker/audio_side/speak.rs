//! What an audio call sends, one packet per tick of the worker's 20 ms
//! clock: the application's next frame (silence when it gave none) encoded
//! in the leg's codec, behind a header with the leg's payload type, our
//! SSRC and continuous numbering (the leg's outgoing stream, as relayed
//! packets have), sealed for an SRTP leg. On hold the frame is taken and
//! nothing is sent.

use super::AudioSide;
use crate::media::audio::MAX_FRAME;
use crate::media::worker::inbound_rtp::InboundRtp;
use crate::media::worker::leg::Leg;
use crate::media::worker::verdict::DropReason;
use std::net::SocketAddr;

/// What we send when the application gave nothing.
static SILENCE: [i16; MAX_FRAME] = [0; MAX_FRAME];

/// The source our packets come from, as the leg's outgoing stream sees it.
const SOURCE: u32 = 0x0a0d_10f0;

/// Room left in the packet buffer for a payload (the SRTP tag follows).
const MAX_PACKET: usize = 1200;

impl AudioSide {
    /// One tick: the application's next frame encoded for `leg` into
    /// `buf` (at least [`MAX_PACKET`] + 16 bytes). Where to send it and its
    /// length; `None` on hold or when the leg's codec is one we cannot
    /// code.
    pub fn speak(
        &mut self,
        leg: &mut Leg,
        buf: &mut [u8],
        now_us: u64,
    ) -> Result<Option<(SocketAddr, usize)>, DropReason> {
        let frame = self.io.next_frame(leg.cfg.send);
        let Some(enc) = self.enc.as_mut().filter(|_| leg.cfg.send) else {
            return Ok(None);
        };
        let pcm = match &frame {
            Some(f) => f.pcm(),
            None => &SILENCE[..self.io.config().frame_len()],
        };
        let ticks = enc.frame_ticks();
        if leg.cfg.te_pt.is_none() {
            self.dtmf_out.clear();
        }
        let event_ticks = crate::media::worker::dtmf::TICK_UNITS;
        if let (Some(te), Some(ev)) = (leg.cfg.te_pt, self.dtmf_out.next(event_ticks)) {
            if ev.first {
                self.event_ts = self.ts;
            }
            buf[0] = 0x80;
            buf[1] = te & 0x7f | if ev.first { 0x80 } else { 0 };
            buf[12..16].copy_from_slice(&ev.payload);
            let rtp = InboundRtp {
                pt: te,
                ssrc: SOURCE,
                seq: self.seq,
                ts: self.event_ts,
                header_len: 12,
                payload_len: 4,
                len: 16,
            };
            self.seq = self.seq.wrapping_add(1);
            self.ts = self.ts.wrapping_add(ticks);
            let from = leg.cfg;
            return leg.rewrite_rtp(buf, &rtp, &from, now_us).map(Some);
        }
        let Ok(n) = enc.encode(pcm, &mut buf[12..MAX_PACKET]) else {
            return Err(DropReason::Undecodable);
        };
        let from = leg.cfg;
        buf[0] = 0x80;
        buf[1] = from.codec_pt & 0x7f;
        let rtp = InboundRtp {
            pt: from.codec_pt,
            ssrc: SOURCE,
            seq: self.seq,
            ts: self.ts,
            header_len: 12,
            payload_len: n,
            len: 12 + n,
        };
        self.seq = self.seq.wrapping_add(1);
        self.ts = self.ts.wrapping_add(ticks);
        leg.rewrite_rtp(buf, &rtp, &from, now_us).map(Some)
    }
}
