//! The queues between one worker and the transcoder thread serving it:
//! jobs one way, re-coded packets the other, both bounded and lock-free.
//! Each side wakes the other only when it may be asleep: the worker
//! unparks the thread (a futex wake only when it is parked), the thread
//! wakes the worker through its mio waker once per worker turn.

use super::{TranscodeJob, Transcoded};
use crate::media::worker::WorkerCounters;
use crossbeam_queue::ArrayQueue;
use mio::Waker;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed, Ordering::SeqCst};
use std::sync::{Arc, OnceLock};
use std::thread::Thread;

/// One worker's link to its transcoder thread.
#[derive(Debug)]
pub struct TranscodeLink {
    /// Jobs, in the worker's order.
    pub jobs: ArrayQueue<TranscodeJob>,
    /// Re-coded packets, in the same order.
    pub results: ArrayQueue<Transcoded>,
    /// The worker's counters (drops, live transcoders).
    pub counters: Arc<WorkerCounters>,
    /// Wakes the worker (none: a stepped worker, which drains each step).
    waker: Option<Arc<Waker>>,
    /// A wake-up is on its way to the worker: set by the thread that
    /// wakes it, cleared by the worker before it drains the results.
    pub woken: AtomicBool,
    /// The transcoder thread serving it, once started.
    thread: OnceLock<Thread>,
}

impl TranscodeLink {
    /// Voice queued per worker for its transcoder thread before the next
    /// is dropped (counted): 40 ms of 250 calls both ways, about 1.4 MiB;
    /// and twice that in results (about 2.7 MiB).
    pub const QUEUE: (usize, usize) = (1024, 2048);
    /// The same for a worker re-coding its own jobs, one at a time, after
    /// each read (a chunk of io_uring completions, at most 256; an epoll
    /// turn, which re-codes early once half of it is queued): about
    /// 700 KiB.
    pub const HERE: (usize, usize) = (512, 4);

    /// A link of `capacity` jobs and `results` re-coded packets (a job
    /// may conceal lost frames too: up to 4 results), for the worker
    /// publishing `counters` and woken by `waker`.
    pub fn new(
        (capacity, results): (usize, usize),
        counters: &Arc<WorkerCounters>,
        waker: Option<&Arc<Waker>>,
    ) -> Arc<Self> {
        Arc::new(TranscodeLink {
            jobs: ArrayQueue::new(capacity.max(1)),
            results: ArrayQueue::new(results.max(4)),
            counters: counters.clone(),
            waker: waker.cloned(),
            woken: AtomicBool::new(false),
            thread: OnceLock::new(),
        })
    }

    /// Ties the link to the thread that serves it.
    pub fn serve_from(&self, thread: Thread) {
        let _ = self.thread.set(thread);
    }

    /// Queues `job` (worker side) and makes sure its thread runs; `false`
    /// when the queue is full: the job is dropped, and counted unless it
    /// is a close (which the worker keeps and retries).
    pub fn push(&self, job: TranscodeJob) -> bool {
        let close = matches!(job, TranscodeJob::Close(_));
        if self.jobs.push(job).is_err() {
            if !close {
                self.count_dropped();
            }
            return false;
        }
        if let Some(t) = self.thread.get() {
            t.unpark();
        }
        true
    }

    /// Queues a re-coded packet (transcoder side); a full queue drops it,
    /// counted.
    pub fn deliver(&self, t: Transcoded) {
        if self.results.push(t).is_err() {
            self.count_dropped();
        }
    }

    /// Wakes the worker unless a wake-up is already on its way (call
    /// after delivering).
    pub fn wake_worker(&self) {
        if !self.woken.swap(true, SeqCst)
            && let Some(w) = &self.waker
        {
            let _ = w.wake();
        }
    }

    /// Counts a packet that could not be re-coded (transcoder side).
    pub fn count_undecodable(&self) {
        self.counters.dropped.fetch_add(1, Relaxed);
    }

    fn count_dropped(&self) {
        self.counters.transcode_dropped.fetch_add(1, Relaxed);
        self.counters.dropped.fetch_add(1, Relaxed);
    }
}
