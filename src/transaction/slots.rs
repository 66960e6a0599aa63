//! Where live transactions are kept: a slab indexed by the transaction's
//! id, so that a timer or a matched message reaches its transaction by an
//! index rather than a second hash lookup (the key map gives the id).
//!
//! An id is a slot's index and that slot's generation, which moves on
//! each time the slot is emptied: an id kept by the UA core after its
//! transaction ended finds nothing, even once the slot holds another.
//! Slots come in chunks of 64 with a bitmap of the free ones, and the
//! lowest free slot is taken first, found through a bitmap of the chunks
//! that have one (a few contiguous words to read, not every full chunk's
//! own): live transactions gather at the bottom, so after a load peak the
//! chunks at the top empty and [`TxSlots::shrink`] gives them back. No
//! transaction is ever moved.

use super::endpoint::Slot;
use crate::ids::TxId;

/// Slots per chunk: one bit each in a chunk's `free`.
const CHUNK: usize = 64;

/// A slot's generation and the transaction in it, if any.
#[derive(Debug)]
struct Entry {
    generation: u32,
    slot: Option<Box<Slot>>,
}

#[derive(Debug)]
struct Chunk {
    /// Bit `i` set: entry `i` is empty.
    free: u64,
    entries: [Entry; CHUNK],
}

/// Every live transaction by id.
#[derive(Debug, Default)]
pub(super) struct TxSlots {
    /// Boxed: growing moves pointers, not kilobyte chunks.
    #[allow(clippy::vec_box)]
    chunks: Vec<Box<Chunk>>,
    /// Bit `c % 64` of word `c / 64` set: chunk `c` has a free slot.
    open: Vec<u64>,
    /// No word of `open` below this one has a bit set.
    lowest: usize,
    /// Above every generation given so far: a chunk made again after a
    /// shrink starts here, so that no old id finds its new slots.
    fresh: u32,
    live: usize,
}

/// An id's chunk, place in the chunk and generation.
fn split(id: TxId) -> (usize, usize, u32) {
    let index = (id.0 & u64::from(u32::MAX)) as usize;
    (index / CHUNK, index % CHUNK, (id.0 >> 32) as u32)
}

/// The id of slot `index` (over all chunks) in its `generation`.
fn join(index: usize, generation: u32) -> TxId {
    TxId(u64::from(generation) << 32 | index as u64)
}

impl TxSlots {
    /// The id the next [`insert`](Self::insert) gives (the lowest free
    /// slot's).
    pub(super) fn next_id(&mut self) -> TxId {
        while self.open.get(self.lowest).is_some_and(|&w| w == 0) {
            self.lowest += 1;
        }
        let (index, generation) = match self.open.get(self.lowest) {
            Some(&w) => {
                let c = self.lowest * 64 + w.trailing_zeros() as usize;
                let i = self.chunks[c].free.trailing_zeros() as usize;
                (c * CHUNK + i, self.chunks[c].entries[i].generation)
            }
            None => (self.chunks.len() * CHUNK, self.fresh),
        };
        join(index, generation)
    }

    /// Puts `slot` in; `id` must be [`next_id`](Self::next_id)'s.
    pub(super) fn insert(&mut self, id: TxId, slot: Box<Slot>) {
        debug_assert_eq!(id, self.next_id(), "ids are given in order");
        let (c, i, generation) = split(id);
        if c == self.chunks.len() {
            self.chunks.push(Box::new(Chunk {
                free: u64::MAX,
                entries: std::array::from_fn(|_| Entry { generation, slot: None }),
            }));
            if c / 64 == self.open.len() {
                self.open.push(0);
            }
            self.open[c / 64] |= 1 << (c % 64);
            self.lowest = self.lowest.min(c / 64);
        }
        let chunk = &mut self.chunks[c];
        chunk.free &= !(1 << i);
        if chunk.free == 0 {
            self.open[c / 64] &= !(1 << (c % 64));
        }
        chunk.entries[i].slot = Some(slot);
        self.live += 1;
    }

    /// Transaction `id`, if it is live.
    pub(super) fn get(&self, id: TxId) -> Option<&Slot> {
        let (c, i, generation) = split(id);
        let e = &self.chunks.get(c)?.entries[i];
        (e.generation == generation).then_some(e.slot.as_deref()).flatten()
    }

    /// Transaction `id`, if it is live.
    pub(super) fn get_mut(&mut self, id: TxId) -> Option<&mut Slot> {
        let (c, i, generation) = split(id);
        let e = &mut self.chunks.get_mut(c)?.entries[i];
        (e.generation == generation).then_some(e.slot.as_deref_mut()).flatten()
    }

    /// Takes transaction `id` out; its id will find nothing from now on.
    pub(super) fn remove(&mut self, id: TxId) -> Option<Box<Slot>> {
        let (c, i, generation) = split(id);
        let chunk = self.chunks.get_mut(c)?;
        let e = &mut chunk.entries[i];
        if e.generation != generation {
            return None;
        }
        let slot = e.slot.take()?;
        e.generation = generation.wrapping_add(1);
        self.fresh = self.fresh.max(e.generation.wrapping_add(1));
        chunk.free |= 1 << i;
        self.open[c / 64] |= 1 << (c % 64);
        self.lowest = self.lowest.min(c / 64);
        self.live -= 1;
        Some(slot)
    }

    /// The ids of every live transaction.
    pub(super) fn ids(&self) -> Vec<TxId> {
        let mut ids = Vec::with_capacity(self.live);
        for (c, chunk) in self.chunks.iter().enumerate() {
            for (i, e) in chunk.entries.iter().enumerate() {
                if e.slot.is_some() {
                    ids.push(join(c * CHUNK + i, e.generation));
                }
            }
        }
        ids
    }

    /// Live transactions.
    pub(super) fn len(&self) -> usize {
        self.live
    }

    /// Gives back the empty chunks at the top (a load peak's).
    pub(super) fn shrink(&mut self) {
        while self.chunks.last().is_some_and(|c| c.free == u64::MAX) {
            self.chunks.pop();
            let c = self.chunks.len();
            self.open[c / 64] &= !(1 << (c % 64));
        }
        self.open.truncate(self.chunks.len().div_ceil(64));
        if self.chunks.capacity() > 2 * self.chunks.len() + CHUNK {
            self.chunks.shrink_to(self.chunks.len() + CHUNK);
        }
        self.lowest = self.lowest.min(self.open.len());
    }
}

#[cfg(test)]
#[path = "slots_tests.rs"]
mod tests;
