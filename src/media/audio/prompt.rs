//! Prompts played by the worker itself (issue #17's `play`): the
//! application hands over samples once, the worker sends them a frame per
//! tick in place of the application's frames, and reports how playback
//! ended through a [`Playback`] the application can wait on or stop
//! (barge-in). One prompt at a time: a newer one stops the one playing.

use super::pipes::Shared;
use std::sync::Arc;
use std::sync::atomic::Ordering::{Acquire, Relaxed};
use std::task::Poll;

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

impl PlayOutcome {
    pub(super) fn code(self) -> u64 {
        match self {
            PlayOutcome::Finished => 1,
            PlayOutcome::Stopped => 2,
            PlayOutcome::Ended => 3,
        }
    }
}

/// A prompt given to the worker: wait for its end, or stop it.
pub struct Playback {
    pub(super) shared: Arc<Shared>,
    pub(super) generation: u32,
}

impl Playback {
    /// How it ended, if it has.
    pub fn outcome(&self) -> Option<PlayOutcome> {
        let done = self.shared.played.load(Acquire);
        let (generation, code) = ((done >> 2) as u32, done & 3);
        if generation > self.generation {
            // A newer prompt finished: this one was stopped by it, or ended.
            return Some(PlayOutcome::Stopped);
        }
        if generation == self.generation {
            return Some(match code {
                1 => PlayOutcome::Finished,
                2 => PlayOutcome::Stopped,
                _ => PlayOutcome::Ended,
            });
        }
        self.shared.closed.load(Acquire).then_some(PlayOutcome::Ended)
    }

    /// Waits for it to end: played out, stopped, or the call's end.
    pub async fn done(&self) -> PlayOutcome {
        std::future::poll_fn(|cx| {
            if let Some(o) = self.outcome() {
                return Poll::Ready(o);
            }
            self.shared.play_waker.register(cx.waker());
            self.outcome().map_or(Poll::Pending, Poll::Ready)
        })
        .await
    }

    /// Stops it at the next 20 ms tick (barge-in); the application's own
    /// frames are sent again from then on.
    pub fn stop(&self) {
        let s = &self.shared;
        s.stop_below.fetch_max(self.generation + 1, Relaxed);
    }
}

/// A prompt the worker is playing: where it is.
pub(super) struct Playing {
    pub prompt: Prompt,
    pub generation: u32,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::audio::{AudioConfig, AudioFrame, Direction, pipes};

    #[tokio::test]
    async fn a_prompt_plays_before_the_applications_frames_and_reports_its_end() {
        let (attach, mut app) = pipes(AudioConfig::default());
        let mut worker = attach.take().unwrap();
        assert_eq!(
            app.play(Prompt::new(vec![5i16; 10], 16000)).err(),
            Some(crate::media::audio::AudioError::Rate { got: 16000, want: 8000 })
        );
        let mut rec = app.tap(true, true).unwrap();
        app.send(&[9; 160]).unwrap();
        let first = app.play(Prompt::new(vec![1i16; 400], 8000)).unwrap();
        let second = app.play(Prompt::new(vec![2i16; 200], 8000)).unwrap();
        assert_eq!(
            first.outcome(),
            Some(PlayOutcome::Stopped),
            "replaced before it started"
        );
        let f = worker.next_frame().unwrap();
        assert_eq!((f.pcm()[0], second.outcome()), (2, None));
        let f = worker.next_frame().unwrap();
        assert_eq!((f.pcm()[39], f.pcm()[40]), (2, 0), "the end padded with silence");
        assert_eq!(second.done().await, PlayOutcome::Finished);
        assert_eq!(
            worker.next_frame().unwrap().pcm()[0],
            9,
            "the application's frame waited"
        );
        let looped = app
            .play(Prompt {
                looped: true,
                ..Prompt::new(vec![3i16; 100], 8000)
            })
            .unwrap();
        for _ in 0..3 {
            assert_eq!(worker.next_frame().unwrap().pcm()[159], 3);
        }
        looped.stop();
        assert!(worker.next_frame().is_none(), "stopped: silence again");
        assert_eq!(looped.outcome(), Some(PlayOutcome::Stopped));
        worker.deliver(&AudioFrame::silence(160, 7));
        let last = app.play(Prompt::new(vec![4i16; 1000], 8000)).unwrap();
        worker.next_frame();
        drop(worker);
        assert_eq!(last.done().await, PlayOutcome::Ended);
        let mut seen = Vec::new();
        while let Some((dir, f)) = rec.next().await {
            seen.push((dir, f.pcm()[0]));
        }
        let sent = |v| (Direction::Sent, v);
        assert_eq!(
            seen,
            [
                sent(2),
                sent(2),
                sent(9),
                sent(3),
                sent(3),
                sent(3),
                sent(0),
                (Direction::Heard, 0),
                sent(4)
            ],
            "everything sent and heard, in order, then the end"
        );
        assert_eq!(rec.dropped(), 0);
        assert!(app.recv().await.is_some() && app.recv().await.is_none());
    }
}
