//! Audio calls paced by the worker: on each tick of its 20 ms clock, every
//! audio call's next packet is written (in the worker's transcoding
//! buffer) and sent from its leg's RTP socket, one at a time. All audio
//! calls of a worker share the tick.

use super::Worker;
use std::time::{Duration, Instant};

impl Worker {
    /// How long the loop may sleep from `now`: at most `wait`, and no
    /// later than the next tick while the worker has audio calls.
    pub(super) fn pace_wait(&mut self, now: Instant, wait: Duration) -> Duration {
        if self.audio_slots.is_empty() {
            return wait;
        }
        wait.min(self.ticker.wait(now))
    }

    /// Sends what is due at `now` on every audio call.
    pub(super) fn pace(&mut self, now: Instant) {
        if self.audio_slots.is_empty() {
            return self.ticker.stop();
        }
        for _ in 0..self.ticker.due(now) {
            self.speak_all();
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
                    super::call::capture(&mut call.capture, s.ip, s.port, dest, true, pkt);
                    counters.count_send(s.rtp.send_to(pkt, dest).is_ok());
                }
                Ok(None) => {}
                Err(reason) => counters.count_drop(reason),
            }
        }
    }
}
