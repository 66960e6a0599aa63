//! A lazy deadline queue shared by every table of timed objects
//! (transactions, calls, the gateway's delayed answers).
//!
//! A timing wheel in front of a heap: a deadline in the next 68 s goes
//! into its 67 ms tick's slot of a ring (O(1)); a slot enters a small
//! heap when time reaches its tick, and pops from there in deadline order;
//! a later deadline waits in a second heap until the ring reaches it. One
//! heap of every deadline (hundreds of thousands at a few thousand calls
//! per second: each transaction waits out Timer J, L or M) cost a cache
//! miss per level on every pop, and grew by copying all of them at once.

use super::ring::{Ring, SLOTS, TICK_SHIFT};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::time::{Duration, Instant};

/// Half the ring's span: where tick 0 is put, before a first deadline.
const HALF_RING: Duration = Duration::from_nanos((SLOTS / 2) << TICK_SHIFT);

type Heap<K> = BinaryHeap<Reverse<(Instant, K)>>;

/// Deadlines of many objects; stale entries are skipped by the owner, who
/// asks each popped object whether anything is really due. Pops in order
/// of deadline, then key.
#[derive(Debug)]
pub struct DeadlineHeap<K: Ord + Copy> {
    /// Entries of the ticks before `base`.
    near: Heap<K>,
    /// Entries of ticks `base..base + SLOTS`, made on first use.
    ring: Option<Box<Ring<K>>>,
    /// Entries of later ticks.
    far: Heap<K>,
    /// Tick 0: half the ring before the first deadline pushed while the
    /// queue was empty (earlier deadlines are tick 0).
    origin: Option<Instant>,
    /// The first tick not yet moved into `near`.
    base: u64,
}

impl<K: Ord + Copy> Default for DeadlineHeap<K> {
    fn default() -> Self {
        DeadlineHeap {
            near: BinaryHeap::new(),
            ring: None,
            far: BinaryHeap::new(),
            origin: None,
            base: 0,
        }
    }
}

impl<K: Ord + Copy> DeadlineHeap<K> {
    /// Records that `key` wants to be woken at `at`.
    pub fn push(&mut self, at: Instant, key: K) {
        if self.is_empty() {
            // A first deadline far ahead (Timer J) must not make every
            // nearer one tick 0.
            self.origin = Some(at.checked_sub(HALF_RING).unwrap_or(at));
            self.base = 0;
        }
        let origin = self.origin.expect("invariant: set above");
        self.place(Self::tick(origin, at), (at, key));
    }

    fn is_empty(&self) -> bool {
        let ring = self.ring.as_ref().and_then(|r| r.first_busy(self.base));
        self.near.is_empty() && self.far.is_empty() && ring.is_none()
    }

    /// The earliest recorded deadline.
    pub fn next(&self) -> Option<Instant> {
        let near = self.near.peek().map(|Reverse((at, _))| *at);
        let ring = self
            .ring
            .as_ref()
            .and_then(|r| r.first_busy(self.base).and_then(|t| r.min(t)));
        // Every far deadline is after every ring deadline.
        let later = ring.or_else(|| self.far.peek().map(|Reverse((at, _))| *at));
        match (near, later) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Pops one entry whose deadline is at or before `now`: the deadline
    /// it was recorded for, and its key.
    pub fn pop_due_entry(&mut self, now: Instant) -> Option<(Instant, K)> {
        if let Some(origin) = self.origin {
            self.advance(Self::tick(origin, now));
        }
        match self.near.peek() {
            Some(Reverse((at, _))) if *at <= now => self.near.pop().map(|Reverse(entry)| entry),
            _ => None,
        }
    }

    /// Pops one key whose deadline is at or before `now`.
    pub fn pop_due(&mut self, now: Instant) -> Option<K> {
        self.pop_due_entry(now).map(|(_, k)| k)
    }

    /// Gives memory back after a peak (see [`super::shrink_map`]).
    pub fn shrink(&mut self) {
        for heap in [&mut self.near, &mut self.far] {
            if heap.capacity() > 4096 && heap.len() * 4 < heap.capacity() {
                heap.shrink_to(heap.len() * 2);
            }
        }
        if let Some(r) = self.ring.as_mut() {
            r.shrink();
        }
    }

    /// The tick of deadline `at` (saturating both ways).
    fn tick(origin: Instant, at: Instant) -> u64 {
        u64::try_from(at.saturating_duration_since(origin).as_nanos() >> TICK_SHIFT).unwrap_or(u64::MAX)
    }

    /// Files an entry of tick `t` where it belongs.
    fn place(&mut self, t: u64, entry: (Instant, K)) {
        if t < self.base {
            self.near.push(Reverse(entry));
        } else if t < self.base.saturating_add(SLOTS) {
            self.ring.get_or_insert_with(Box::default).push(t, entry);
        } else {
            self.far.push(Reverse(entry));
        }
    }

    /// Moves every entry of the ticks up to `target` into `near`, and the
    /// far entries the ring now reaches into the ring.
    fn advance(&mut self, target: u64) {
        if target < self.base {
            return;
        }
        if let Some(ring) = self.ring.as_mut() {
            while let Some(t) = ring.first_busy(self.base).filter(|t| *t <= target) {
                let near = &mut self.near;
                ring.drain(t, |e| near.push(Reverse(e)));
            }
        }
        self.base = target.saturating_add(1);
        let origin = self.origin.expect("invariant: set before advancing");
        while let Some(&Reverse(entry)) = self.far.peek() {
            let t = Self::tick(origin, entry.0);
            if t >= self.base.saturating_add(SLOTS) {
                break;
            }
            self.far.pop();
            self.place(t, entry);
        }
    }
}

#[cfg(test)]
#[path = "deadline_heap_tests.rs"]
mod tests;
