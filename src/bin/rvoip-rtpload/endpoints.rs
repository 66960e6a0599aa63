//! The test endpoints: two UDP sockets per call, a pacing sender thread and
//! a receiver thread measuring one-way latency from the stamped send time.

use crate::voice::Voice;
use hdrhistogram::Histogram;
use mio::unix::SourceFd;
use mio::{Events, Interest, Poll, Token};
use rvoip::media::RecvBatch;
use rvoip::media::srtp::{MasterKey, SrtpContext, Suite};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::time::{Duration, Instant};

/// What a run measured (`sent`, `received` and the latency: the plain
/// calls'; `xc_*`: the transcoded calls', only counted).
pub struct RunResult {
    pub sent: u64,
    pub received: u64,
    pub xc_sent: u64,
    pub xc_received: u64,
    /// SRTP packets that failed authentication at an endpoint.
    pub srtp_failed: u64,
    pub latency_us: Histogram<u64>,
    /// When the slowest packet was sent, from the start of the run, and
    /// how many took over [`SLOW_US`]: a stall shows as its time and size.
    pub slowest: (Duration, u64),
    pub elapsed: Duration,
}

/// A packet slower than this end to end (µs) is counted as slow.
pub const SLOW_US: u64 = 20_000;

/// The endpoint sockets, shared by the sender and the receiver thread (which
/// polls them by descriptor, so no socket is duplicated).
pub struct Endpoints {
    socks: Vec<Arc<std::net::UdpSocket>>,
    /// Per endpoint, SRTP keys (what it sends with, what it receives with).
    srtp: Vec<Option<(MasterKey, MasterKey)>>,
    /// Per endpoint, what it sends (and whether what it hears is timed).
    voice: Vec<Voice>,
}

impl Endpoints {
    /// `n` endpoints on loopback.
    pub fn open(n: usize) -> std::io::Result<Self> {
        let mut socks = Vec::with_capacity(n);
        for _ in 0..n {
            let s = std::net::UdpSocket::bind("127.0.0.1:0")?;
            s.set_nonblocking(true)?;
            socks.push(Arc::new(s));
        }
        let srtp = vec![None; n];
        let voice = vec![Voice::Plain; n];
        Ok(Endpoints { socks, srtp, voice })
    }

    /// Endpoint `i` is one end of a transcoded call, speaking `voice`.
    pub fn set_voice(&mut self, i: usize, voice: Voice) {
        self.voice[i] = voice;
    }

    /// Endpoint `i` sends SRTP under `send` and receives SRTP under `recv`.
    pub fn set_srtp(&mut self, i: usize, send: MasterKey, recv: MasterKey) {
        self.srtp[i] = Some((send, recv));
    }

    pub fn addr(&self, i: usize) -> SocketAddr {
        self.socks[i].local_addr().expect("bound socket has an address")
    }

    /// Streams 50 packets/s from endpoint `i` to `targets[i]` (none: it
    /// stays silent) for `duration`, then waits half a second for stragglers.
    pub fn run(&self, targets: &[Option<SocketAddr>], duration: Duration, slots: usize) -> RunResult {
        // Connected sockets: the kernel keeps the route instead of looking
        // it up per packet (the relay latches on the source either way).
        let senders: Vec<usize> = (0..targets.len()).filter(|&i| targets[i].is_some()).collect();
        for &i in &senders {
            let _ = self.socks[i].connect(targets[i].expect("filtered"));
        }
        let start = Instant::now();
        let done = Arc::new(AtomicBool::new(false));
        let receiver = {
            let socks = self.socks.clone();
            let done = done.clone();
            let keys = self.srtp.iter().map(|k| k.map(|(_, recv)| ctx(&recv))).collect();
            let timed: Vec<bool> = self.voice.iter().map(|v| *v == Voice::Plain).collect();
            std::thread::spawn(move || receive(&socks, keys, &timed, start, &done))
        };
        let mut protect: Vec<Option<SrtpContext>> = self.srtp.iter().map(|k| k.map(|(send, _)| ctx(&send))).collect();
        let mut sent = [0u64; 2];
        let mut pkt = [0u8; 172 + 10];
        let opus = Voice::opus_frame();
        let mut tick = 0u64;
        // Each 20 ms tick is spread over `slots` slots (1: one burst per
        // tick; 10: every 2 ms, closer to how independent phones send).
        let slots = slots.clamp(1, 20);
        let per_slot = senders.len().div_ceil(slots).max(1);
        while start.elapsed() < duration {
            for (slot, chunk) in senders.chunks(per_slot).enumerate() {
                let due = start
                    + Duration::from_millis(20 * tick)
                    + Duration::from_micros(20_000 / slots as u64 * slot as u64);
                if let Some(wait) = due.checked_duration_since(Instant::now()) {
                    std::thread::sleep(wait);
                }
                for &i in chunk {
                    let stamp = start.elapsed().as_nanos() as u64;
                    let len = self.voice[i].write(&mut pkt, tick, i as u32, stamp, &opus);
                    let len = match protect[i].as_mut() {
                        Some(c) => c.protect(&mut pkt, len).expect("room for the tag"),
                        None => len,
                    };
                    if self.socks[i].send(&pkt[..len]).is_ok() {
                        sent[usize::from(self.voice[i] != Voice::Plain)] += 1;
                    }
                }
            }
            tick += 1;
        }
        std::thread::sleep(Duration::from_millis(500));
        done.store(true, Relaxed);
        let ([received, xc_received], srtp_failed, latency_us, slowest) = receiver.join().expect("receiver thread");
        RunResult {
            sent: sent[0],
            received,
            xc_sent: sent[1],
            xc_received,
            srtp_failed,
            latency_us,
            slowest,
            elapsed: start.elapsed(),
        }
    }
}

fn ctx(key: &MasterKey) -> SrtpContext {
    SrtpContext::new(key, Suite::AesCm128HmacSha1_80)
}

fn receive(
    socks: &[Arc<std::net::UdpSocket>],
    mut keys: Vec<Option<SrtpContext>>,
    timed: &[bool],
    start: Instant,
    done: &AtomicBool,
) -> ([u64; 2], u64, Histogram<u64>, (Duration, u64)) {
    use std::os::fd::AsRawFd;
    let mut poll = Poll::new().expect("poll");
    for (i, s) in socks.iter().enumerate() {
        let _ = poll
            .registry()
            .register(&mut SourceFd(&s.as_raw_fd()), Token(i), Interest::READABLE);
    }
    let mut hist = Histogram::<u64>::new_with_bounds(1, 10_000_000, 3).expect("histogram bounds");
    let mut events = Events::with_capacity(4096);
    let mut batch = RecvBatch::new();
    let (mut received, mut failed) = ([0u64; 2], 0u64);
    // The slowest packet's latency (µs) and send stamp (ns), and the slow.
    let (mut worst, mut worst_at, mut slow) = (0u64, 0u64, 0u64);
    while !done.load(Relaxed) {
        let _ = poll.poll(&mut events, Some(Duration::from_millis(50)));
        for ev in events.iter() {
            let at = ev.token().0;
            let fd = socks[at].as_raw_fd();
            // As in the relay: a short batch means the socket is drained.
            while let Ok(n) = batch.recv(fd) {
                let now = start.elapsed().as_nanos() as u64;
                for i in 0..n {
                    let (buf, _) = batch.packet(i);
                    let len = match keys[at].as_mut().map(|c| c.unprotect(buf)) {
                        None => buf.len(),
                        Some(Ok(len)) => len,
                        Some(Err(_)) => {
                            failed += 1;
                            continue;
                        }
                    };
                    if !timed[at] {
                        received[1] += 1;
                    } else if len >= 20 {
                        let stamp = u64::from_be_bytes(buf[12..20].try_into().expect("8 bytes"));
                        let us = (now.saturating_sub(stamp) / 1000).max(1);
                        let _ = hist.record(us);
                        if us > worst {
                            (worst, worst_at) = (us, stamp);
                        }
                        slow += u64::from(us > SLOW_US);
                        received[0] += 1;
                    }
                }
                if n < RecvBatch::BATCH {
                    break;
                }
            }
        }
    }
    (received, failed, hist, (Duration::from_nanos(worst_at), slow))
}
