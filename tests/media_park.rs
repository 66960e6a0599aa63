//! Parked sockets (a worker keeps an ended call's sockets open for the
//! next call on the same ports): a datagram that reached a parked socket
//! and was still waiting when the next call took it is dropped, counted,
//! not relayed as the new call's voice nor captured as its packet, even
//! when it comes from the very address the new call expects. The worker tells it by the kernel's
//! arrival stamp, with no read to empty the socket at each reuse.
//!
//! One that reached it after signalling queued the next call's command,
//! while the worker had not yet taken it (a worker that lingers takes
//! commands up to a millisecond late), is the new call's and relayed. The
//! worker publishes which ports it holds parked: a command on them lets it
//! linger, one on a port it must bind wakes it.
//!
//! A worker run on the test's thread one turn at a time, so the datagram
//! is certainly waiting when the new call's command and the read happen in
//! one turn; real loopback sockets.

use futures_util::FutureExt;
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

/// RTP packet `n` (its payload filled with `n`) from `from` to our `port`.
fn send(from: &UdpSocket, port: u16, n: u8) {
    let mut p = vec![n; 12 + 160];
    write_header(&mut p, 0, false, u16::from(n), 160 * u32::from(n), 0xa);
    from.send_to(&p, SocketAddr::from(([127, 0, 0, 1], port))).unwrap();
}

/// The payload marker of the next packet `to` hears.
fn heard(to: &UdpSocket) -> u8 {
    let mut buf = [0u8; 2048];
    let (len, _) = to.recv_from(&mut buf).expect("a relayed packet");
    assert_eq!(len, 12 + 160);
    buf[12]
}

/// Steps `w` until it has read `n` packets in all (5 s at most: it reads
/// them on its first step).
fn step_until_received(w: &mut SteppedWorker, n: u64) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while w.counters.packets_in.load(Relaxed) < n {
        assert!(Instant::now() < deadline, "the worker did not read {n} packets");
        w.step(Duration::from_millis(10));
    }
}

/// Caller A and the ports of its calls (RTP and RTCP muxed).
struct Caller {
    a: UdpSocket,
    pa: u16,
    pb: u16,
}

impl Caller {
    fn new() -> Self {
        Caller {
            a: endpoint(),
            pa: ports::free_pair(),
            pb: ports::free_pair(),
        }
    }

    /// Call `call` from A to `b`, on the same ports each time.
    fn add(&self, call: u64, b: &UdpSocket) -> MediaCommand {
        MediaCommand::AddCall {
            call,
            a: leg(self.pa, &self.a),
            b: Some(leg(self.pb, b)),
        }
    }
}

/// A stepped worker on `io` with no latency bound: it must not be what
/// drops a datagram.
fn worker(io: MediaIo) -> SteppedWorker {
    let w = SteppedWorker::new(WorkerConfig {
        io,
        max_delay: Duration::ZERO,
        ..WorkerConfig::default()
    })
    .unwrap();
    assert_eq!(w.io(), io, "this kernel has io_uring: no fallback");
    w
}

fn a_datagram_waiting_on_a_parked_socket_is_not_the_next_calls(io: MediaIo) {
    // A datagram stamped when read, not on arrival, would look fresh.
    stamps::arrivals_stamped();
    let mut w = worker(io);
    let (c, b, d) = (Caller::new(), endpoint(), endpoint());
    let (a, pa, add) = (&c.a, c.pa, |call, b: &UdpSocket| c.add(call, b));
    w.inbox.push(add(1, &b)).unwrap();
    w.step(Duration::ZERO);
    send(a, pa, 1);
    step_until_received(&mut w, 1);
    assert_eq!(heard(&b), 1, "the first call relays");
    let opened = w.counters.sockets_opened.load(Relaxed);
    assert_eq!(opened, 2, "two muxed legs, two sockets");

    w.inbox.push(MediaCommand::RemoveCall { call: 1 }).unwrap();
    w.step(Duration::ZERO);
    assert_eq!(
        w.counters.calls.load(Relaxed),
        0,
        "the first call removed, its sockets parked"
    );
    // A sends on while the worker is not stepped, then calls again from
    // the same address on the same ports, to a new callee D.
    send(a, pa, 50);
    let dropped = w.counters.dropped.load(Relaxed);
    w.inbox.push(add(2, &d)).unwrap();
    // Captured from the start, as signalling asks right after adding it.
    let (tap, mut capture) = rvoip::media::capture::capture();
    w.inbox.push(MediaCommand::Capture { call: 2, tap }).unwrap();
    w.step(Duration::ZERO);
    assert_eq!(w.counters.calls.load(Relaxed), 1);
    assert_eq!(
        w.counters.sockets_opened.load(Relaxed),
        opened,
        "the parked sockets were taken back"
    );
    send(a, pa, 2);
    step_until_received(&mut w, 3);
    assert_eq!(heard(&d), 2, "D hears the new call's packet, not the one that waited");
    assert_eq!(
        w.counters.dropped.load(Relaxed) - dropped,
        1,
        "the one that waited dropped, counted"
    );
    let mut captured = Vec::new();
    while let Some(Some(p)) = capture.next().now_or_never() {
        captured.push(p.data()[12]);
    }
    assert_eq!(
        captured,
        [2, 2],
        "call 2's capture holds its packet, in and out, not the one that waited"
    );
    b.set_read_timeout(Some(Duration::from_millis(100))).unwrap();
    assert!(b.recv_from(&mut [0u8; 2048]).is_err(), "nothing reached the old callee");
}

fn a_datagram_after_the_next_calls_command_is_its_own(io: MediaIo) {
    stamps::arrivals_stamped();
    let mut w = worker(io);
    let (c, b, d) = (Caller::new(), endpoint(), endpoint());
    let (a, pa, add) = (&c.a, c.pa, |call, b: &UdpSocket| c.add(call, b));
    assert!(
        w.inbox.push(add(1, &b)).unwrap(),
        "new ports: the worker is woken to bind them"
    );
    w.inbox.push(MediaCommand::RemoveCall { call: 1 }).unwrap();
    w.step(Duration::ZERO);
    assert_eq!(w.counters.calls.load(Relaxed), 0, "the first call's sockets parked");
    let parked = |w: &SteppedWorker| [c.pa, c.pb].map(|p| w.inbox.parked.has(p));
    assert_eq!(parked(&w), [true, true], "and the worker says so");
    let (opened, dropped) = (
        w.counters.sockets_opened.load(Relaxed),
        w.counters.dropped.load(Relaxed),
    );
    // The command is queued, then A's first packet comes, then the worker
    // runs: the packet is call 2's.
    assert!(
        !w.inbox.push(add(2, &d)).unwrap(),
        "parked ports, a worker lingering after the turn that took commands: no wake-up"
    );
    send(a, pa, 7);
    step_until_received(&mut w, 1);
    assert_eq!(parked(&w), [false, false], "taken back");
    assert_eq!(
        w.counters.sockets_opened.load(Relaxed),
        opened,
        "the parked sockets were taken back"
    );
    assert_eq!(heard(&d), 7, "D hears the packet that came after the command");
    assert_eq!(w.counters.dropped.load(Relaxed), dropped, "nothing dropped");
}

// The tests above run against both I/O back-ends of the worker.
on_both_ios!(
    a_datagram_waiting_on_a_parked_socket_is_not_the_next_calls,
    a_datagram_after_the_next_calls_command_is_its_own
);
