//! The application's end of a call's audio: frames from the call, waited
//! for without a lock (an atomic waker), and frames into it.

use super::pipes::Shared;
use super::prompt::{PlayOutcome, PlayState, Playback, Prompt};
use super::tap::{Tap, TapReader};
use super::{AudioCounters, AudioError, AudioFrame};
use std::sync::Arc;
use std::sync::atomic::Ordering::{Acquire, Relaxed, SeqCst};
use std::task::Poll;

/// A call's audio as an application has it: frames from the call
/// ([`recv`](Self::recv)) and frames into it ([`send`](Self::send)), 20 ms
/// each at [`rate`](Self::rate).
pub struct CallAudio {
    shared: Arc<Shared>,
}

impl CallAudio {
    pub(super) fn new(shared: Arc<Shared>) -> Self {
        CallAudio { shared }
    }

    /// A handle kept for an application that has not asked for it yet:
    /// until [`attend`](Self::attend), what the call hears is not queued.
    pub(crate) fn unattended(self) -> Self {
        self.shared.attended.store(false, Relaxed);
        self
    }

    /// The application takes the handle: frames are queued from now on.
    pub(crate) fn attend(self) -> Self {
        self.shared.attended.store(true, Relaxed);
        self
    }

    /// Whether the call's media has ended (the worker let it go).
    pub fn media_ended(&self) -> bool {
        self.shared.closed.load(Acquire)
    }

    /// Sample rate of the frames.
    pub fn rate(&self) -> u32 {
        self.shared.cfg.rate
    }

    /// Samples in one frame (20 ms).
    pub fn frame_len(&self) -> usize {
        self.shared.cfg.frame_len()
    }

    /// The next frame from the call, waiting for it; `None` once the
    /// call's media has ended and every frame has been taken.
    pub async fn recv(&mut self) -> Option<AudioFrame> {
        std::future::poll_fn(|cx| match self.try_recv() {
            Ok(f) => Poll::Ready(Some(f)),
            Err(AudioError::Closed) => Poll::Ready(None),
            Err(_) => {
                self.shared.waker.register(cx.waker());
                match self.try_recv() {
                    Ok(f) => Poll::Ready(Some(f)),
                    Err(AudioError::Closed) => Poll::Ready(None),
                    Err(_) => Poll::Pending,
                }
            }
        })
        .await
    }

    /// The next frame from the call if one is waiting.
    pub fn try_recv(&mut self) -> Result<AudioFrame, AudioError> {
        let s = &self.shared;
        let closed = s.closed.load(Acquire);
        match s.to_app.pop() {
            Some(f) => Ok(f),
            None if closed => Err(AudioError::Closed),
            None => Err(AudioError::Empty),
        }
    }

    /// Queues 20 ms of audio (exactly [`frame_len`](Self::frame_len)
    /// samples) to be sent; the worker sends one frame per 20 ms of its
    /// own clock, silence when none is queued.
    pub fn send(&mut self, pcm: &[i16]) -> Result<(), AudioError> {
        let s = &self.shared;
        let want = s.cfg.frame_len();
        if pcm.len() != want {
            return Err(AudioError::Length { got: pcm.len(), want });
        }
        if s.closed.load(Acquire) {
            return Err(AudioError::Closed);
        }
        let mut frame = AudioFrame::silence(want, 0);
        frame.samples[..want].copy_from_slice(pcm);
        s.from_app.push(frame).map_err(|_| {
            s.counters.refused.fetch_add(1, Relaxed);
            AudioError::Full
        })
    }

    /// [`send`](Self::send), waiting while the queue towards the call is
    /// full: an application can produce audio as fast as it likes and be
    /// paced by the worker's 20 ms clock (the queue stays full, so what it
    /// sends is heard up to the queue's length later).
    pub async fn send_paced(&mut self, pcm: &[i16]) -> Result<(), AudioError> {
        // Only this handle pushes, so room seen stays room (not counted as
        // refused while waiting).
        std::future::poll_fn(|cx| {
            if self.shared.from_app.is_full() && !self.shared.closed.load(Acquire) {
                self.shared.room.register(cx.waker());
                if self.shared.from_app.is_full() && !self.shared.closed.load(Acquire) {
                    return Poll::Pending;
                }
            }
            Poll::Ready(())
        })
        .await;
        self.send(pcm)
    }

    /// Has the worker play `prompt` (at the call's rate) in place of the
    /// application's frames, which wait in their queue meanwhile; a newer
    /// prompt stops this one. The [`Playback`] tells when it ends and
    /// stops it (barge-in).
    pub fn play(&self, prompt: Prompt) -> Result<Playback, AudioError> {
        let s = &self.shared;
        if prompt.rate != s.cfg.rate {
            return Err(AudioError::Rate {
                got: prompt.rate,
                want: s.cfg.rate,
            });
        }
        if s.closed.load(Acquire) {
            return Err(AudioError::Closed);
        }
        let state = Arc::new(PlayState::default());
        if let Some((never_started, _)) = s.prompts.force_push((state.clone(), prompt)) {
            never_started.end(PlayOutcome::Stopped);
        }
        if s.closed.load(SeqCst) {
            // The worker let go meanwhile: nothing will play it.
            while let Some((p, _)) = s.prompts.pop() {
                p.end(PlayOutcome::Ended);
            }
        }
        Ok(Playback {
            shared: s.clone(),
            state,
        })
    }

    /// A copy of the frames heard and/or sent from now on, for a recorder
    /// (see `rvoip::api::record_call`); a newer tap replaces this one.
    pub fn tap(&self, heard: bool, sent: bool) -> Result<TapReader, AudioError> {
        if self.shared.closed.load(Acquire) {
            return Err(AudioError::Closed);
        }
        let (tap, reader) = Tap::new(heard, sent);
        if let Some(old) = self.shared.taps.force_push(tap) {
            old.close();
        }
        if self.shared.closed.load(SeqCst) {
            // The worker let go meanwhile: nothing will copy into it.
            while let Some(t) = self.shared.taps.pop() {
                t.close();
            }
        }
        Ok(reader)
    }

    /// The counters.
    pub fn counters(&self) -> &AudioCounters {
        &self.shared.counters
    }
}

impl Drop for CallAudio {
    /// What the call hears is no longer queued; prompts and taps go on.
    fn drop(&mut self) {
        self.shared.attended.store(false, Relaxed);
    }
}
