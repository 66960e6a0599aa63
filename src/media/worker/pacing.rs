//! What the worker sends on its own 20 ms clock: every audio call's next
//! packet, and the next event packet of each relayed call with digits to
//! send (DTMF interworking), each written in the worker's transcoding
//! buffer and sent from its leg's RTP socket, one at a time. The calls
//! share the tick; the clock runs only while such calls exist.

use super::Worker;
use super::call::{self, Call};
use crate::media::Side;
use std::time::{Duration, Instant};

impl Worker {
    /// How long the loop may sleep from `now`: at most `wait`, and no
    /// later than the next tick while a call sends on the ticks.
    pub(super) fn pace_wait(&mut self, now: Instant, wait: Duration) -> Duration {
        if self.audio_slots.is_empty() && self.dtmf_slots.is_empty() {
            return wait;
        }
        wait.min(self.ticker.wait(now))
    }

    /// Sends what is due at `now` on every call that sends on the ticks.
    pub(super) fn pace(&mut self, now: Instant) {
        if self.audio_slots.is_empty() && self.dtmf_slots.is_empty() {
            return self.ticker.stop();
        }
        for _ in 0..self.ticker.due(now) {
            self.speak_all();
            self.send_events();
        }
    }

    /// Queues `digits` for leg `side` of `call` (held `duration_ms` each);
    /// a relayed call then sends on the ticks until they are sent.
    pub(super) fn send_dtmf(&mut self, call: u64, side: Side, digits: &str, duration_ms: u32) {
        let Some(slot) = self.index.get(&call).copied() else {
            return;
        };
        let Some(c) = self.calls[slot].as_mut() else { return };
        if c.relay.send_dtmf(side, digits, duration_ms) && !self.dtmf_slots.contains(&slot) {
            self.dtmf_slots.push(slot);
        }
    }

    /// One frame for every audio call.
    fn speak_all(&mut self) {
        let now_us = self.now_us();
        let Worker {
            calls,
            audio_slots,
            transcode_buf,
            counters,
            ..
        } = self;
        for &slot in audio_slots.iter() {
            let Some(call) = calls[slot].as_mut() else { continue };
            match call.relay.speak(now_us, transcode_buf) {
                Ok(Some((dest, len))) => {
                    let Some(s) = call.sockets[0].as_ref() else { continue };
                    let pkt = &transcode_buf[..len];
                    call::capture(&mut call.capture, s.ip, s.port, dest, true, pkt);
                    counters.count_send(s.rtp.send_to(pkt, dest).is_ok());
                }
                Ok(None) => {}
                Err(reason) => counters.count_drop(reason),
            }
        }
    }

    /// The next event packet of every relayed call with digits to send; a
    /// call whose digits are all sent leaves the ticks.
    fn send_events(&mut self) {
        let now_us = self.now_us();
        let ip = self.cfg.ip;
        let Worker {
            calls,
            dtmf_slots,
            transcode_buf,
            counters,
            ..
        } = self;
        dtmf_slots.retain(|&slot| {
            let Some(Call {
                relay,
                sockets,
                capture,
                ..
            }) = calls[slot].as_mut()
            else {
                return false;
            };
            relay.tick_dtmf(now_us, transcode_buf, |side, pkt, dest| {
                let Some(s) = sockets[side.index()].as_ref() else {
                    return;
                };
                call::capture(capture, ip, s.port, dest, true, pkt);
                counters.count_send(s.rtp.send_to(pkt, dest).is_ok());
            })
        });
    }
}
