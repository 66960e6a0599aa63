//! Counters the driver publishes for the API and the status line: each
//! shard's in a slot of its own (see [`super::slot`]), summed only when
//! read; the few counters of rare events are shared atomics.

use super::slot::Slot;
use std::sync::atomic::{AtomicBool, AtomicU64};

/// Live counters, written by the drivers, read by anyone.
#[derive(Debug)]
pub(crate) struct LiveStats {
    /// Each shard's latest counters.
    pub(super) slots: Vec<Slot>,
    /// Events the API did not take in time (queue full).
    pub event_overflow: AtomicU64,
    /// Media commands refused (a worker's queue was full).
    pub media_overflow: AtomicU64,
    /// API commands refused (queue full).
    pub command_overflow: AtomicU64,
    /// Messages for another signalling shard refused (its queue was full).
    pub shard_overflow: AtomicU64,
    /// Messages handed to another signalling shard (what the kernel's
    /// steering did not place, and TCP).
    pub handed_over: AtomicU64,
    /// The kernel steers UDP datagrams to their shard's socket.
    pub steered: AtomicBool,
    /// Our registrations to trunks (address-of-record, state).
    pub registrations: std::sync::Mutex<Vec<(String, crate::session::RegistrationState)>>,
}

impl LiveStats {
    /// Counters for `shards` signalling shards.
    pub fn new(shards: usize) -> Self {
        LiveStats {
            slots: (0..shards.max(1)).map(|_| Slot::default()).collect(),
            event_overflow: AtomicU64::new(0),
            media_overflow: AtomicU64::new(0),
            command_overflow: AtomicU64::new(0),
            shard_overflow: AtomicU64::new(0),
            handed_over: AtomicU64::new(0),
            steered: AtomicBool::new(false),
            registrations: Default::default(),
        }
    }

    /// The number of signalling shards.
    pub fn slots_len(&self) -> usize {
        self.slots.len()
    }
}
