//! Local RTP port numbers handed to calls (even ports; RTCP on port+1).

use std::collections::VecDeque;

/// A pool of even ports in `[min, max)`.
#[derive(Debug)]
pub struct PortPool {
    free: VecDeque<u16>,
}

impl PortPool {
    /// All even ports of the range.
    pub fn new(min: u16, max: u16) -> Self {
        let start = min + (min % 2);
        PortPool {
            free: (start..max.saturating_sub(1)).step_by(2).collect(),
        }
    }

    /// Takes a port; `None` when the range is exhausted.
    pub fn take(&mut self) -> Option<u16> {
        self.free.pop_front()
    }

    /// Returns a port to the back of the pool (so it is reused last).
    pub fn give_back(&mut self, port: u16) {
        self.free.push_back(port);
    }

    /// Ports free.
    pub fn available(&self) -> usize {
        self.free.len()
    }
}
