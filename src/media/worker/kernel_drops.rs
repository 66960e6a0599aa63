//! Datagrams the kernel dropped because a media socket's receive buffer
//! was full (the worker behind): the kernel tells, with each datagram of
//! a socket asked to (SO_RXQ_OVFL), how many that socket has dropped
//! since it opened; the worker keeps the last figure per port and counts
//! the difference.

/// The last drop count seen per port (sockets are keyed by port, parked
/// ones too, so a reused socket goes on from its figure).
pub struct KernelDrops {
    seen: Box<[u32]>,
}

impl KernelDrops {
    /// Nothing seen yet on any port.
    pub fn new() -> Self {
        KernelDrops {
            seen: vec![0u32; 1 << 16].into_boxed_slice(),
        }
    }

    /// The socket on `port` reports `total` drops so far (`None`: none
    /// reported); returns how many are new. A figure below the last is a
    /// new socket on the port, counting from zero.
    pub fn handle_report(&mut self, port: u16, total: Option<u32>) -> u64 {
        let Some(total) = total else { return 0 };
        let seen = &mut self.seen[usize::from(port)];
        let new = if total >= *seen { total - *seen } else { total };
        *seen = total;
        u64::from(new)
    }
}

impl Default for KernelDrops {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn drops_are_counted_once_per_socket_and_again_from_a_new_one() {
        let mut k = KernelDrops::new();
        assert_eq!(k.handle_report(10_000, None), 0);
        assert_eq!(k.handle_report(10_000, Some(5)), 5);
        assert_eq!(
            k.handle_report(10_000, Some(5)),
            0,
            "the same figure again: nothing new"
        );
        assert_eq!(k.handle_report(10_002, Some(3)), 3, "ports apart");
        assert_eq!(k.handle_report(10_000, Some(7)), 2);
        assert_eq!(
            k.handle_report(10_000, Some(1)),
            1,
            "a reopened socket counts from zero"
        );
    }
}
