//! A table of slots that grows a chunk at a time and never moves what it
//! holds: a media worker's calls (over a kilobyte each).
//!
//! A `Vec` grown to thousands of calls copied them all at each doubling
//! (megabytes at once, on a thread relaying voice) and kept up to twice
//! the room it needed; the blocks it left behind stayed resident a while.
//! Here each chunk is made once, holds [`CHUNK`] slots, and stays.

use std::ops::{Index, IndexMut};

/// Slots per chunk.
pub const CHUNK: usize = 64;

/// Slots `0..len`, each empty or holding a `T`.
#[derive(Debug)]
pub struct Chunked<T> {
    chunks: Vec<Box<[Option<T>]>>,
    len: usize,
}

impl<T> Default for Chunked<T> {
    fn default() -> Self {
        Chunked {
            chunks: Vec::new(),
            len: 0,
        }
    }
}

impl<T> Chunked<T> {
    /// Adds a slot holding `v`; returns its index.
    pub fn push(&mut self, v: Option<T>) -> usize {
        if self.len == self.chunks.len() * CHUNK {
            self.chunks.push((0..CHUNK).map(|_| None).collect());
        }
        let i = self.len;
        self.len += 1;
        self[i] = v;
        i
    }

    /// Slot `i`, if made.
    pub fn get(&self, i: usize) -> Option<&Option<T>> {
        (i < self.len).then(|| &self.chunks[i / CHUNK][i % CHUNK])
    }

    /// Every slot made, in order.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Option<T>> {
        let len = self.len;
        self.chunks.iter_mut().flat_map(|c| c.iter_mut()).take(len)
    }
}

impl<T> Index<usize> for Chunked<T> {
    type Output = Option<T>;
    fn index(&self, i: usize) -> &Option<T> {
        assert!(i < self.len, "slot {i} of {}", self.len);
        &self.chunks[i / CHUNK][i % CHUNK]
    }
}

impl<T> IndexMut<usize> for Chunked<T> {
    fn index_mut(&mut self, i: usize) -> &mut Option<T> {
        assert!(i < self.len, "slot {i} of {}", self.len);
        &mut self.chunks[i / CHUNK][i % CHUNK]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Against a `Vec<Option<_>>`: the same slots across chunk edges,
    /// and a value stays where it was put while later chunks are made.
    #[test]
    fn reads_as_a_vec_and_never_moves_a_value() {
        let (mut t, mut v) = (Chunked::default(), Vec::new());
        assert!(t.get(0).is_none());
        t.push(Some(0u32));
        let first = t[0].as_ref().unwrap() as *const u32;
        for i in 1..3 * CHUNK as u32 + 5 {
            let s = (i % 3 != 0).then_some(i);
            assert_eq!(t.push(s), i as usize);
            v.push(s);
        }
        v.insert(0, Some(0));
        assert_eq!(first, t[0].as_ref().unwrap() as *const u32, "not moved");
        t[CHUNK] = Some(7);
        v[CHUNK] = Some(7);
        assert_eq!(t.iter_mut().map(|s| *s).collect::<Vec<_>>(), v);
        assert_eq!(t.get(v.len()), None);
        assert_eq!(t.get(CHUNK + 1), Some(&v[CHUNK + 1]));
    }
}
