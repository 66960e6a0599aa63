//! One media worker: a pinned OS thread owning a mio poll, its sockets and
//! calls. Loop: drain commands; drain each ready socket until WouldBlock;
//! check media timeouts; sleep to the next deadline. No lock, and no
//! allocation per packet (one receive buffer, reused).

mod call;
mod commands;
mod egress;
mod latch;
mod latency;
mod packet;
mod park;
pub mod relay;
mod rtcp_relay;
mod socket;

pub use crate::udp_batch::RecvBatch;
pub use commands::Inbox;
pub use egress::Egress;
pub use latch::{Latch, LatchVerdict};
pub use latency::{BUCKETS_US, LatencyCounters};
pub use park::park_max;

use crate::media::command::MediaEvent;
use crate::udp_batch::SendBatch;
use call::Call;
use mio::{Events, Poll, Token};
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// The token of a worker's waker.
pub const WAKER: Token = Token(usize::MAX);

/// Settings every worker shares.
#[derive(Debug, Clone, Copy)]
pub struct WorkerConfig {
    /// Address media sockets bind to.
    pub ip: IpAddr,
    /// Silence after which a new source may take over a latched leg.
    pub relatch: Duration,
    /// No RTP for this long raises a media timeout.
    pub timeout: Duration,
    /// Opus encoder complexity (0–10) for transcoded calls.
    pub opus_complexity: i32,
    /// Sockets of ended calls kept open for reuse, at most (the plane
    /// lowers it to its share of the descriptor limit).
    pub park_max: usize,
}

impl Default for WorkerConfig {
    /// Loopback, re-latch after 2 s of silence, 30 s media timeout, Opus
    /// complexity 5, no limit of its own on parked sockets.
    fn default() -> Self {
        WorkerConfig {
            ip: IpAddr::V4(std::net::Ipv4Addr::LOCALHOST),
            relatch: Duration::from_secs(2),
            timeout: Duration::from_secs(30),
            opus_complexity: 5,
            park_max: usize::MAX,
        }
    }
}

/// Counters a worker publishes (read by anyone, written by the worker).
#[derive(Debug, Default)]
pub struct WorkerCounters {
    /// RTP/RTCP packets received.
    pub packets_in: AtomicU64,
    /// Packets sent.
    pub packets_out: AtomicU64,
    /// Packets not forwarded (malformed, strangers, hold, no destination).
    pub dropped: AtomicU64,
    /// Events lost because signalling's queue was full.
    pub event_overflow: AtomicU64,
    /// Calls on this worker.
    pub calls: AtomicU64,
    /// Media sockets opened (the rest were parked sockets reused).
    pub sockets_opened: AtomicU64,
    /// Time spent working rather than waiting in poll (ns).
    pub busy_ns: AtomicU64,
    /// Latency added per packet.
    pub latency: LatencyCounters,
}

/// A worker's state; runs on its own thread.
pub struct Worker {
    cfg: WorkerConfig,
    poll: Poll,
    commands: Arc<Inbox>,
    /// One queue per signalling shard; call `c`'s go to `c % len`.
    events: Vec<mpsc::Sender<MediaEvent>>,
    calls: Vec<Option<Call>>,
    free: Vec<usize>,
    index: HashMap<u64, usize>,
    /// Slot + 1 of the call whose leg has this RTP port (0: none).
    by_port: Box<[u32]>,
    parked: HashMap<u16, mio::net::UdpSocket>,
    park_max: usize,
    batch: RecvBatch,
    sends: SendBatch,
    xbuf: Box<[u8]>,
    start: Instant,
    stop: Arc<AtomicBool>,
    counters: Arc<WorkerCounters>,
    rng: u32,
    cpu: Option<usize>,
    latency: latency::Latency,
}

impl Worker {
    /// A worker fed by `commands`, reporting to `events`.
    pub fn new(
        cfg: WorkerConfig,
        poll: Poll,
        commands: Arc<Inbox>,
        events: Vec<mpsc::Sender<MediaEvent>>,
        stop: Arc<AtomicBool>,
        counters: Arc<WorkerCounters>,
        seed: u32,
        cpu: Option<usize>,
    ) -> Self {
        Worker {
            cfg,
            poll,
            commands,
            events,
            calls: Vec::new(),
            free: Vec::new(),
            index: HashMap::new(),
            by_port: vec![0u32; 1 << 16].into_boxed_slice(),
            parked: HashMap::new(),
            park_max: cfg.park_max,
            batch: RecvBatch::new(),
            sends: SendBatch::new(),
            xbuf: vec![0u8; 2048].into_boxed_slice(),
            start: Instant::now(),
            stop,
            counters,
            rng: seed | 1,
            cpu,
            latency: latency::Latency::new(),
        }
    }

    fn now_us(&self) -> u64 {
        self.start.elapsed().as_micros() as u64
    }

    fn emit(&self, ev: MediaEvent) {
        let shard = (ev.call() % self.events.len().max(1) as u64) as usize;
        if self.events[shard].try_send(ev).is_err() {
            self.counters.event_overflow.fetch_add(1, Relaxed);
        }
    }

    /// Runs until the plane stops.
    pub fn run(mut self) {
        let mut events = Events::with_capacity(1024);
        let mut next_check = Instant::now();
        while !self.stop.load(Relaxed) {
            self.commands.woken.store(false, std::sync::atomic::Ordering::SeqCst);
            while let Some(cmd) = self.commands.queue.pop() {
                self.handle_command(cmd);
            }
            let wait = next_check.saturating_duration_since(Instant::now());
            if self.poll.poll(&mut events, Some(wait)).is_err() {
                continue;
            }
            let woke = Instant::now();
            for ev in events.iter() {
                if ev.token() != WAKER {
                    self.on_readable(ev.token().0);
                }
            }
            if woke >= next_check {
                self.check_timeouts();
                self.latency.publish(&self.counters.latency);
                next_check = woke + Duration::from_millis(250);
            }
            let busy = woke.elapsed().as_nanos() as u64;
            self.counters.busy_ns.fetch_add(busy, Relaxed);
        }
    }
}
