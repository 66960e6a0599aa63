//! Where the media worker threads run: pinned to a core, and optionally at
//! a real-time priority (SCHED_FIFO), as Asterisk's `-p` and FreeSWITCH's
//! `-rp` offer, so that a packet waiting in a socket is relayed as soon as
//! it arrives instead of after whatever else holds the core. Either may be
//! refused (no CAP_SYS_NICE, a cgroup without real-time budget): the plane
//! says so once for all its workers and they run without.

use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

/// The placement every worker of one plane asks for, shared by their
/// threads so that each kind of refusal is logged once.
#[derive(Debug)]
pub struct ThreadPlacement {
    /// SCHED_FIFO priority (1–99; 0 leaves the normal scheduler).
    realtime: u8,
    warned_pin: AtomicBool,
    warned_realtime: AtomicBool,
}

impl ThreadPlacement {
    /// Workers at SCHED_FIFO priority `realtime` (0: normal scheduling).
    pub fn new(realtime: u8) -> Self {
        ThreadPlacement {
            realtime,
            warned_pin: AtomicBool::new(false),
            warned_realtime: AtomicBool::new(false),
        }
    }

    /// Places the calling thread: on `core` (none: unpinned), at the
    /// plane's priority. Call first thing on each worker thread.
    pub fn apply(&self, core: Option<core_affinity::CoreId>) {
        if let Some(core) = core
            && !core_affinity::set_for_current(core)
            && !self.warned_pin.swap(true, Relaxed)
        {
            tracing::warn!("media workers could not be pinned to cores; running unpinned");
        }
        if self.realtime > 0 {
            let param = libc::sched_param {
                sched_priority: i32::from(self.realtime.min(99)),
            };
            // SAFETY: pid 0 is the calling thread; `param` is a valid struct.
            let rc = unsafe { libc::sched_setscheduler(0, libc::SCHED_FIFO, &param) };
            if rc != 0 && !self.warned_realtime.swap(true, Relaxed) {
                tracing::warn!(
                    "media workers could not take real-time priority {}: {}; running at normal priority",
                    self.realtime,
                    std::io::Error::last_os_error()
                );
            }
        }
    }
}
