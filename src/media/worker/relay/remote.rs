//! Transcoded directions that run on a transcoder thread
//! (`media.transcoders`): the relay keeps only their codecs and a
//! generation naming the state the thread holds; it turns a voice packet
//! into a job and a re-coded result into a packet for the outgoing leg.

use super::remote_transcoder::{RemoteTranscoder, remotes};
use super::{Relay, transcode};
use crate::media::OpusSettings;
use crate::media::worker::inbound_rtp::InboundRtp;
use crate::media::worker::transcoding::{PAYLOAD_MAX, PacketJob, Transcoded};
use crate::media::worker::verdict::DropReason;
use crate::media::{LegConfig, Side};
use std::net::SocketAddr;

impl Relay {
    /// As [`new`](Self::new), its transcoded directions re-coded on a
    /// transcoder thread: voice on them is judged
    /// [`Transcode`](crate::media::worker::verdict::Verdict::Transcode),
    /// for [`job`](Self::job).
    pub fn new_elsewhere(
        a: LegConfig,
        b: Option<LegConfig>,
        ssrcs: [u32; 2],
        relatch_us: u64,
        opus: OpusSettings,
        now_us: u64,
    ) -> Relay {
        let mut r = Relay::bare(a, b, ssrcs, relatch_us, now_us);
        r.opus = opus;
        r.set_remotes(remotes(&a, b.as_ref()));
        r.elsewhere = true;
        r
    }

    /// Whether voice from leg `side` is re-coded.
    pub(super) fn transcodes(&self, side: Side) -> bool {
        self.transcoders.as_ref().is_some_and(|t| t[side.index()].is_some()) || self.remote.live[side.index()].is_some()
    }

    /// Applies a re-INVITE's settings to leg `side` (see [`Leg::update`]);
    /// a change of codec or of the peer's Opus limit re-makes the
    /// transcoders (an audio call's codec state).
    pub fn update_leg(&mut self, side: Side, cfg: LegConfig) {
        let Some(leg) = self.legs[side.index()].as_mut() else {
            return;
        };
        let recode = leg.cfg.codec != cfg.codec || leg.cfg.opus_max_bitrate != cfg.opus_max_bitrate;
        leg.update(cfg);
        if let Some(audio) = self.audio.as_mut() {
            audio.update(&cfg);
        }
        if recode {
            self.remake_transcoders();
        }
        self.make_dtmf();
    }

    /// What the peer on leg `side` asked to receive as Opus at most.
    fn opus_cap(&self, side: Side) -> u32 {
        self.legs[side.index()].as_ref().map_or(0, |l| l.cfg.opus_max_bitrate)
    }

    /// After a codec change: the transcoders for the legs' codecs now,
    /// the remote ones replaced retired.
    pub(super) fn remake_transcoders(&mut self) {
        let [Some(a), b] = &self.legs else { return };
        let (a, b) = (a.cfg, b.as_ref().map(|b| b.cfg));
        if !self.elsewhere {
            self.transcoders = transcode::transcoders(&a, b.as_ref(), self.opus);
            return;
        }
        let old = self.set_remotes(remotes(&a, b.as_ref()));
        for (i, r) in old.into_iter().enumerate() {
            if let Some(r) = r {
                self.remote.make().retired[i] = Some(r.generation);
            }
        }
    }

    /// Sets the remote directions to `live` (boxed only if there are
    /// any, or were); those they replace.
    fn set_remotes(&mut self, live: [Option<RemoteTranscoder>; 2]) -> [Option<RemoteTranscoder>; 2] {
        match self.remote.existing() {
            Some(r) => std::mem::replace(&mut r.live, live),
            None if live.iter().all(Option::is_none) => [None, None],
            None => {
                self.remote.make().live = live;
                [None, None]
            }
        }
    }

    /// The generations of the remote directions retired since last asked
    /// (a codec change), or with `all`, of every remote direction (the
    /// call is ending): their states are to be closed.
    pub fn take_retired(&mut self, all: bool) -> [Option<u64>; 2] {
        let Some(remote) = self.remote.existing() else {
            return [None, None];
        };
        let mut out = std::mem::take(&mut remote.retired);
        if all {
            let live = remote.live.map(|r| r.map(|r| r.generation));
            out = [out[0].or(live[0]), out[1].or(live[1])];
            self.remote.clear();
        }
        out
    }

    /// The job for voice packet `pkt` (its fields `rtp`) from leg `side`
    /// of call `call`, judged `Transcode` (unprotected in `pkt`), which
    /// arrived at `arrived_ns` (CLOCK_REALTIME; 0: not stamped).
    pub fn job(
        &self,
        call: u64,
        side: Side,
        rtp: InboundRtp,
        pkt: &[u8],
        arrived_ns: u64,
    ) -> Result<PacketJob, DropReason> {
        let r = self.remote.live[side.index()].ok_or(DropReason::Undecodable)?;
        let payload = rtp.payload(pkt);
        if payload.len() > PAYLOAD_MAX {
            return Err(DropReason::Malformed);
        }
        let mut job = PacketJob {
            generation: r.generation,
            call,
            side,
            codecs: (r.from, r.to, self.opus.capped(self.opus_cap(side.other()), 8000)),
            rtp,
            marker_pt: pkt[1],
            payload: [0; PAYLOAD_MAX],
            arrived_ns,
        };
        job.payload[..payload.len()].copy_from_slice(payload);
        Ok(job)
    }

    /// Writes re-coded packet `t` into `buf` (at least 2 KiB) as the
    /// outgoing leg sends it (sequence, timestamp and SSRC continuous,
    /// payload type renumbered, sealed for an SRTP leg): where to send
    /// how many bytes. A result of a direction since replaced or ended is
    /// refused.
    pub fn send_transcoded(
        &mut self,
        t: &Transcoded,
        buf: &mut [u8],
        now_us: u64,
    ) -> Result<(SocketAddr, usize), DropReason> {
        if self.remote.live[t.side.index()].map(|r| r.generation) != Some(t.generation) {
            return Err(DropReason::NoSuchLeg);
        }
        let [Some(a), Some(b)] = &mut self.legs else {
            return Err(DropReason::NoSuchLeg);
        };
        let (inl, outl) = match t.side {
            Side::A => (&*a, b),
            Side::B => (&*b, a),
        };
        t.write(buf);
        outl.rewrite_rtp(buf, &t.rtp, &inl.cfg, now_us)
    }
}
