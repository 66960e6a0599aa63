//! Which ports a worker holds parked, published for signalling: a command
//! that needs a socket the worker does not hold parked (it must open and
//! bind one) wakes the worker even while it lingers, so a port new to the
//! worker is bound as soon as it is asked for, as before lingering.

use std::sync::atomic::AtomicU64;
use std::sync::atomic::Ordering::Relaxed;

/// One bit per UDP port, set while the worker holds that port's socket
/// parked. Written only by the worker; read by signalling as a hint (a
/// stale bit costs a wake-up, or a bind up to a linger late).
#[derive(Debug)]
pub struct ParkedPorts {
    bits: Box<[AtomicU64]>,
}

impl Default for ParkedPorts {
    fn default() -> Self {
        ParkedPorts {
            bits: (0..65_536 / 64).map(|_| AtomicU64::new(0)).collect(),
        }
    }
}

impl ParkedPorts {
    /// Marks `port` parked (`true`) or not.
    pub fn set(&self, port: u16, parked: bool) {
        let (word, bit) = (usize::from(port / 64), 1u64 << (port % 64));
        if parked {
            self.bits[word].fetch_or(bit, Relaxed);
        } else {
            self.bits[word].fetch_and(!bit, Relaxed);
        }
    }

    /// Whether `port` is parked.
    pub fn has(&self, port: u16) -> bool {
        self.bits[usize::from(port / 64)].load(Relaxed) & (1u64 << (port % 64)) != 0
    }
}
