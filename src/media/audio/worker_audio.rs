//! The worker's end of a call's audio: decoded frames into the
//! application's queue, its frames (or a prompt's) out on each tick, and a
//! copy of both for a recorder's tap. Only the worker owning the call
//! holds it; nothing here allocates per frame.

use super::pipes::Shared;
use super::prompt::{PlayOutcome, Playing};
use super::tap::{Direction, Tap};
use super::{AudioConfig, AudioCounters, AudioFrame};
use std::sync::Arc;
use std::sync::atomic::Ordering::{Relaxed, SeqCst};

/// The worker's end of a call's audio.
pub struct WorkerAudio {
    shared: Arc<Shared>,
    playing: Option<Playing>,
    tap: Option<Tap>,
}

impl WorkerAudio {
    pub(super) fn new(shared: Arc<Shared>) -> Self {
        WorkerAudio {
            shared,
            playing: None,
            tap: None,
        }
    }

    /// What the application asked for.
    pub fn config(&self) -> AudioConfig {
        self.shared.cfg
    }

    /// Hands a decoded frame to the application; when it has not taken the
    /// older ones, the oldest is dropped (counted) so it stays current.
    pub fn deliver(&mut self, frame: &AudioFrame) {
        let s = &self.shared;
        if let Some(tap) = &self.tap {
            tap.copy(Direction::Heard, frame);
        }
        if !s.attended.load(Relaxed) {
            return;
        }
        let mut frame = *frame;
        frame.delivered = Some(std::time::Instant::now());
        if s.to_app.force_push(frame).is_some() {
            s.counters.dropped.fetch_add(1, Relaxed);
        }
        s.counters.delivered.fetch_add(1, Relaxed);
        s.waker.wake();
    }

    /// The next frame to send: a prompt's while one plays (paused, and
    /// silence given, while the call is on hold: `sending` false), else
    /// the application's if it has given one (counted as sent, or as
    /// silence when there is none).
    pub fn next_frame(&mut self, sending: bool) -> Option<AudioFrame> {
        self.take_requests();
        let frame = match self.playing.as_mut() {
            Some(_) if !sending => None,
            Some(p) => {
                let mut f = AudioFrame::silence(self.shared.cfg.frame_len(), 0);
                let len = f.len;
                if p.fill(&mut f.samples[..len]) {
                    self.end_prompt(PlayOutcome::Finished);
                }
                self.shared.counters.prompted.fetch_add(1, Relaxed);
                Some(f)
            }
            None => self.applications_frame(),
        };
        if let Some(tap) = &self.tap {
            let silence;
            let sent = match &frame {
                Some(f) => f,
                None => {
                    silence = AudioFrame::silence(self.shared.cfg.frame_len(), 0);
                    &silence
                }
            };
            tap.copy(Direction::Sent, sent);
        }
        frame
    }

    fn applications_frame(&mut self) -> Option<AudioFrame> {
        let c = &self.shared.counters;
        let frame = self.shared.from_app.pop();
        match frame {
            Some(_) => c.sent.fetch_add(1, Relaxed),
            None => c.silence.fetch_add(1, Relaxed),
        };
        if frame.is_some() {
            self.shared.room.wake();
        }
        frame
    }

    /// A new prompt or tap from the application, a stop of the prompt
    /// playing, a recorder gone.
    fn take_requests(&mut self) {
        if let Some((state, prompt)) = self.shared.prompts.pop() {
            self.end_prompt(PlayOutcome::Stopped);
            if prompt.rate == self.shared.cfg.rate {
                self.playing = Some(Playing { prompt, state, at: 0 });
            } else {
                state.end(PlayOutcome::Stopped);
            }
        }
        if self.playing.as_ref().is_some_and(|p| p.state.stop_asked()) {
            self.end_prompt(PlayOutcome::Stopped);
        }
        if let Some(old) = self.shared.taps.pop().and_then(|tap| self.tap.replace(tap)) {
            old.close();
        }
        if self.tap.as_ref().is_some_and(|t| t.is_closed()) {
            self.tap = None;
        }
    }

    fn end_prompt(&mut self, outcome: PlayOutcome) {
        if let Some(p) = self.playing.take() {
            p.state.end(outcome);
        }
    }

    /// The counters.
    pub fn counters(&self) -> &AudioCounters {
        &self.shared.counters
    }
}

impl Drop for WorkerAudio {
    /// The call's media ended: the application's `recv` ends, the prompt
    /// playing or waiting ends `Ended`, every tap closes.
    fn drop(&mut self) {
        let s = self.shared.clone();
        // SeqCst, as the application's loads after its pushes: one of the
        // two sees the other's (a prompt or tap never left waiting).
        s.closed.store(true, SeqCst);
        self.end_prompt(PlayOutcome::Ended);
        while let Some((p, _)) = s.prompts.pop() {
            p.end(PlayOutcome::Ended);
        }
        for tap in self.tap.take().into_iter().chain(std::iter::from_fn(|| s.taps.pop())) {
            tap.close();
        }
        s.waker.wake();
        s.room.wake();
    }
}
