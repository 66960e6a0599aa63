//! The test endpoints: a UDP socket per endpoint (two per call) or one
//! socket all of them share (`--shared-socket`), a pacing sender thread
//! and a receiver thread measuring one-way latency from the stamped send
//! time (see `receive`).

use crate::receive::{Heard, Receiver, Sockets};
use crate::send::{Out, shared_socket};
use crate::voice::Voice;
use hdrhistogram::Histogram;
use rvoip::media::srtp::{MasterKey, SrtpContext, Suite};
use std::net::{SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::time::{Duration, Instant};

pub use crate::receive::SLOW_US;

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

/// The endpoint sockets, shared by the sender and the receiver thread (which
/// polls them by descriptor, so no socket is duplicated).
pub struct Endpoints {
    socks: Sockets,
    /// Per endpoint, SRTP keys (what it sends with, what it receives with).
    srtp: Vec<Option<(MasterKey, MasterKey)>>,
    /// Per endpoint, what it sends (and whether what it hears is timed).
    voice: Vec<Voice>,
}

impl Endpoints {
    /// `n` endpoints on loopback, a socket each.
    pub fn open(n: usize) -> std::io::Result<Self> {
        let mut socks = Vec::with_capacity(n);
        for _ in 0..n {
            let s = UdpSocket::bind("127.0.0.1:0")?;
            s.set_nonblocking(true)?;
            socks.push(Arc::new(s));
        }
        Ok(Self::with(Sockets::Each(socks), n))
    }

    /// `n` endpoints on one loopback socket, endpoint `j` hearing from
    /// relay port `base + 2j`: each 20 ms slot's packets go out in
    /// `sendmmsg` batches and come back in `recvmmsg` batches, so the load
    /// costs a system call per batch, not per packet, and one core of it
    /// can drive a relay core to its limit.
    pub fn open_shared(n: usize, base: u16) -> std::io::Result<Self> {
        let sock = Arc::new(shared_socket()?);
        Ok(Self::with(Sockets::Shared { sock, base, n }, n))
    }

    fn with(socks: Sockets, n: usize) -> Self {
        Endpoints {
            socks,
            srtp: vec![None; n],
            voice: vec![Voice::Plain; n],
        }
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
        let s = match &self.socks {
            Sockets::Each(s) => &s[i],
            Sockets::Shared { sock, .. } => sock,
        };
        s.local_addr().expect("bound socket has an address")
    }

    /// Streams 50 packets/s from endpoint `i` to `targets[i]` (none: it
    /// stays silent) for `duration`, then waits half a second for stragglers.
    pub fn run(&self, targets: &[Option<SocketAddr>], duration: Duration, slots: usize) -> RunResult {
        // Connected sockets: the kernel keeps the route instead of looking
        // it up per packet (the relay latches on the source either way).
        let senders: Vec<usize> = (0..targets.len()).filter(|&i| targets[i].is_some()).collect();
        if let Sockets::Each(socks) = &self.socks {
            for &i in &senders {
                let _ = socks[i].connect(targets[i].expect("filtered"));
            }
        }
        let start = Instant::now();
        let done = Arc::new(AtomicBool::new(false));
        let keys = self.srtp.iter().map(|k| k.map(|(_, recv)| ctx(&recv))).collect();
        let timed: Vec<bool> = self.voice.iter().map(|v| *v == Voice::Plain).collect();
        let rx = Receiver::new(self.socks.clone(), keys, timed, start);
        // Sockets of their own: a thread sleeps on them; the shared one:
        // this thread reads it between its slots.
        let mut heard = match self.socks {
            Sockets::Shared { .. } => Listen::Here(Box::new(rx)),
            Sockets::Each(_) => {
                let done = done.clone();
                Listen::Thread(std::thread::spawn(move || rx.run(&done)))
            }
        };
        let mut protect: Vec<Option<SrtpContext>> = self.srtp.iter().map(|k| k.map(|(send, _)| ctx(&send))).collect();
        let mut sent = [0u64; 2];
        let mut out = Out::new();
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
                match &mut heard {
                    Listen::Here(rx) => rx.poll_until(due),
                    Listen::Thread(_) => std::thread::sleep(due.saturating_duration_since(Instant::now())),
                }
                for &i in chunk {
                    let pkt = out.next();
                    let stamp = start.elapsed().as_nanos() as u64;
                    let len = self.voice[i].write(pkt, tick, i as u32, stamp, &opus);
                    let len = match protect[i].as_mut() {
                        Some(c) => c.protect(pkt, len).expect("room for the tag"),
                        None => len,
                    };
                    let went = out.send(&self.socks, i, len, targets[i]);
                    sent[usize::from(self.voice[i] != Voice::Plain)] += went;
                    // A batch went out: read what came back meanwhile, so a
                    // long slot does not leave the replies waiting.
                    if let (Listen::Here(rx), true) = (&mut heard, went > 0) {
                        rx.drain(0);
                    }
                }
                sent[0] += out.flush(&self.socks);
            }
            tick += 1;
        }
        let stragglers = Instant::now() + Duration::from_millis(500);
        let heard = match heard {
            Listen::Here(mut rx) => {
                rx.poll_until(stragglers);
                rx.finish()
            }
            Listen::Thread(thread) => {
                std::thread::sleep(stragglers.saturating_duration_since(Instant::now()));
                done.store(true, Relaxed);
                thread.join().expect("receiver thread")
            }
        };
        RunResult {
            sent: sent[0],
            received: heard.received[0],
            xc_sent: sent[1],
            xc_received: heard.received[1],
            srtp_failed: heard.failed,
            latency_us: heard.latency_us,
            slowest: heard.slowest,
            elapsed: start.elapsed(),
        }
    }
}

/// Who reads what the endpoints hear.
enum Listen {
    /// The sender, between its slots (the shared socket).
    Here(Box<Receiver>),
    /// A thread of its own, asleep on the endpoints' sockets.
    Thread(std::thread::JoinHandle<Heard>),
}

fn ctx(key: &MasterKey) -> SrtpContext {
    SrtpContext::new(key, Suite::AesCm128HmacSha1_80)
}
