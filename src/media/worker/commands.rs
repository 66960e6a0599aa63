//! Commands from signalling: add, update and remove calls; and the media
//! timeout sweep.

use super::Worker;
use super::call::{self, Call, Leg};
use crate::media::command::{LegConfig, MediaCommand, MediaEvent, Side};
use crossbeam_queue::ArrayQueue;
use mio::net::UdpSocket;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

/// A worker's command queue, and whether a wake-up is already on its way
/// (then a further command needs none: the worker drains the whole queue
/// after it wakes). Saves the signalling thread an eventfd write per
/// command when several arrive before the worker runs.
#[derive(Debug)]
pub struct Inbox {
    /// Commands, bounded.
    pub queue: ArrayQueue<MediaCommand>,
    /// Set by the sender that wakes the worker, cleared by the worker
    /// before it drains.
    pub woken: AtomicBool,
}

impl Worker {
    pub(super) fn handle_command(&mut self, cmd: MediaCommand) {
        match cmd {
            MediaCommand::AddCall { call, a, b } => self.add_call(call, a, b),
            MediaCommand::UpdateLeg { call, side, leg } => {
                let slot = self.index.get(&call).copied();
                let idx = if side == Side::A { 0 } else { 1 };
                let complexity = self.cfg.opus_complexity;
                let Some(c) = slot.and_then(|s| self.calls[s].as_mut()) else {
                    return;
                };
                let Some(l) = c.legs[idx].as_mut() else { return };
                let codec_changed = l.cfg.codec != leg.codec;
                l.update(leg);
                if codec_changed {
                    if let (Some(a), b) = (c.legs[0].as_ref(), c.legs[1].as_ref()) {
                        c.xcode = call::transcoders(&a.cfg, b.map(|b| &b.cfg), complexity);
                    }
                }
            }
            MediaCommand::RemoveCall { call } => self.remove_call(call),
        }
    }

    fn next_ssrc(&mut self) -> u32 {
        // xorshift32: SSRCs need to be unpredictable enough, not secret.
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 17;
        self.rng ^= self.rng << 5;
        self.rng
    }

    fn add_call(&mut self, id: u64, a: LegConfig, b: Option<LegConfig>) {
        if self.index.contains_key(&id) {
            return;
        }
        let relatch = self.cfg.relatch.as_micros() as u64;
        let mut legs: [Option<Leg>; 2] = [None, None];
        for (i, cfg) in [Some(a), b].into_iter().enumerate() {
            let Some(cfg) = cfg else { continue };
            let ssrc = self.next_ssrc();
            match self.open_leg(cfg, b.is_some()) {
                Ok((rtp, rtcp)) => legs[i] = Some(Leg::new(rtp, rtcp, cfg, relatch, ssrc)),
                Err(_) => {
                    for leg in legs.into_iter().flatten() {
                        self.release_leg(leg);
                    }
                    return self.emit(MediaEvent::BindFailed {
                        call: id,
                        port: cfg.port,
                    });
                }
            }
        }
        let slot = self.free.pop().unwrap_or_else(|| {
            self.calls.push(None);
            self.calls.len() - 1
        });
        for leg in legs.iter().flatten() {
            self.by_port[usize::from(leg.cfg.port)] = slot as u32 + 1;
        }
        let now = self.now_us();
        let xcode = call::transcoders(&a, b.as_ref(), self.cfg.opus_complexity);
        self.calls[slot] = Some(Call {
            id,
            legs,
            last_rx_us: now,
            timed_out: false,
            xcode,
        });
        self.index.insert(id, slot);
        self.counters.calls.fetch_add(1, Relaxed);
    }

    fn remove_call(&mut self, id: u64) {
        let Some(slot) = self.index.remove(&id) else {
            return;
        };
        let Some(mut call) = self.calls[slot].take() else {
            return;
        };
        let mut stats = [None, None];
        for (i, leg) in call.legs.iter_mut().enumerate() {
            stats[i] = leg.as_ref().map(Leg::stats);
            if let Some(leg) = leg.take() {
                self.release_leg(leg);
            }
        }
        self.free.push(slot);
        self.counters.calls.fetch_sub(1, Relaxed);
        self.emit(MediaEvent::Removed { call: id, stats });
    }

    /// A leg's sockets: RTP on its port, RTCP on the next unless muxed or
    /// an echo.
    fn open_leg(&mut self, cfg: LegConfig, relayed: bool) -> std::io::Result<(UdpSocket, Option<UdpSocket>)> {
        let rtp = self.acquire(cfg.port)?;
        if cfg.rtcp_mux || !relayed {
            return Ok((rtp, None));
        }
        match self.acquire(cfg.port.wrapping_add(1)) {
            Ok(rtcp) => Ok((rtp, Some(rtcp))),
            Err(e) => {
                self.release(cfg.port, rtp);
                Err(e)
            }
        }
    }

    /// Parks (or closes) an ended leg's sockets.
    fn release_leg(&mut self, leg: Leg) {
        let port = leg.cfg.port;
        self.by_port[usize::from(port)] = 0;
        self.release(port, leg.rtp);
        if let Some(rtcp) = leg.rtcp {
            self.release(port.wrapping_add(1), rtcp);
        }
    }

    pub(super) fn check_timeouts(&mut self) {
        let now = self.now_us();
        let limit = self.cfg.timeout.as_micros() as u64;
        let mut expired = Vec::new();
        for call in self.calls.iter_mut().flatten() {
            if !call.timed_out && now.saturating_sub(call.last_rx_us) >= limit {
                call.timed_out = true;
                expired.push(call.id);
            }
        }
        for call in expired {
            self.emit(MediaEvent::Timeout { call });
        }
    }
}
