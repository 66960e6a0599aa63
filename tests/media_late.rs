//! Voice is late or it is lost (issue #21): a worker held back — run on
//! the test's thread one turn at a time, so it reads nothing until the
//! test steps it — drops the RTP that waited in its socket longer than
//! `max_delay` since the kernel stamped its arrival, counts it, and still
//! relays what is fresh in the same read; without a bound everything is
//! relayed however late; and a socket sized for the bound overflows in the
//! kernel, counted, rather than queueing seconds of voice (1 MiB held 24 s
//! of a 20 ms stream).
//!
//! Real loopback sockets. The holding back is the test not stepping the
//! worker: a sleep makes the waiting packets older than the bound for
//! certain (a sleep never ends early); nothing asserts on how long
//! anything took.

use rvoip::media::rtp::write_header;
use rvoip::media::{MediaCommand, MediaIo, WorkerConfig};
use rvoip::test_exports::media::SteppedWorker;
use std::net::{SocketAddr, UdpSocket};
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

#[macro_use]
mod on_both_ios;
mod ports;
mod stamps;
mod stepped;
use stepped::{endpoint, leg};

/// The bound in these tests: far above how long a stepped worker takes to
/// read what was just sent, far below how long the test holds it back.
const BOUND: Duration = Duration::from_millis(200);
const HOLD: Duration = Duration::from_millis(300);

struct Call {
    worker: SteppedWorker,
    a: UdpSocket,
    b: UdpSocket,
    /// The worker's port for A.
    pa: u16,
}

/// A stepped worker reading through `io` with `max_delay`, relaying one PCMU call between two
/// new endpoints, its sockets bound.
fn call(io: MediaIo, max_delay: Duration) -> Call {
    let mut worker = SteppedWorker::new(WorkerConfig {
        max_delay,
        io,
        ..WorkerConfig::default()
    })
    .unwrap();
    assert_eq!(worker.io(), io, "this kernel has io_uring: no fallback");
    let (a, b) = (endpoint(), endpoint());
    let (pa, pb) = (ports::free_pair(), ports::free_pair());
    let add = MediaCommand::AddCall {
        call: 1,
        a: leg(pa, &a),
        b: Some(leg(pb, &b)),
    };
    worker.inbox.push(add).unwrap();
    worker.step(Duration::ZERO);
    assert_eq!(worker.counters.calls.load(Relaxed), 1, "the call's sockets bound");
    Call { worker, a, b, pa }
}

impl Call {
    /// A sends RTP packet `n` (its payload filled with `n`).
    fn send(&self, n: u8) {
        let mut p = vec![n; 12 + 160];
        write_header(&mut p, 0, false, u16::from(n), 160 * u32::from(n), 0xa);
        self.a.send_to(&p, SocketAddr::from(([127, 0, 0, 1], self.pa))).unwrap();
    }

    /// Steps the worker until it has received `n` packets in all (5 s at
    /// most: it reads them on its first step).
    fn step_until_received(&mut self, n: u64) {
        let deadline = Instant::now() + Duration::from_secs(5);
        while self.worker.counters.packets_in.load(Relaxed) < n {
            assert!(Instant::now() < deadline, "the worker did not read {n} packets");
            self.worker.step(Duration::from_millis(10));
        }
    }

    /// The payload marker of the next packet B hears.
    fn heard(&self) -> u8 {
        let mut buf = [0u8; 2048];
        let (len, _) = self.b.recv_from(&mut buf).expect("B hears a relayed packet");
        assert_eq!(len, 12 + 160);
        buf[12]
    }

    fn counter(&self, f: impl Fn(&rvoip::media::WorkerCounters) -> &std::sync::atomic::AtomicU64) -> u64 {
        f(&self.worker.counters).load(Relaxed)
    }
}

fn packets_older_than_the_bound_are_dropped_and_counted_and_fresh_ones_relayed(io: MediaIo) {
    // A packet stamped when read rather than on arrival never looks late.
    stamps::arrivals_stamped();
    let mut c = call(io, BOUND);
    for n in 0..3 {
        c.send(n);
    }
    c.step_until_received(3);
    assert_eq!([c.heard(), c.heard(), c.heard()], [0, 1, 2], "fresh packets relayed");
    assert_eq!(c.counter(|w| &w.late), 0);

    // Five packets wait while the worker is held back past the bound; one
    // more arrives just before it reads them all in one batch.
    for n in 3..8 {
        c.send(n);
    }
    std::thread::sleep(HOLD);
    c.send(8);
    c.step_until_received(9);
    assert_eq!(c.counter(|w| &w.late), 5, "the five stale packets counted late");
    assert_eq!(c.counter(|w| &w.dropped), 5, "and as dropped");
    assert_eq!(
        c.heard(),
        8,
        "the fresh one of the same read relayed, the stale ones not"
    );
    c.send(9);
    c.step_until_received(10);
    assert_eq!(c.heard(), 9, "nothing stale came after it");
    assert_eq!(c.counter(|w| &w.packets_out), 5);
    assert_eq!(
        c.counter(|w| &w.latency.count),
        5,
        "the added-latency histogram holds the packets relayed, not the dropped"
    );
}

fn without_a_bound_a_held_back_worker_relays_everything_late(io: MediaIo) {
    let mut c = call(io, Duration::ZERO);
    for n in 0..5 {
        c.send(n);
    }
    std::thread::sleep(HOLD);
    c.step_until_received(5);
    assert_eq!([c.heard(), c.heard(), c.heard(), c.heard(), c.heard()], [0, 1, 2, 3, 4]);
    assert_eq!(c.counter(|w| &w.late), 0);
    assert_eq!(c.counter(|w| &w.dropped), 0);
}

fn a_socket_sized_for_the_bound_overflows_in_the_kernel_counted(io: MediaIo) {
    // 40 ms: the socket holds some tens of G.711 packets, not 1,200 as
    // with 1 MiB. 200 arrive while the worker is held back; the kernel
    // keeps what fits, drops the rest and says how many with the next
    // datagram.
    let mut c = call(io, Duration::from_millis(40));
    for n in 0..200 {
        c.send(n);
    }
    // Read all that was queued: io_uring hands a socket's datagrams over
    // in rounds of 32, recvmmsg in one turn (batches of 16).
    let before = c.counter(|w| &w.packets_in);
    loop {
        let read = c.counter(|w| &w.packets_in);
        c.worker.step(Duration::from_millis(10));
        if c.counter(|w| &w.packets_in) == read {
            break;
        }
    }
    let queued = c.counter(|w| &w.packets_in) - before;
    assert!((1..200).contains(&queued), "{queued} of 200 packets were queued");
    c.send(200);
    c.step_until_received(queued + 1);
    assert_eq!(
        c.counter(|w| &w.kernel_dropped),
        200 - queued,
        "every packet the socket had no room for counted as a kernel drop"
    );
}

// Each test above runs against both I/O back-ends of the worker.
on_both_ios!(
    packets_older_than_the_bound_are_dropped_and_counted_and_fresh_ones_relayed,
    without_a_bound_a_held_back_worker_relays_everything_late,
    a_socket_sized_for_the_bound_overflows_in_the_kernel_counted,
);
