//! The receiver thread: what arrives at the endpoints, counted and timed
//! from the send stamp in each plain packet. Each endpoint on a socket of
//! its own (polled by descriptor) or all of them on one shared socket
//! ([`Sockets::Shared`]), told apart by the relay port a packet came from.

use hdrhistogram::Histogram;
use mio::unix::SourceFd;
use mio::{Events, Interest, Poll, Token};
use rvoip::media::RecvBatch;
use rvoip::media::srtp::SrtpContext;
use std::net::{SocketAddr, UdpSocket};
use std::os::fd::{AsRawFd, RawFd};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::time::{Duration, Instant};

/// A packet slower than this end to end (µs) is counted as slow.
pub const SLOW_US: u64 = 20_000;

/// Where the endpoints receive.
#[derive(Clone)]
pub enum Sockets {
    /// Endpoint `i` on socket `i`.
    Each(Vec<Arc<UdpSocket>>),
    /// Every endpoint on one socket: endpoint `j` hears from relay port
    /// `base + 2j` (call `i`'s A side `2i` from its A leg's port
    /// `base + 4i`, its B side `2i + 1` from `base + 4i + 2`).
    Shared { sock: Arc<UdpSocket>, base: u16, n: usize },
}

impl Sockets {
    /// The endpoint a packet from `src` is for, on a shared socket.
    fn owner(base: u16, n: usize, src: Option<SocketAddr>) -> Option<usize> {
        let port = src?.port().checked_sub(base)?;
        let j = usize::from(port / 2);
        (port % 2 == 0 && j < n).then_some(j)
    }
}

/// What the endpoints heard: counts, failures, latency, the slowest.
pub struct Heard {
    /// Plain packets timed, and transcoded calls' packets counted.
    pub received: [u64; 2],
    /// SRTP packets that failed authentication.
    pub failed: u64,
    pub latency_us: Histogram<u64>,
    /// When the slowest packet was sent, and how many took over [`SLOW_US`].
    pub slowest: (Duration, u64),
}

/// The endpoints' receiving side: endpoint `j` unprotects with `keys[j]`
/// and times what it hears when `timed[j]`.
pub struct Receiver {
    socks: Sockets,
    fds: Vec<RawFd>,
    keys: Vec<Option<SrtpContext>>,
    timed: Vec<bool>,
    batch: RecvBatch,
    tally: Tally,
    start: Instant,
}

impl Receiver {
    pub fn new(socks: Sockets, keys: Vec<Option<SrtpContext>>, timed: Vec<bool>, start: Instant) -> Self {
        let fds = match &socks {
            Sockets::Each(s) => s.iter().map(|s| s.as_raw_fd()).collect(),
            Sockets::Shared { sock, .. } => vec![sock.as_raw_fd()],
        };
        let tally = Tally {
            heard: Heard {
                received: [0; 2],
                failed: 0,
                latency_us: Histogram::new_with_bounds(1, 10_000_000, 3).expect("histogram bounds"),
                slowest: (Duration::ZERO, 0),
            },
            worst: 0,
        };
        let batch = RecvBatch::new();
        Receiver {
            socks,
            fds,
            keys,
            timed,
            batch,
            tally,
            start,
        }
    }

    /// Reads all that socket `at` holds (0: the shared one) without
    /// waiting.
    pub fn drain(&mut self, at: usize) {
        // As in the relay: a short batch means the socket is drained.
        while let Ok(n) = self.batch.recv(self.fds[at]) {
            let now = self.start.elapsed().as_nanos() as u64;
            for i in 0..n {
                let (buf, src) = self.batch.packet(i);
                let j = match &self.socks {
                    Sockets::Each(_) => at,
                    Sockets::Shared { base, n, .. } => match Sockets::owner(*base, *n, src) {
                        Some(j) => j,
                        None => continue,
                    },
                };
                self.tally.take(buf, self.keys[j].as_mut(), self.timed[j], now);
            }
            if n < RecvBatch::BATCH {
                break;
            }
        }
    }

    /// Reads without sleeping until `until`: on the shared socket the
    /// sender does this between its slots, so no packet the relay sends
    /// wakes a sleeping receiver (a wake-up costs the sending core, the
    /// relay's, a cross-core interrupt: on a VM, several µs a packet,
    /// which a NIC's transmit does not charge).
    pub fn poll_until(&mut self, until: Instant) {
        while Instant::now() < until {
            self.drain(0);
        }
    }

    /// Sleeps on the endpoints' sockets and reads what arrives until
    /// `done` (the receiver thread, for sockets of their own).
    pub fn run(mut self, done: &AtomicBool) -> Heard {
        let mut poll = Poll::new().expect("poll");
        for (i, fd) in self.fds.iter().enumerate() {
            let _ = poll
                .registry()
                .register(&mut SourceFd(fd), Token(i), Interest::READABLE);
        }
        let mut events = Events::with_capacity(4096);
        while !done.load(Relaxed) {
            let _ = poll.poll(&mut events, Some(Duration::from_millis(50)));
            for ev in events.iter() {
                self.drain(ev.token().0);
            }
        }
        self.finish()
    }

    /// What was heard.
    pub fn finish(self) -> Heard {
        self.tally.heard
    }
}

/// The running tally, and the slowest latency so far (µs).
struct Tally {
    heard: Heard,
    worst: u64,
}

impl Tally {
    /// One packet `buf`, read at `now` (ns from the start).
    fn take(&mut self, buf: &mut [u8], key: Option<&mut SrtpContext>, timed: bool, now: u64) {
        let h = &mut self.heard;
        let len = match key.map(|c| c.unprotect(buf)) {
            None => buf.len(),
            Some(Ok(len)) => len,
            Some(Err(_)) => {
                h.failed += 1;
                return;
            }
        };
        if !timed {
            h.received[1] += 1;
        } else if len >= 20 {
            let stamp = u64::from_be_bytes(buf[12..20].try_into().expect("8 bytes"));
            let us = (now.saturating_sub(stamp) / 1000).max(1);
            let _ = h.latency_us.record(us);
            if us > self.worst {
                (self.worst, h.slowest.0) = (us, Duration::from_nanos(stamp));
            }
            h.slowest.1 += u64::from(us > SLOW_US);
            h.received[0] += 1;
        }
    }
}
