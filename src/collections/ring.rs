//! The timing wheel under [`super::DeadlineHeap`]: one slot per tick of
//! time for the next [`SLOTS`] ticks, each an unordered list with its
//! earliest deadline, and a bitmap of the slots holding anything.

use std::time::Instant;

/// A tick is 2^26 ns (67 ms).
pub const TICK_SHIFT: u32 = 26;
/// Slots in the ring: 1,024 ticks, 68.7 s ahead (Timers J, L and M, 32 s,
/// fit; a session or registration refresh waits beyond, in the far heap).
pub const SLOTS: u64 = 1024;
const WORDS: usize = (SLOTS / 64) as usize;

/// Emptied lists kept for the next slots to fill, at most this many...
const SPARES: usize = 4;
/// ...each with room for at most this many entries, or twice what the
/// fullest tick drained since the last `shrink` held, if more: a steady
/// load reuses its lists, and a burst's are given back once it is over.
const SPARE_ROOM: usize = 256;

/// One tick's entries, unordered, with the earliest deadline among them.
#[derive(Debug)]
struct Slot<K> {
    min: Option<Instant>,
    entries: Vec<(Instant, K)>,
}

/// The ring of slots: slot `t % SLOTS` holds the entries of tick `t`, for
/// the ticks in `[base, base + SLOTS)` its owner keeps. An emptied slot
/// keeps no memory: its list goes to the spares, which the next slot to
/// fill takes.
#[derive(Debug)]
pub struct Ring<K> {
    slots: Box<[Slot<K>]>,
    busy: [u64; WORDS],
    spares: Vec<Vec<(Instant, K)>>,
    /// The most entries a drained slot held since the last `shrink`.
    peak: usize,
}

impl<K> Default for Ring<K> {
    fn default() -> Self {
        Ring {
            slots: (0..SLOTS)
                .map(|_| Slot {
                    min: None,
                    entries: Vec::new(),
                })
                .collect(),
            busy: [0; WORDS],
            spares: Vec::with_capacity(SPARES),
            peak: 0,
        }
    }
}

impl<K> Ring<K> {
    /// Adds `entry` to tick `tick`'s slot.
    pub fn push(&mut self, tick: u64, entry: (Instant, K)) {
        let i = (tick % SLOTS) as usize;
        let slot = &mut self.slots[i];
        if slot.entries.capacity() == 0
            && let Some(list) = self.spares.pop()
        {
            slot.entries = list;
        }
        slot.min = Some(slot.min.map_or(entry.0, |m| m.min(entry.0)));
        slot.entries.push(entry);
        self.busy[i / 64] |= 1 << (i % 64);
    }

    /// The first tick at or after `base` whose slot holds anything (every
    /// held tick is in `[base, base + SLOTS)`).
    pub fn first_busy(&self, base: u64) -> Option<u64> {
        let start = (base % SLOTS) as usize;
        // The words from `start`'s, once round, and `start`'s again for the
        // bits below it.
        for step in 0..=WORDS {
            let w = (start / 64 + step) % WORDS;
            let mut bits = self.busy[w];
            if step == 0 {
                bits &= u64::MAX << (start % 64);
            } else if step == WORDS {
                bits &= !(u64::MAX << (start % 64));
            }
            if bits != 0 {
                let i = (w * 64 + bits.trailing_zeros() as usize) as u64;
                let ahead = (i + SLOTS - start as u64) % SLOTS;
                return Some(base + ahead);
            }
        }
        None
    }

    /// The earliest deadline of tick `tick`'s slot.
    pub fn min(&self, tick: u64) -> Option<Instant> {
        self.slots[(tick % SLOTS) as usize].min
    }

    /// Empties tick `tick`'s slot into `f`; its list becomes a spare.
    pub fn drain(&mut self, tick: u64, f: impl FnMut((Instant, K))) {
        let i = (tick % SLOTS) as usize;
        let slot = &mut self.slots[i];
        slot.min = None;
        let mut list = std::mem::take(&mut slot.entries);
        self.peak = self.peak.max(list.len());
        list.drain(..).for_each(f);
        if self.spares.len() < SPARES && list.capacity() <= self.spare_room() {
            self.spares.push(list);
        }
        self.busy[i / 64] &= !(1 << (i % 64));
    }

    /// Gives back the spares larger than the ticks since the last call
    /// needed.
    pub fn shrink(&mut self) {
        let room = self.spare_room();
        self.spares.retain(|l| l.capacity() <= room);
        self.peak = 0;
    }

    fn spare_room(&self) -> usize {
        SPARE_ROOM.max(self.peak * 2)
    }
}
