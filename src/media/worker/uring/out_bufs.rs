//! Buffers of the worker's own for packets it writes rather than relays
//! (re-coded voice), so that they go out in the io_uring batch like the
//! relayed ones instead of with a `sendto` each: a fixed pool, a buffer
//! the kernel's from its send's submission to its completion. Allocated
//! once.

/// Bytes per buffer: a re-coded packet of 20 ms fits (header, at most
/// 400 bytes of Opus or 160 of G.711, an SRTP tag); a longer one (G.711
/// from a 40–120 ms Opus frame) goes with a plain `sendto`.
pub const SIZE: usize = 512;
/// Buffers per worker (256 KiB): when none is free a packet goes out with
/// a plain `sendto`.
pub const COUNT: u16 = 512;

/// The pool.
pub struct OutBufs {
    mem: Box<[[u8; SIZE]]>,
    free: Vec<u16>,
}

impl Default for OutBufs {
    fn default() -> Self {
        OutBufs {
            mem: vec![[0u8; SIZE]; usize::from(COUNT)].into_boxed_slice(),
            free: (0..COUNT).rev().collect(),
        }
    }
}

impl OutBufs {
    /// A free buffer holding a copy of `pkt` (`None`: none free, or `pkt`
    /// too long), and the copy.
    pub fn fill(&mut self, pkt: &[u8]) -> Option<(u16, &[u8])> {
        if pkt.len() > SIZE {
            return None;
        }
        let i = self.free.pop()?;
        let buf = &mut self.mem[usize::from(i)][..pkt.len()];
        buf.copy_from_slice(pkt);
        Some((i, buf))
    }

    /// Buffer `i`'s send completed: free again.
    pub fn give_back(&mut self, i: u16) {
        if i < COUNT {
            self.free.push(i);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_pool_says_so_and_a_buffer_given_back_is_taken_again() {
        let mut pool = OutBufs::default();
        let taken: Vec<u16> = (0..COUNT).map(|n| pool.fill(&[n as u8; 172]).unwrap().0).collect();
        assert!(pool.fill(&[0; 172]).is_none(), "every buffer in flight");
        assert!(pool.fill(&[0; SIZE + 1]).is_none(), "too long for any");
        pool.give_back(taken[7]);
        let (slot, copy) = pool.fill(&[9; 60]).unwrap();
        assert_eq!((slot, copy), (taken[7], &[9u8; 60][..]));
    }
}
