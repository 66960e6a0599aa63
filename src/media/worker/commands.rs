//! Commands from signalling: add (relayed, echoed or audio), update and
//! remove calls.

use super::Worker;
use super::call::{Call, LegSockets, Taken};
use super::relay::Relay;
use crate::media::audio::AudioAttach;
use crate::media::{LegConfig, MediaCommand, MediaEvent};
use std::sync::atomic::Ordering::Relaxed;

impl Worker {
    pub(super) fn handle_command(&mut self, cmd: MediaCommand) {
        #[cfg(feature = "kernel-fastpath")]
        self.reclaim_for(&cmd);
        match cmd {
            MediaCommand::AddCall { call, a, b } => self.add_call(call, a, b),
            MediaCommand::AddAudioCall { call, a, audio } => self.add_audio_call(call, a, &audio),
            MediaCommand::UpdateLeg { call, side, leg } => {
                let slot = self.index.get(&call).copied();
                if let Some(c) = slot.and_then(|s| self.calls[s].as_mut()) {
                    c.relay.update_leg(side, leg);
                    let retired = c.relay.take_retired(false);
                    self.retire(retired);
                }
            }
            MediaCommand::RemoveCall { call } => self.remove_call(call),
            MediaCommand::Capture { call, tap } => self.capture(call, tap),
            MediaCommand::SendDtmf {
                call,
                side,
                digits,
                duration_ms,
            } => self.send_dtmf(call, side, &digits, duration_ms),
        }
    }

    fn next_ssrc(&mut self) -> u32 {
        // xorshift32: SSRCs need to be unpredictable enough, not secret.
        self.ssrc_rng ^= self.ssrc_rng << 13;
        self.ssrc_rng ^= self.ssrc_rng >> 17;
        self.ssrc_rng ^= self.ssrc_rng << 5;
        self.ssrc_rng
    }

    fn add_call(&mut self, id: u64, a: LegConfig, b: Option<LegConfig>) {
        if self.index.contains_key(&id) {
            return;
        }
        let mut sockets: [Option<LegSockets>; 2] = [None, None];
        let mut ssrcs = [0u32; 2];
        for (i, cfg) in [Some(a), b].into_iter().enumerate() {
            let Some(cfg) = cfg else { continue };
            ssrcs[i] = self.next_ssrc();
            match self.open_leg(cfg, b.is_some()) {
                Ok(s) => sockets[i] = Some(s),
                Err(_) => {
                    for s in sockets.into_iter().flatten() {
                        self.release_leg(s);
                    }
                    return self.emit(MediaEvent::BindFailed {
                        call: id,
                        port: cfg.port,
                    });
                }
            }
        }
        let relatch = self.cfg.relatch.as_micros() as u64;
        let relay = Relay::new_elsewhere(a, b, ssrcs, relatch, self.cfg.opus, self.now_us());
        self.insert(Call {
            id,
            relay,
            sockets,
            capture: None,
        });
    }

    /// An audio call: leg A's sockets bound as a relayed leg's, the
    /// application's side in place of leg B. Its media fails (BindFailed)
    /// when a port is taken, or the application's end was already taken
    /// or asks for a rate we do not produce.
    fn add_audio_call(&mut self, id: u64, a: LegConfig, attach: &AudioAttach) {
        if self.index.contains_key(&id) {
            return;
        }
        // The application's end first: a leg opened for nothing would be
        // dropped unparked (with io_uring, its receive still armed).
        let Some(io) = attach.take().filter(|io| io.config().is_valid()) else {
            return self.emit(MediaEvent::BindFailed { call: id, port: a.port });
        };
        let Ok(legs) = self.open_leg(a, true) else {
            return self.emit(MediaEvent::BindFailed { call: id, port: a.port });
        };
        let (ssrc, relatch) = (self.next_ssrc(), self.cfg.relatch.as_micros() as u64);
        let relay = Relay::with_audio(a, io, ssrc, relatch, self.cfg.opus, self.now_us());
        let slot = self.insert(Call {
            id,
            relay,
            sockets: [Some(legs), None],
            capture: None,
        });
        self.audio_slots.push(slot);
    }

    /// Puts a call whose sockets are bound in a free slot: its ports lead
    /// to it, its id to the slot.
    fn insert(&mut self, call: Call) -> usize {
        let slot = self.free.pop().unwrap_or_else(|| self.calls.push(None));
        for s in call.sockets.iter().flatten() {
            self.by_port[usize::from(s.port)] = slot as u32 + 1;
        }
        self.index.insert(call.id, slot);
        self.calls[slot] = Some(call);
        self.counters.calls.fetch_add(1, Relaxed);
        slot
    }

    fn remove_call(&mut self, id: u64) {
        let Some(slot) = self.index.remove(&id) else {
            return;
        };
        let Some(mut call) = self.calls[slot].take() else {
            return;
        };
        self.retire(call.relay.take_retired(true));
        let stats = call.relay.stats();
        if let Some(tap) = &call.capture {
            tap.close();
        }
        if call.relay.is_audio() {
            self.audio_slots.retain(|&s| s != slot);
        }
        self.dtmf_slots.retain(|&s| s != slot);
        // Dropping the relay drops an audio call's end of the application's
        // queues: the application sees the media end.
        for s in call.sockets.into_iter().flatten() {
            self.release_leg(s);
        }
        self.free.push(slot);
        self.counters.calls.fetch_sub(1, Relaxed);
        self.emit(MediaEvent::Removed { call: id, stats });
    }

    /// A leg's sockets: RTP on its port, RTCP on the next unless muxed or
    /// an echo.
    fn open_leg(&mut self, cfg: LegConfig, relayed: bool) -> std::io::Result<LegSockets> {
        let (port, ip) = (cfg.port, cfg.local.unwrap_or(self.cfg.ip));
        let rtp = self.acquire(ip, port)?;
        let taken = Taken::since(self.commands.queued_ns(), self.now_us());
        if cfg.rtcp_mux || !relayed {
            return Ok(LegSockets {
                ip,
                port,
                rtp,
                rtcp: None,
                taken,
            });
        }
        match self.acquire(ip, port.wrapping_add(1)) {
            Ok(rtcp) => Ok(LegSockets {
                ip,
                port,
                rtp,
                rtcp: Some(rtcp),
                taken,
            }),
            Err(e) => {
                self.release(ip, port, rtp);
                Err(e)
            }
        }
    }

    /// Parks (or closes) an ended leg's sockets.
    fn release_leg(&mut self, s: LegSockets) {
        self.by_port[usize::from(s.port)] = 0;
        self.release(s.ip, s.port, s.rtp);
        if let Some(rtcp) = s.rtcp {
            self.release(s.ip, s.port.wrapping_add(1), rtcp);
        }
    }
}
