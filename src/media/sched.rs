//! Where a media worker thread runs: pinned to a core, and optionally at a
//! real-time priority (SCHED_FIFO), as Asterisk's `-p` and FreeSWITCH's
//! `-rp` offer, so that a packet waiting in a socket is relayed as soon as
//! it arrives instead of after whatever else holds the core. Either may be
//! refused (no CAP_SYS_NICE, a cgroup without real-time budget): the worker
//! says so once for the whole plane and runs without.

use std::sync::atomic::{AtomicBool, Ordering::Relaxed};

/// Places the calling thread. `realtime` is a SCHED_FIFO priority (1–99;
/// 0 leaves the normal scheduler). `warned_*` make each refusal logged once.
pub fn place_current(
    core: Option<core_affinity::CoreId>,
    realtime: u8,
    warned_pin: &AtomicBool,
    warned_rt: &AtomicBool,
) {
    if let Some(core) = core
        && !core_affinity::set_for_current(core)
        && !warned_pin.swap(true, Relaxed)
    {
        tracing::warn!("media workers could not be pinned to cores; running unpinned");
    }
    if realtime > 0 {
        let param = libc::sched_param {
            sched_priority: i32::from(realtime.min(99)),
        };
        // SAFETY: pid 0 is the calling thread; `param` is a valid struct.
        let rc = unsafe { libc::sched_setscheduler(0, libc::SCHED_FIFO, &param) };
        if rc != 0 && !warned_rt.swap(true, Relaxed) {
            tracing::warn!(
                "media workers could not take real-time priority {realtime}: {}; running at normal priority",
                std::io::Error::last_os_error()
            );
        }
    }
}
