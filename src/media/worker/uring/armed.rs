//! Which socket each port's receive is armed on: its descriptor and a
//! generation that changes with every socket opened or closed there, so a
//! completion carrying an older generation (a closed socket's, its
//! cancellation racing a datagram) is known and ignored; and the ports
//! whose receive ended and is to be armed again.

use std::os::fd::RawFd;

const PORTS: usize = 1 << 16;

/// The armed receives, by port.
pub struct Armed {
    generations: Box<[u32]>,
    /// The socket armed on each port (-1: none).
    fds: Box<[RawFd]>,
    /// Ports whose receive ended (no buffer left, or the kernel's
    /// reasons), armed again once the chunk has given buffers back.
    ended: Vec<u16>,
}

impl Armed {
    /// Nothing armed.
    pub fn new() -> Self {
        Armed {
            generations: vec![0; PORTS].into_boxed_slice(),
            fds: vec![-1; PORTS].into_boxed_slice(),
            ended: Vec::with_capacity(PORTS),
        }
    }

    /// Socket `fd` is now `port`'s (a new generation).
    pub fn open(&mut self, port: u16, fd: RawFd) {
        let p = usize::from(port);
        self.generations[p] = self.generations[p].wrapping_add(1);
        self.fds[p] = fd;
    }

    /// `port`'s socket is closing; returns the generation it was armed
    /// with (to cancel).
    pub fn close(&mut self, port: u16) -> u32 {
        let p = usize::from(port);
        let old = self.generations[p];
        self.generations[p] = old.wrapping_add(1);
        self.fds[p] = -1;
        old
    }

    /// `port`'s socket and generation, if one is open.
    pub fn get(&self, port: u16) -> Option<(RawFd, u32)> {
        let p = usize::from(port);
        (self.fds[p] >= 0).then(|| (self.fds[p], self.generations[p]))
    }

    /// Whether a completion tagged `generation` is from the socket now on
    /// `port`.
    pub fn is_current(&self, port: u16, generation: u32) -> bool {
        self.get(port).is_some_and(|(_, g)| g == generation)
    }

    /// `port`'s receive ended.
    pub fn ended(&mut self, port: u16) {
        if self.ended.len() < self.ended.capacity() {
            self.ended.push(port);
        }
    }

    /// The next port whose receive ended.
    pub fn next_ended(&mut self) -> Option<u16> {
        self.ended.pop()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_closed_sockets_completions_are_not_current() {
        let mut a = Armed::new();
        a.open(10_000, 7);
        let (_, first) = a.get(10_000).unwrap();
        assert!(a.is_current(10_000, first));
        assert_eq!(a.close(10_000), first);
        assert!(!a.is_current(10_000, first), "closed");
        a.open(10_000, 9);
        assert!(!a.is_current(10_000, first), "a new socket on the port");
        assert_eq!(a.get(10_000).map(|(fd, _)| fd), Some(9));
    }
}
