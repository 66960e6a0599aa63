//! A worker's command queue: bounded and lock-free, pushed by signalling,
//! drained by the worker each time round its loop; and the worker's end
//! of it, which decides when a sender must wake the worker.

use crate::media::MediaCommand;
use crate::udp_batch::realtime_ns;
use crossbeam_queue::ArrayQueue;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use std::sync::atomic::Ordering::SeqCst;
use std::time::Duration;

/// Commands for one worker, each with when it was queued, and whether a
/// wake-up is already on its way
/// (then a further command needs none: the worker drains the whole queue
/// after it wakes). Saves the signalling thread an eventfd write per
/// command when several arrive before the worker runs.
#[derive(Debug)]
pub struct Inbox {
    /// Commands, bounded, with when each was queued (CLOCK_REALTIME ns).
    queue: ArrayQueue<(MediaCommand, u64)>,
    /// Set by the sender that wakes the worker, or by the worker while it
    /// lingers (it looks at the queue within [`Mailbox::LINGER`] anyway);
    /// cleared by the worker before a drain after which it would sleep
    /// without looking again.
    pub woken: AtomicBool,
    /// The ports whose sockets the worker holds parked.
    pub parked: ParkedPorts,
}

impl Inbox {
    /// An empty inbox holding up to `capacity` commands.
    pub fn new(capacity: usize) -> Self {
        Inbox {
            queue: ArrayQueue::new(capacity),
            woken: AtomicBool::new(false),
            parked: ParkedPorts::default(),
        }
    }

    /// Queues `cmd`, stamped now, and says whether the sender must wake
    /// the worker: yes unless a wake-up is already on its way or the
    /// worker lingers, but always for a call on a port the worker does
    /// not hold parked (it must bind a socket, and a peer may send as soon
    /// as it learns the port), and never for a removal (taken at the next
    /// wake-up or tick, before any later command). A full queue hands
    /// `cmd` back (boxed, as a call's keys make a command large).
    pub fn push(&self, cmd: MediaCommand) -> Result<bool, Box<MediaCommand>> {
        let urgent = !matches!(cmd, MediaCommand::RemoveCall { .. });
        let fresh = |port| !self.parked.has(port);
        let binds = match &cmd {
            MediaCommand::AddCall { a, b, .. } => fresh(a.port) || b.is_some_and(|b| fresh(b.port)),
            MediaCommand::AddAudioCall { a, .. } => fresh(a.port),
            _ => false,
        };
        self.queue
            .push((cmd, realtime_ns()))
            .map_err(|(cmd, _)| Box::new(cmd))?;
        Ok(urgent && (!self.woken.swap(true, SeqCst) || binds))
    }
}

/// The worker's end of its [`Inbox`]. After a turn that found commands
/// the worker *lingers*: it keeps `woken` set, so senders write no eventfd,
/// and waits at most [`LINGER`](Self::LINGER) before it looks at the queue
/// again. While calls are set up faster than one per `LINGER` the worker
/// thus wakes once per `LINGER` rather than once per command or two (each
/// wake-up an eventfd write on the signalling thread and a sleep and wake
/// on the worker: ~10 µs of CPU per call at 4,000 calls/s in this VM). A
/// linger that finds nothing ends it: an idle worker sleeps until woken.
/// It also drains the queue right after each wait, before it handles what
/// woke it, so a packet reaching a call's socket while its command waited
/// finds the call.
#[derive(Debug)]
pub struct Mailbox {
    /// The queue, shared with signalling.
    pub inbox: Arc<Inbox>,
    /// Commands taken since the last [`after_drain`](Self::after_drain).
    took: usize,
    /// When the command taken last was queued.
    queued_ns: u64,
    lingering: bool,
}

impl Mailbox {
    /// How long a lingering worker may leave a command queued: a call's
    /// sockets are taken (or bound) at most this late, well within the
    /// round trip before its peers can send to them.
    pub const LINGER: Duration = Duration::from_millis(1);

    /// The worker's end of `inbox`, not lingering.
    pub fn new(inbox: Arc<Inbox>) -> Self {
        Mailbox {
            inbox,
            took: 0,
            queued_ns: 0,
            lingering: false,
        }
    }

    /// The next command, if any.
    pub fn pop(&mut self) -> Option<MediaCommand> {
        let (cmd, at) = self.inbox.queue.pop()?;
        (self.took, self.queued_ns) = (self.took + 1, at);
        Some(cmd)
    }

    /// When the command taken last was queued (CLOCK_REALTIME ns): what
    /// reached a call's socket after that is the call's, even if it came
    /// before the worker took the command.
    pub fn queued_ns(&self) -> u64 {
        self.queued_ns
    }

    /// Called before the drain that starts a turn: unless lingering,
    /// clears `woken`, so that a command pushed from now on wakes the
    /// worker.
    pub fn before_drain(&self) {
        if !self.lingering {
            self.inbox.woken.store(false, SeqCst);
        }
    }

    /// Called after that drain; whether to drain once more. A linger in
    /// which no command was taken (right after the last wait included)
    /// ends here and `woken` is cleared: a command pushed before the
    /// clearing woke no one, so the queue is looked at again.
    pub fn after_drain(&mut self) -> bool {
        let took = std::mem::take(&mut self.took);
        let (was, ended) = (self.lingering, self.lingering && took == 0);
        self.lingering = took > 0;
        if ended {
            self.inbox.woken.store(false, SeqCst);
        } else if self.lingering && !was {
            // Set until the linger ends: senders only ever set it.
            self.inbox.woken.store(true, SeqCst);
        }
        ended
    }

    /// The longest the turn may wait: `wait`, or less while lingering.
    pub fn wait(&self, wait: Duration) -> Duration {
        if self.lingering { wait.min(Self::LINGER) } else { wait }
    }
}

#[path = "parked_ports.rs"]
mod parked_ports;
pub use parked_ports::ParkedPorts;

#[cfg(test)]
#[path = "inbox_tests.rs"]
mod tests;
