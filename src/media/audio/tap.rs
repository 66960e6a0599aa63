//! A copy of a call's audio for a recorder (issue #17's `record`): the
//! frames heard, sent, or both, as the worker handles them, through a
//! bounded queue the application's recorder empties. A recorder that falls
//! behind loses frames (counted); the worker never waits for it.

use super::AudioFrame;
use atomic_waker::AtomicWaker;
use crossbeam_queue::ArrayQueue;
use std::sync::Arc;
use std::sync::atomic::{
    AtomicBool, AtomicU64,
    Ordering::{Acquire, Relaxed, Release},
};
use std::task::Poll;

/// Frames a tap holds (1 s at 20 ms).
const TAP_FRAMES: usize = 50;

/// Which way a frame went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// From the peer, decoded (what the application hears).
    Heard,
    /// To the peer, before encoding (the application's frame, a prompt's,
    /// or silence).
    Sent,
}

/// The queue between the worker and a recorder.
pub(super) struct Tap {
    queue: ArrayQueue<(Direction, AudioFrame)>,
    waker: AtomicWaker,
    dropped: AtomicU64,
    /// The recorder has gone, or the worker has let go (the call ended or
    /// a newer tap replaced this one).
    closed: AtomicBool,
    heard: bool,
    sent: bool,
}

impl Tap {
    pub(super) fn new(heard: bool, sent: bool) -> Arc<Tap> {
        Arc::new(Tap {
            queue: ArrayQueue::new(TAP_FRAMES),
            waker: AtomicWaker::new(),
            dropped: AtomicU64::new(0),
            closed: AtomicBool::new(false),
            heard,
            sent,
        })
    }

    /// The worker's copy of a frame, if this tap wants that direction.
    pub(super) fn copy(&self, dir: Direction, frame: &AudioFrame) {
        let wanted = match dir {
            Direction::Heard => self.heard,
            Direction::Sent => self.sent,
        };
        if wanted {
            if self.queue.push((dir, *frame)).is_err() {
                self.dropped.fetch_add(1, Relaxed);
            }
            self.waker.wake();
        }
    }

    pub(super) fn is_closed(&self) -> bool {
        self.closed.load(Acquire)
    }

    pub(super) fn close(&self) {
        self.closed.store(true, Release);
        self.waker.wake();
    }
}

/// The recorder's end of a tap: frames in the order the worker handled
/// them. Dropping it stops the copying.
pub struct TapReader {
    pub(super) tap: Arc<Tap>,
}

impl TapReader {
    /// The next frame and which way it went; `None` once the call's media
    /// has ended (or a newer tap replaced this one) and all are taken.
    pub async fn next(&mut self) -> Option<(Direction, AudioFrame)> {
        std::future::poll_fn(|cx| {
            if let Some(f) = self.tap.queue.pop() {
                return Poll::Ready(Some(f));
            }
            if self.tap.is_closed() {
                return Poll::Ready(self.tap.queue.pop());
            }
            self.tap.waker.register(cx.waker());
            match self.tap.queue.pop() {
                Some(f) => Poll::Ready(Some(f)),
                None if self.tap.is_closed() => Poll::Ready(self.tap.queue.pop()),
                None => Poll::Pending,
            }
        })
        .await
    }

    /// Frames lost because the recorder fell behind.
    pub fn dropped(&self) -> u64 {
        self.tap.dropped.load(Relaxed)
    }
}

impl Drop for TapReader {
    fn drop(&mut self) {
        self.tap.close();
    }
}
