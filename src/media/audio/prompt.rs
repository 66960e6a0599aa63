//! Prompts played by the worker itself (issue #17's `play`): the
//! application hands over samples once, the worker sends them a frame per
//! tick in place of the application's frames, and reports how playback
//! ended through a [`Playback`] the application can wait on or stop
//! (barge-in). One prompt at a time: a newer one stops the one playing.

use super::pipes::Shared;
use std::sync::Arc;
use std::sync::atomic::{
    AtomicBool, AtomicU8,
    Ordering::{Acquire, Relaxed, Release},
};

/// Audio for the worker to play: 16-bit mono PCM at the call's rate, read
/// in place (one copy shared by every call that plays it).
#[derive(Debug, Clone)]
pub struct Prompt {
    /// The samples.
    pub samples: Arc<[i16]>,
    /// Their rate (must be the call's audio rate).
    pub rate: u32,
    /// Played over and over until stopped.
    pub looped: bool,
}

impl Prompt {
    /// `samples` at `rate`, played once.
    pub fn new(samples: impl Into<Arc<[i16]>>, rate: u32) -> Self {
        Prompt {
            samples: samples.into(),
            rate,
            looped: false,
        }
    }
}

/// How a playback ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlayOutcome {
    /// Played to its end.
    Finished,
    /// Stopped by [`Playback::stop`] or by a newer prompt.
    Stopped,
    /// The call's media ended first.
    Ended,
}

/// One playback's state, shared by its [`Playback`] and the worker.
#[derive(Default)]
pub(super) struct PlayState {
    /// 0 while it plays (or waits to), then its outcome's code.
    outcome: AtomicU8,
    /// Stop asked (barge-in).
    stop: AtomicBool,
    /// The tasks waiting for the end (any number; the worker's notify at
    /// the end, once per prompt, is its only lock).
    ended: tokio::sync::Notify,
}

impl PlayState {
    /// Reports how it ended (the first report stands).
    pub(super) fn end(&self, outcome: PlayOutcome) {
        let code = match outcome {
            PlayOutcome::Finished => 1,
            PlayOutcome::Stopped => 2,
            PlayOutcome::Ended => 3,
        };
        if self.outcome.compare_exchange(0, code, Release, Relaxed).is_ok() {
            self.ended.notify_waiters();
        }
    }

    pub(super) fn stop_asked(&self) -> bool {
        self.stop.load(Relaxed)
    }
}

/// A prompt given to the worker: wait for its end, or stop it.
pub struct Playback {
    pub(super) shared: Arc<Shared>,
    pub(super) state: Arc<PlayState>,
}

impl Playback {
    /// How it ended, if it has.
    pub fn outcome(&self) -> Option<PlayOutcome> {
        match self.state.outcome.load(Acquire) {
            1 => Some(PlayOutcome::Finished),
            2 => Some(PlayOutcome::Stopped),
            3 => Some(PlayOutcome::Ended),
            // Given after the worker let the call go: it never plays.
            _ => self.shared.closed.load(Acquire).then_some(PlayOutcome::Ended),
        }
    }

    /// Waits for it to end: played out, stopped, or the call's end. Any
    /// number of tasks may wait on as many playbacks.
    pub async fn done(&self) -> PlayOutcome {
        loop {
            let notified = self.state.ended.notified();
            let mut notified = std::pin::pin!(notified);
            notified.as_mut().enable();
            if let Some(o) = self.outcome() {
                return o;
            }
            notified.await;
        }
    }

    /// Stops it at the next 20 ms tick (barge-in); the application's own
    /// frames are sent again from then on.
    pub fn stop(&self) {
        self.state.stop.store(true, Relaxed);
    }
}

/// A prompt the worker is playing: where it is.
pub(super) struct Playing {
    pub prompt: Prompt,
    pub state: Arc<PlayState>,
    pub at: usize,
}

impl Playing {
    /// The next frame's samples into `out` (silence past a prompt's end);
    /// whether the prompt has ended with it.
    pub fn fill(&mut self, out: &mut [i16]) -> bool {
        let s = &self.prompt.samples;
        for slot in out.iter_mut() {
            if self.at >= s.len() {
                if !self.prompt.looped || s.is_empty() {
                    *slot = 0;
                    continue;
                }
                self.at = 0;
            }
            *slot = s[self.at];
            self.at += 1;
        }
        !self.prompt.looped && self.at >= s.len()
    }
}
