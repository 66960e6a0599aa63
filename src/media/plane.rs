//! The media plane: one pinned worker thread per core, each fed through a
//! bounded lock-free queue; a call goes to the worker its id selects, so
//! both its legs share a core.

use super::placement::ThreadPlacement;
use super::worker::transcoding::{TranscodeLink, TranscoderPool};
use super::worker::{Inbox, MediaIo, WAKER, Worker, WorkerConfig, WorkerCounters, WorkerLinks};
use super::{MediaCommand, MediaEvent};
use mio::{Poll, Waker};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering::Relaxed};
use std::thread::JoinHandle;
use tokio::sync::mpsc;

/// Commands queued per worker before `submit` refuses (and counts).
const QUEUE: usize = 16384;

/// Settings of the media plane.
#[derive(Debug, Clone, Copy)]
pub struct MediaConfig {
    /// Worker threads (0: one per core).
    pub workers: usize,
    /// Pin each worker to a core.
    pub pin: bool,
    /// Run the workers at this SCHED_FIFO priority (1–99; 0: normal).
    pub realtime: u8,
    /// Transcoder threads (`media.transcoders`; 0: each worker re-codes
    /// its calls' voice inline, in front of the packets behind it).
    pub transcoders: usize,
    /// What every worker shares.
    pub worker: WorkerConfig,
}

/// What the plane keeps of one worker.
struct WorkerHandle {
    inbox: Arc<Inbox>,
    waker: Arc<Waker>,
    counters: Arc<WorkerCounters>,
    thread: Option<JoinHandle<()>>,
}

/// The running workers.
pub struct MediaPlane {
    workers: Vec<WorkerHandle>,
    io: MediaIo,
    /// Signalling shards the events go to.
    shards: usize,
    stop: Arc<AtomicBool>,
    /// The kernel fast path, attached while the plane runs.
    #[cfg_attr(not(feature = "kernel-fastpath"), allow(dead_code))]
    kernel: super::plane_kernel::PlaneKernel,
    /// The transcoder threads, stopped after the workers.
    transcoders: TranscoderPool,
    /// Commands refused because a worker's queue was full.
    pub overflow: AtomicU64,
}

impl MediaPlane {
    /// Starts the workers; they report to `events`.
    pub fn start(cfg: MediaConfig, events: mpsc::Sender<MediaEvent>) -> std::io::Result<MediaPlane> {
        Self::start_sharded(cfg, vec![events])
    }

    /// Starts the workers for a sharded signalling plane: the events of
    /// call `c` go to `events[c % events.len()]`.
    pub fn start_sharded(cfg: MediaConfig, events: Vec<mpsc::Sender<MediaEvent>>) -> std::io::Result<MediaPlane> {
        let shards = events.len().max(1);
        let cpus = || std::thread::available_parallelism().map_or(1, |n| n.get());
        let n = Some(cfg.workers).filter(|&w| w > 0).unwrap_or_else(cpus);
        let cores = if cfg.pin {
            core_affinity::get_core_ids().unwrap_or_default()
        } else {
            Vec::new()
        };
        let mut wcfg = cfg.worker;
        wcfg.park_max = wcfg.park_max.min(super::worker::park_max(n));
        let stop = Arc::new(AtomicBool::new(false));
        let placement = Arc::new(ThreadPlacement::new(cfg.realtime));
        let mut workers = Vec::with_capacity(n);
        let mut links = Vec::new();
        #[allow(unused_mut)] // only the fast path hands out its map
        let mut kernel = super::plane_kernel::start(wcfg.kernel);
        for i in 0..n {
            let poll = Poll::new()?;
            let waker = Arc::new(Waker::new(poll.registry(), WAKER)?);
            let inbox = Arc::new(Inbox::new(QUEUE));
            let counters = Arc::new(WorkerCounters::default());
            let core = (!cores.is_empty()).then(|| cores[i % cores.len()]);
            let link = (cfg.transcoders > 0).then(|| TranscodeLink::new(TranscodeLink::QUEUE, &counters, Some(&waker)));
            links.extend(link.clone());
            let links = WorkerLinks {
                commands: inbox.clone(),
                events: events.clone(),
                stop: stop.clone(),
                counters: counters.clone(),
                transcode: link,
            };
            let seed = 0x9e37_79b9 ^ (i as u32 + 1).wrapping_mul(0x85eb_ca6b);
            let mut worker = Worker::new(wcfg, poll, links, seed, core.map(|c| c.id));
            #[cfg(feature = "kernel-fastpath")]
            if let Some(map) = kernel.as_mut().and_then(|k| k.forward().try_clone().ok()) {
                worker.set_offload(map);
            }
            let placement = placement.clone();
            let (io_tx, io_rx) = std::sync::mpsc::sync_channel(1);
            let thread = std::thread::Builder::new()
                .name(format!("rvoip-media-{i}"))
                .spawn(move || {
                    placement.apply(core);
                    let _ = io_tx.send(worker.open_io());
                    worker.run();
                })?;
            let io = io_rx.recv().unwrap_or((MediaIo::Epoll, None));
            if i == 0 {
                wcfg.io = MediaIo::say(wcfg.io, io);
            }
            workers.push(WorkerHandle {
                inbox,
                waker,
                counters,
                thread: Some(thread),
            });
        }
        let transcoders = TranscoderPool::start(cfg.transcoders, &links, &cores, n)?;
        Ok(MediaPlane {
            workers,
            transcoders,
            io: wcfg.io,
            shards,
            stop,
            kernel,
            overflow: AtomicU64::new(0),
        })
    }

    /// Queues a command for the worker owning its call, then wakes it if
    /// the inbox's `push` says so (not when a wake-up is on its way, the
    /// worker lingers, or for a removal: a wake-up costs the signalling
    /// thread about 15 µs); a full queue hands the command back (and is
    /// counted; boxed, as a call's keys make a command large).
    pub fn submit(&self, cmd: MediaCommand) -> Result<(), Box<MediaCommand>> {
        let w = &self.workers[worker_of(cmd.call(), self.shards, self.workers.len())];
        let wake = w.inbox.push(cmd).inspect_err(|_| {
            self.overflow.fetch_add(1, Relaxed);
        })?;
        if wake {
            let _ = w.waker.wake();
        }
        Ok(())
    }

    /// Per-worker counters, in worker order (see [`worker_of`]).
    pub fn counters(&self) -> impl Iterator<Item = &WorkerCounters> {
        self.workers.iter().map(|w| w.counters.as_ref())
    }

    /// Number of workers.
    pub fn workers(&self) -> usize {
        self.workers.len()
    }

    /// What the kernel fast path did, if it runs (`media.kernel`).
    #[cfg(feature = "kernel-fastpath")]
    pub fn kernel_counts(&self) -> Option<super::kernel::KernelCounts> {
        self.kernel.as_ref()?.counts().read().ok()
    }

    /// Transcoder threads (0: the workers transcode inline).
    pub fn transcoders(&self) -> usize {
        self.transcoders.threads()
    }

    /// How the workers read and write their sockets.
    pub fn io(&self) -> MediaIo {
        self.io
    }
}

impl Drop for MediaPlane {
    fn drop(&mut self) {
        self.stop.store(true, Relaxed);
        for w in &mut self.workers {
            let _ = w.waker.wake();
            if let Some(t) = w.thread.take() {
                let _ = t.join();
            }
        }
    }
}

/// The worker of call `call` when signalling has `shards` shards (call ids
/// are `shard (mod shards)`) and the plane `workers` workers: consecutive
/// calls of one shard go to consecutive workers.
pub fn worker_of(call: u64, shards: usize, workers: usize) -> usize {
    (call / shards.max(1) as u64 % workers.max(1) as u64) as usize
}
