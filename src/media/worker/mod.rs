//! One media worker: a pinned OS thread owning a mio poll, its sockets and
//! calls. Loop: drain commands; drain each ready socket until WouldBlock;
//! send the audio calls' packets due on the 20 ms tick; check media
//! timeouts; sleep to the next deadline (the next tick while any audio
//! call exists, else the 250 ms check). No lock, and no allocation per
//! packet (one receive buffer, reused).
//!
//! Calls are relayed (two legs), echoed (one leg), or heard and spoken to
//! by an application (an audio call, issue #17: one leg and the
//! application's queues): its peer's voice is decoded into 20 ms frames at
//! the application's rate (lost packets concealed, late ones dropped), and
//! on each tick of the worker's clock, not the application's, the
//! application's next frame (silence when it gave none) is encoded in the
//! leg's codec and sent (see `ticker`, `pacing` and `audio_side`).
//!
//! What becomes of each packet is decided by the call's [`Relay`](relay::Relay) over the
//! bytes, their source and the worker's clock, without sockets (tested so,
//! through `test_exports`); the worker only reads, sends and counts. A
//! packet stays in its receive slot throughout: SRTP from a leg is opened
//! there, the header rewritten, and it is sealed there for an SRTP leg
//! (the slot has room for the tag). Voice to re-code is handed off as a
//! job, re-coded after the read's relayed packets are sent (on a
//! transcoder thread, or by the worker itself), and written and sealed in
//! the worker's transcoding buffer. Each leg's SRTP contexts are
//! keyed when the call is added or the leg re-keyed, never per packet.
//!
//! Sockets are read through epoll (`recvmmsg` per ready socket) or, with
//! `media.io = "uring"`, through an io_uring whose multishot receives on
//! all the worker's sockets fill one ring of provided buffers (`uring`,
//! `ring_turn`); the decision on each packet is the same code.

mod audio_side;
mod call;
mod capture;
mod commands;
mod config;
mod counters;
mod dtmf;
mod inbound_rtp;
mod inbox;
mod io_kind;
mod kernel_drops;
mod kernel_mode;
mod latch;
mod late;
mod latency;
mod leg;
mod links;
mod offload;
mod out_stream;
mod pacing;
mod park;
mod readable;
mod relay;
mod ring_turn;
mod run;
mod rx;
mod socket;
mod srtp_session;
mod ticker;
mod timeouts;
mod transcoded;
pub(crate) mod transcoding;
mod uring;
mod verdict;
mod watch;

pub use config::WorkerConfig;
pub use counters::WorkerCounters;
pub use inbox::Inbox;
pub use io_kind::MediaIo;
pub use kernel_mode::MediaKernel;
pub use late::LateBound;
pub use latency::{LATENCY_BUCKETS_US, LatencyCounters};
pub use links::WorkerLinks;
pub use park::park_max;
#[cfg(feature = "test-exports")]
pub use {
    inbound_rtp::InboundRtp,
    relay::Relay,
    run::SteppedWorker,
    verdict::{DropReason, Verdict},
};

use crate::media::MediaEvent;
use crate::udp_batch::{RecvBatch, SendBatch};
use call::Call;
use kernel_drops::KernelDrops;
use latency::LatencyHistogram;
use mio::{Poll, Token};
use rustc_hash::FxHashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::time::Instant;
use ticker::Ticker;
use tokio::sync::mpsc;

/// The token of a worker's waker.
pub const WAKER: Token = Token(usize::MAX);

/// A worker's state; runs on its own thread.
pub struct Worker {
    cfg: WorkerConfig,
    poll: Poll,
    commands: inbox::Mailbox,
    /// One queue per signalling shard; call `c`'s go to `c % len`.
    events: Vec<mpsc::Sender<MediaEvent>>,
    calls: crate::collections::Chunked<Call>,
    free: Vec<usize>,
    index: FxHashMap<u64, usize>,
    /// Slot + 1 of the call whose leg has this RTP port (0: none).
    by_port: Box<[u32]>,
    /// Sockets of ended calls kept open, with the address each is bound to.
    parked: FxHashMap<u16, (mio::net::UdpSocket, std::net::IpAddr)>,
    park_max: usize,
    recv_batch: RecvBatch,
    send_batch: SendBatch,
    /// Where transcoded packets, and audio calls' packets, are written
    /// (one at a time).
    transcode_buf: Box<[u8]>,
    /// Slots of the audio calls, which send on the ticks.
    audio_slots: Vec<usize>,
    /// Slots of the relayed calls with digits to send, which send them on
    /// the ticks.
    dtmf_slots: Vec<usize>,
    /// The audio calls' 20 ms clock.
    ticker: Ticker,
    start: Instant,
    stop: Arc<AtomicBool>,
    counters: Arc<WorkerCounters>,
    ssrc_rng: u32,
    cpu: Option<usize>,
    latency: LatencyHistogram,
    late: LateBound,
    kernel_drops: KernelDrops,
    /// Its io_uring (`None`: epoll, chosen or fallen back to), made on
    /// the worker's thread ([`Worker::open_io`]).
    uring: Option<Box<uring::Uring>>,
    /// Where it hands voice to re-code: its transcoder thread, or itself.
    handoff: transcoded::Handoff,
    /// Its calls' directions the kernel forwards (`media.kernel`).
    #[cfg_attr(not(feature = "kernel-fastpath"), allow(dead_code))]
    offload: offload::OffloadSlot,
}

impl Worker {
    /// A worker fed by `links.commands`, reporting to `links.events`,
    /// its SSRCs drawn from `seed`, on core `cpu` if pinned.
    pub fn new(cfg: WorkerConfig, poll: Poll, links: WorkerLinks, seed: u32, cpu: Option<usize>) -> Self {
        let WorkerLinks {
            commands,
            events,
            stop,
            counters,
            transcode,
        } = links;
        let handoff = transcoded::Handoff::new(transcode, &counters);
        Worker {
            cfg,
            poll,
            commands: inbox::Mailbox::new(commands),
            events,
            calls: Default::default(),
            free: Vec::new(),
            index: FxHashMap::default(),
            by_port: vec![0u32; 1 << 16].into_boxed_slice(),
            parked: FxHashMap::default(),
            park_max: cfg.park_max,
            recv_batch: RecvBatch::new(),
            send_batch: SendBatch::new(),
            transcode_buf: vec![0u8; 2048].into_boxed_slice(),
            audio_slots: Vec::new(),
            dtmf_slots: Vec::with_capacity(64),
            ticker: Ticker::default(),
            start: Instant::now(),
            stop,
            counters,
            ssrc_rng: seed | 1,
            cpu,
            latency: LatencyHistogram::new(),
            late: LateBound::new(cfg.max_delay),
            kernel_drops: KernelDrops::new(),
            uring: None,
            handoff,
            offload: Default::default(),
        }
    }

    /// The worker's clock: µs since it started.
    fn now_us(&self) -> u64 {
        self.start.elapsed().as_micros() as u64
    }

    fn emit(&self, ev: MediaEvent) {
        let shard = (ev.call() % self.events.len().max(1) as u64) as usize;
        if self.events[shard].try_send(ev).is_err() {
            self.counters.event_overflow.fetch_add(1, Relaxed);
        }
    }
}
