//! The two queues between a worker and an application, and each side's
//! handle on them: the worker's [`WorkerAudio`] (handed over in a media
//! command through an [`AudioAttach`]) and the application's
//! [`CallAudio`]. Lock-free both ways; the application's task is woken
//! through an atomic waker, never a lock.

use super::{AudioConfig, AudioCounters, AudioFrame, CallAudio};
use atomic_waker::AtomicWaker;
use crossbeam_queue::ArrayQueue;
use std::sync::atomic::{
    AtomicBool,
    Ordering::{Relaxed, Release},
};
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
}

/// The worker's end of a call's audio.
pub struct WorkerAudio {
    shared: Arc<Shared>,
}

impl WorkerAudio {
    /// What the application asked for.
    pub fn config(&self) -> AudioConfig {
        self.shared.cfg
    }

    /// Hands a decoded frame to the application; when it has not taken the
    /// older ones, the oldest is dropped (counted) so it stays current.
    pub fn deliver(&self, frame: &AudioFrame) {
        let s = &self.shared;
        let mut frame = *frame;
        frame.delivered = Some(std::time::Instant::now());
        if s.to_app.force_push(frame).is_some() {
            s.counters.dropped.fetch_add(1, Relaxed);
        }
        s.counters.delivered.fetch_add(1, Relaxed);
        s.waker.wake();
    }

    /// The application's next frame to send, if it has given one (counted
    /// as sent, or as silence when there is none).
    pub fn next_frame(&self) -> Option<AudioFrame> {
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

    /// The counters.
    pub fn counters(&self) -> &AudioCounters {
        &self.shared.counters
    }
}

impl Drop for WorkerAudio {
    fn drop(&mut self) {
        self.shared.closed.store(true, Release);
        self.shared.waker.wake();
        self.shared.room.wake();
    }
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
    });
    let worker = WorkerAudio { shared: shared.clone() };
    (AudioAttach(Arc::new(Mutex::new(Some(worker)))), CallAudio::new(shared))
}
