//! An audio call's relay: leg A, and the application's side in place of
//! leg B. Its RTP is heard through [`Relay::handle_packet`] like any
//! call's; its RTCP is opened and latched, then kept (we send none yet);
//! on each 20 ms tick of the worker it speaks.

use super::Relay;
use crate::media::audio::WorkerAudio;
use crate::media::worker::audio_side::AudioSide;
use crate::media::worker::latch::LatchVerdict;
use crate::media::worker::verdict::{DropReason, Verdict};
use crate::media::{LegConfig, OpusSettings, Side};
use std::net::SocketAddr;

impl Relay {
    /// An audio call on leg `a`, the application's side `io`, sending
    /// with SSRC `ssrc`, re-latching after `relatch_us` of silence, Opus
    /// encoded with `opus`, added at `now_us`.
    pub fn with_audio(
        a: LegConfig,
        io: WorkerAudio,
        ssrc: u32,
        relatch_us: u64,
        opus: OpusSettings,
        now_us: u64,
    ) -> Relay {
        let mut relay = Relay::new(a, None, [ssrc, 0], relatch_us, opus, now_us);
        relay.audio = Some(Box::new(AudioSide::new(io, &a, opus)));
        relay
    }

    /// Whether this is an audio call.
    pub fn is_audio(&self) -> bool {
        self.audio.is_some()
    }

    /// One tick of the worker's 20 ms clock on an audio call: the
    /// application's next frame (or silence) written as a packet for leg A
    /// into `buf` (at least 2 KiB, reused). Where to send it and its
    /// length; `None` when nothing is to be sent (on hold, not an audio
    /// call, a codec we cannot code).
    pub fn speak(&mut self, now_us: u64, buf: &mut [u8]) -> Result<Option<(SocketAddr, usize)>, DropReason> {
        match (self.audio.as_mut(), self.legs[0].as_mut()) {
            (Some(audio), Some(leg)) => audio.speak(leg, buf, now_us),
            _ => Ok(None),
        }
    }

    /// RTCP from an audio call's peer: opened and latched, then kept.
    pub(super) fn take_rtcp(
        &mut self,
        side: Side,
        buf: &mut [u8],
        len: usize,
        src: SocketAddr,
        now_us: u64,
    ) -> Verdict {
        let Some(leg) = self.legs[side.index()].as_mut() else {
            return Verdict::Drop(DropReason::NoSuchLeg);
        };
        if let Err(reason) = leg.open_rtcp(&mut buf[..len]) {
            return Verdict::Drop(reason);
        }
        match leg.accept_rtcp(src, now_us) {
            LatchVerdict::Stranger => Verdict::Drop(DropReason::Stranger),
            _ => Verdict::Consumed,
        }
    }
}
