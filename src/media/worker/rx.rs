//! Where a packet being decided lies, and when the kernel stamped its
//! arrival.

use crate::udp_batch::RecvBatch;
use std::net::SocketAddr;

/// Where a packet being decided lies.
#[derive(Debug, Clone, Copy)]
pub(in crate::media::worker) enum Rx {
    /// Datagram `i` of the receive batch (epoll).
    Batch(usize),
    /// Provided buffer `bid` (io_uring), holding `len` bytes from `src`,
    /// which the kernel stamped as arriving at `arrived` (CLOCK_REALTIME
    /// ns), if it did.
    Ring(u16, usize, Option<SocketAddr>, Option<u64>),
}

impl Rx {
    /// Its kernel arrival stamp (CLOCK_REALTIME ns; 0 when there is none),
    /// `batch` being the epoll path's receive batch.
    pub fn arrival_ns(&self, batch: &RecvBatch) -> u64 {
        match *self {
            Rx::Batch(i) => batch.arrival_ns(i),
            Rx::Ring(.., arrived) => arrived,
        }
        .unwrap_or(0)
    }
}
