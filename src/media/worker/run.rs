//! The worker's loop: drain commands; send what its transcoder thread
//! re-coded; wait for readiness or the next
//! deadline; read the ready sockets; send what is due on the tick; check
//! media timeouts and publish the latency summary every 250 ms. One turn
//! of it is [`Worker::turn`]; tests run turns on their own thread to hold
//! a worker back (`step`). The wait and the reads are epoll's
//! (`poll_turn`) or io_uring's (`ring_turn`).

use super::{WAKER, Worker};
use mio::Events;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

/// How often timeouts are checked and the latency summary published.
const CHECK: Duration = Duration::from_millis(250);

impl Worker {
    /// Runs until the plane stops.
    pub fn run(mut self) {
        let mut events = Events::with_capacity(1024);
        let mut next_check = Instant::now();
        while !self.stop.load(Relaxed) {
            self.turn(&mut events, &mut next_check, CHECK);
        }
    }

    /// One time round the loop, waiting at most `max_wait` for readiness.
    fn turn(&mut self, events: &mut Events, next_check: &mut Instant, max_wait: Duration) {
        self.take_commands();
        self.on_transcoded();
        let now = Instant::now();
        let wait = self.pace_wait(now, next_check.saturating_duration_since(now).min(max_wait));
        let wait = self.commands.wait(wait);
        let woke = if self.uring.is_some() {
            self.ring_turn(events, wait)
        } else {
            self.poll_turn(events, wait)
        };
        let Some(woke) = woke else { return };
        self.pace(woke);
        if woke >= *next_check {
            #[cfg(feature = "kernel-fastpath")]
            self.offload_sweep();
            self.check_timeouts();
            self.latency.publish(&self.counters.latency);
            self.handoff.publish(&self.counters.transcoded_latency);
            *next_check = woke + CHECK;
        }
        let busy = woke.elapsed().as_nanos() as u64;
        self.counters.busy_ns.fetch_add(busy, Relaxed);
    }

    /// Takes the queued commands as a turn starts, lingering or not (see
    /// [`Mailbox`](super::inbox::Mailbox)).
    fn take_commands(&mut self) {
        self.commands.before_drain();
        self.drain_commands();
        if self.commands.after_drain() {
            self.drain_commands();
            self.commands.after_drain();
        }
    }

    /// Handles every queued command. Also right after a wait, before what
    /// woke the worker is handled: a packet on a call's socket then finds
    /// the call its command added while the worker slept.
    pub(super) fn drain_commands(&mut self) {
        while let Some(cmd) = self.commands.pop() {
            self.handle_command(cmd);
        }
    }

    /// Waits up to `wait` for readiness, then drains the ready sockets
    /// (epoll); returns when it woke.
    fn poll_turn(&mut self, events: &mut Events, wait: Duration) -> Option<Instant> {
        events.clear();
        let spin = self.cfg.busy_poll.min(wait);
        if !spin.is_zero() {
            // Polled without sleeping for up to `spin` (`busy_poll`).
            let until = Instant::now() + spin;
            while self.poll.poll(events, Some(Duration::ZERO)).is_ok() && events.is_empty() && Instant::now() < until {
                std::hint::spin_loop();
            }
        }
        if events.is_empty() {
            self.poll.poll(events, Some(wait)).ok()?;
        }
        let woke = Instant::now();
        self.drain_commands();
        for ev in events.iter() {
            if ev.token() != WAKER {
                self.on_readable(ev.token().0);
                if self.handoff.is_filling() {
                    self.transcode_here();
                }
            }
        }
        self.transcode_here();
        Some(woke)
    }
}

#[cfg(feature = "test-exports")]
mod standalone {
    use super::super::transcoding::{TranscodeLink, TranscoderTable};
    use super::super::{Inbox, Worker, WorkerConfig, WorkerCounters, WorkerLinks};
    use crate::media::MediaEvent;
    use std::sync::Arc;
    use std::time::{Duration, Instant};
    use tokio::sync::mpsc;

    /// A worker that runs only when its owner steps it (tests: a worker
    /// held back for as long as the test likes, deterministically).
    pub struct SteppedWorker {
        worker: Worker,
        /// Its command queue (no wake-up needed: each step drains it).
        pub inbox: Arc<Inbox>,
        /// What it publishes.
        pub counters: Arc<WorkerCounters>,
        /// What it reports.
        pub events: mpsc::Receiver<MediaEvent>,
        /// Its transcoder states, when its transcoding is run by hand.
        table: TranscoderTable,
    }

    impl SteppedWorker {
        /// A worker with settings `cfg`, not pinned.
        pub fn new(cfg: WorkerConfig) -> std::io::Result<Self> {
            Self::with_transcoding(cfg, 0)
        }

        /// A worker with settings `cfg`, not pinned, handing voice to
        /// re-code to a queue of `queue` jobs that only
        /// [`run_transcoder`](Self::run_transcoder) drains (0: it
        /// re-codes them itself after each read).
        pub fn with_transcoding(cfg: WorkerConfig, queue: usize) -> std::io::Result<Self> {
            let (tx, events) = mpsc::channel(1024);
            let (inbox, counters) = (Arc::new(Inbox::new(1024)), Arc::new(WorkerCounters::default()));
            let links = WorkerLinks {
                commands: inbox.clone(),
                events: vec![tx],
                stop: Default::default(),
                counters: counters.clone(),
                transcode: (queue > 0).then(|| TranscodeLink::new((queue, 2 * queue), &counters, None)),
            };
            let mut worker = Worker::new(cfg, mio::Poll::new()?, links, 0x5eed, None);
            worker.open_io();
            Ok(SteppedWorker {
                worker,
                inbox,
                counters,
                events,
                table: TranscoderTable::default(),
            })
        }

        /// Runs the jobs its worker has queued, as a transcoder thread
        /// would, on this thread; returns how many ran.
        pub fn run_transcoder(&mut self) -> usize {
            let table = &mut self.table;
            let h = &self.worker.handoff;
            if h.here.is_some() { 0 } else { table.drain(&h.link) }
        }

        /// Offloads its plain relay to the kernel through `map`.
        #[cfg(feature = "kernel-fastpath")]
        pub fn set_offload(&mut self, map: crate::media::kernel::ForwardMap) {
            self.worker.set_offload(map);
        }

        /// How it reads and writes its sockets.
        pub fn io(&self) -> super::super::MediaIo {
            self.worker.io()
        }

        /// One turn of the worker's loop on this thread: its commands, then
        /// what its sockets hold, waiting at most `max_wait` for some.
        pub fn step(&mut self, max_wait: Duration) {
            let mut events = mio::Events::with_capacity(64);
            self.worker.turn(&mut events, &mut Instant::now(), max_wait);
        }
    }
}
#[cfg(feature = "test-exports")]
pub use standalone::SteppedWorker;
