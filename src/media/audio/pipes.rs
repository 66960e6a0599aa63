//! The two queues between a worker and an application, and each side's
//! handle on them: the worker's [`WorkerAudio`] (handed over in a media
//! command through an [`AudioAttach`]) and the application's
//! [`CallAudio`]. Lock-free both ways; the application's task is woken
//! through an atomic waker, never a lock.

use super::prompt::{PlayState, Prompt};
use super::tap::Tap;
use super::{AudioConfig, AudioCounters, AudioFrame, CallAudio, WorkerAudio};
use atomic_waker::AtomicWaker;
use crossbeam_queue::ArrayQueue;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

/// What both ends share.
pub(super) struct Shared {
    pub(super) to_app: ArrayQueue<AudioFrame>,
    pub(super) from_app: ArrayQueue<AudioFrame>,
    pub(super) waker: AtomicWaker,
    /// The application's task waiting for room to send.
    pub(super) room: AtomicWaker,
    /// The worker's end is gone: the call's media ended.
    pub(super) closed: AtomicBool,
    pub(super) counters: AudioCounters,
    pub(super) cfg: AudioConfig,
    /// An application holds the [`CallAudio`] (frames for a handle no
    /// one has taken yet are not queued, nor counted as dropped).
    pub(super) attended: AtomicBool,
    /// A prompt to play, and its playback's state (a newer one replaces
    /// one not yet started).
    pub(super) prompts: ArrayQueue<(Arc<PlayState>, Prompt)>,
    /// A recorder's tap to start (replacing the one running).
    pub(super) taps: ArrayQueue<Tap>,
}

/// The worker's end in a media command: taken once, by the worker that
/// owns the call.
#[derive(Clone)]
pub struct AudioAttach(Arc<Mutex<Option<WorkerAudio>>>);

impl AudioAttach {
    /// The worker's end, the first time.
    pub fn take(&self) -> Option<WorkerAudio> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).take()
    }
}

impl PartialEq for AudioAttach {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl Eq for AudioAttach {}

impl std::fmt::Debug for AudioAttach {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AudioAttach")
    }
}

/// A call's two queues, `cfg.queue_frames` frames each: the worker's end
/// (to put in a media command) and the application's.
pub fn pipes(cfg: AudioConfig) -> (AudioAttach, CallAudio) {
    let n = cfg.queue_frames.max(1);
    let shared = Arc::new(Shared {
        to_app: ArrayQueue::new(n),
        from_app: ArrayQueue::new(n),
        waker: AtomicWaker::new(),
        room: AtomicWaker::new(),
        closed: AtomicBool::new(false),
        counters: AudioCounters::default(),
        cfg,
        attended: AtomicBool::new(true),
        prompts: ArrayQueue::new(1),
        taps: ArrayQueue::new(1),
    });
    let worker = WorkerAudio::new(shared.clone());
    (AudioAttach(Arc::new(Mutex::new(Some(worker)))), CallAudio::new(shared))
}
