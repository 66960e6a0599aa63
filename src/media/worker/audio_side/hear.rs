//! What the peer of an audio call sends, heard: its voice decoded into 20
//! ms frames at the application's rate (a packet of 40 or 60 ms makes
//! several; one of 10 or 30 ms ends in a shorter frame: there is no
//! re-framing yet), stamped with the RTP timestamp in that rate; a gap in the sequence filled first with concealed frames (a
//! few at most: a longer gap is a new talkspurt or a restart); late and
//! duplicate packets dropped (their time has passed); telephone-event
//! reported as digits.

use super::AudioSide;
use crate::media::LegConfig;
use crate::media::audio::AudioFrame;
use crate::media::worker::inbound_rtp::InboundRtp;
use crate::media::worker::verdict::{DropReason, Verdict};

/// Frames concealed for one gap, at most.
const MAX_CONCEALED: u16 = 3;

/// A gap longer than this many packets is not concealed.
const MAX_GAP: u16 = 50;

/// Packets in sequence that all look late after which the peer is taken
/// to have restarted its numbering (RFC 3550 A.1's probation).
const RESYNC: u8 = 4;

/// An RTP timestamp at `clock` Hz as a time at `rate` Hz (modulo 2^32;
/// scaling down jumps once per timestamp wrap).
fn scale_ts(ts: u32, clock: u32, rate: u32) -> u32 {
    (u64::from(ts) * u64::from(rate) / u64::from(clock.max(1))) as u32
}

impl AudioSide {
    /// Hears an RTP packet accepted on the leg (`rtp`: its fields, `pkt`:
    /// the packet unprotected) whose payload type the leg negotiated: its
    /// frames, concealed ones first, go to the application.
    pub fn hear(&mut self, rtp: &InboundRtp, pkt: &[u8], leg: &LegConfig<()>) -> Verdict {
        if rtp.pt != leg.codec_pt {
            // telephone-event (the leg negotiated it): a digit, once. It
            // shares the voice's numbering, so it is no gap for the voice.
            let forward = self
                .newest
                .is_none_or(|(s, q)| s != rtp.ssrc || rtp.seq.wrapping_sub(q) < 0x8000);
            if forward {
                self.newest = Some((rtp.ssrc, rtp.seq));
            }
            if let Some(d) = self.dtmf_in.hear(rtp.payload(pkt), rtp.ts) {
                self.heard = Some(d);
            }
            return Verdict::Consumed;
        }
        // Voice: a digit whose end packets were all lost ends here.
        if let Some(d) = self.dtmf_in.voice() {
            self.heard = Some(d);
        }
        let fl = self.frame_len();
        let rate = self.io.config().rate;
        let (Some(codec), Some(dec)) = (self.codec, self.dec.as_mut()) else {
            return Verdict::Drop(DropReason::Undecodable);
        };
        let mut gap = match self.newest {
            Some((ssrc, seq)) if ssrc == rtp.ssrc => rtp.seq.wrapping_sub(seq),
            _ => 1,
        };
        if gap == 0 || gap >= 0x8000 {
            let run = match self.late_run {
                Some((s, n)) if rtp.seq == s.wrapping_add(1) => n.saturating_add(1),
                _ => 1,
            };
            self.late_run = Some((rtp.seq, run));
            if gap == 0 || run < RESYNC {
                return Verdict::Drop(DropReason::Late);
            }
            // The peer went back in its numbering and stays there: follow.
            gap = 1;
        }
        self.late_run = None;
        self.newest = Some((rtp.ssrc, rtp.seq));
        let ts = scale_ts(rtp.ts, codec.clock(), rate);
        let lost = if gap <= MAX_GAP {
            (gap - 1).min(MAX_CONCEALED)
        } else {
            0
        };
        for k in (1..=u32::from(lost)).rev() {
            let mut f = AudioFrame::silence(fl, ts.wrapping_sub(k * fl as u32));
            f.concealed = true;
            if dec.conceal(&mut f.samples[..fl]).is_err() {
                break;
            }
            self.io.deliver(&f);
        }
        let Ok(pcm) = dec.decode(rtp.payload(pkt)) else {
            return Verdict::Drop(DropReason::Undecodable);
        };
        for (i, chunk) in pcm.chunks(fl).enumerate() {
            let mut f = AudioFrame::silence(chunk.len(), ts.wrapping_add((i * fl) as u32));
            f.samples[..chunk.len()].copy_from_slice(chunk);
            self.io.deliver(&f);
        }
        Verdict::Consumed
    }
}

#[cfg(test)]
mod tests {
    use super::scale_ts;

    #[test]
    fn timestamps_scale_to_the_rate() {
        assert_eq!(scale_ts(160, 8000, 16000), 320);
        assert_eq!(scale_ts(u32::MAX, 8000, 16000), u32::MAX.wrapping_mul(2));
        assert_eq!(scale_ts(960, 48000, 8000), 160);
        assert_eq!(scale_ts(960, 48000, 48000), 960);
    }
}
