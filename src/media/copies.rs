//! Copies a worker makes for a reader off the worker (a recorder's frames,
//! a capture's packets): a bounded lock-free queue, the reader's task woken
//! through an atomic waker; a reader that falls behind loses copies
//! (counted), the worker never waits. Closed by either end: the reader
//! gone, or the worker done — explicitly, or by dropping the last writer
//! however that happens (a command dropped on overflow, a worker
//! stopping) — and the reader then takes what is left.

use atomic_waker::AtomicWaker;
use crossbeam_queue::ArrayQueue;
use std::sync::Arc;
use std::sync::atomic::{
    AtomicBool, AtomicU64, AtomicUsize,
    Ordering::{AcqRel, Acquire, Relaxed, Release},
};
use std::task::Poll;

/// The queue between a worker and a reader.
pub struct Copies<T> {
    queue: ArrayQueue<T>,
    waker: AtomicWaker,
    dropped: AtomicU64,
    closed: AtomicBool,
    /// Writers alive: the last one gone closes the queue.
    writers: AtomicUsize,
}

impl<T> Copies<T> {
    /// A queue of `capacity` copies: the worker's end and the reader's.
    pub(crate) fn pair(capacity: usize) -> (CopyWriter<T>, CopyReader<T>) {
        let copies = Arc::new(Copies {
            queue: ArrayQueue::new(capacity),
            waker: AtomicWaker::new(),
            dropped: AtomicU64::new(0),
            closed: AtomicBool::new(false),
            writers: AtomicUsize::new(1),
        });
        (CopyWriter(copies.clone()), CopyReader { copies })
    }

    /// The worker's copy (dropped, counted, when the reader is behind).
    pub(crate) fn push(&self, copy: T) {
        if self.queue.push(copy).is_err() {
            self.dropped.fetch_add(1, Relaxed);
        }
        self.waker.wake();
    }

    /// The reader has gone, or the worker let go.
    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Acquire)
    }

    /// No more copies.
    pub(crate) fn close(&self) {
        self.closed.store(true, Release);
        self.waker.wake();
    }
}

/// The reader's end: copies in the order the worker made them. Dropping
/// it stops the copying.
pub struct CopyReader<T> {
    copies: Arc<Copies<T>>,
}

impl<T> CopyReader<T> {
    /// The next copy; `None` once the worker has let go and all are taken.
    pub async fn next(&mut self) -> Option<T> {
        let c = &self.copies;
        std::future::poll_fn(|cx| {
            if let Some(v) = c.queue.pop() {
                return Poll::Ready(Some(v));
            }
            c.waker.register(cx.waker());
            match c.queue.pop() {
                Some(v) => Poll::Ready(Some(v)),
                None if c.is_closed() => Poll::Ready(c.queue.pop()),
                None => Poll::Pending,
            }
        })
        .await
    }

    /// Copies lost because the reader fell behind.
    pub fn dropped(&self) -> u64 {
        self.copies.dropped.load(Relaxed)
    }
}

impl<T> Drop for CopyReader<T> {
    fn drop(&mut self) {
        self.copies.close();
    }
}

/// The worker's end of a queue of copies (clones share it; the last one
/// dropped closes it).
pub struct CopyWriter<T>(Arc<Copies<T>>);

impl<T> std::ops::Deref for CopyWriter<T> {
    type Target = Copies<T>;
    fn deref(&self) -> &Copies<T> {
        &self.0
    }
}

impl<T> Clone for CopyWriter<T> {
    fn clone(&self) -> Self {
        self.0.writers.fetch_add(1, Relaxed);
        CopyWriter(self.0.clone())
    }
}

impl<T> Drop for CopyWriter<T> {
    fn drop(&mut self) {
        if self.0.writers.fetch_sub(1, AcqRel) == 1 {
            self.0.close();
        }
    }
}

impl<T> PartialEq for CopyWriter<T> {
    /// The same queue.
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
    }
}

impl<T> Eq for CopyWriter<T> {}

impl<T> std::fmt::Debug for CopyWriter<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CopyWriter")
    }
}
