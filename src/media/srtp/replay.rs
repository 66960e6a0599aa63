//! The replay list of RFC 3711 §3.3.2: the highest index accepted and a
//! 64-packet window below it.

/// Which indexes near the highest have been accepted.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Replay {
    highest: Option<u64>,
    /// Bit `n`: index `highest - n` was accepted.
    window: u64,
}

impl Replay {
    /// Whether `index` may be accepted (not seen, not too old).
    pub fn check(&self, index: u64) -> bool {
        match self.highest {
            None => true,
            Some(h) if index > h => true,
            Some(h) => h - index < 64 && self.window & (1 << (h - index)) == 0,
        }
    }

    /// Records `index` as accepted (its tag verified).
    pub fn accept(&mut self, index: u64) {
        match self.highest {
            Some(h) if index <= h => self.window |= 1 << (h - index),
            Some(h) => {
                let shift = index - h;
                self.window = if shift >= 64 { 0 } else { self.window << shift };
                self.window |= 1;
                self.highest = Some(index);
            }
            None => {
                self.highest = Some(index);
                self.window = 1;
            }
        }
    }
}
