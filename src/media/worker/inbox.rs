//! A worker's command queue: bounded and lock-free, pushed by signalling,
//! drained by the worker each time round its loop.

use crate::media::MediaCommand;
use crossbeam_queue::ArrayQueue;
use std::sync::atomic::AtomicBool;

/// Commands for one worker, and whether a wake-up is already on its way
/// (then a further command needs none: the worker drains the whole queue
/// after it wakes). Saves the signalling thread an eventfd write per
/// command when several arrive before the worker runs.
#[derive(Debug)]
pub struct Inbox {
    /// Commands, bounded.
    pub queue: ArrayQueue<MediaCommand>,
    /// Set by the sender that wakes the worker, cleared by the worker
    /// before it drains.
    pub woken: AtomicBool,
}

impl Inbox {
    /// An empty inbox holding up to `capacity` commands.
    pub fn new(capacity: usize) -> Self {
        Inbox {
            queue: ArrayQueue::new(capacity),
            woken: AtomicBool::new(false),
        }
    }
}
