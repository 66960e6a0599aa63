//! Submitting and waiting: what a turn queued goes out with the wait for
//! the next completions, which may first be polled for a short window
//! (`WorkerConfig::busy_poll`) instead of sleeping at once.

use super::Ring;
use io_uring::types::{SubmitArgs, Timespec};
use std::io;
use std::time::{Duration, Instant};

/// `IORING_ENTER_GETEVENTS`: the ring's deferred work (the datagrams that
/// arrived, DEFER_TASKRUN) is run into completions.
const GETEVENTS: u32 = 1;

impl Ring {
    /// Submits what is queued.
    pub fn submit(&mut self) {
        if self.queued > 0 {
            let _ = self.uring.submit();
            self.queued = 0;
        }
    }

    /// Submits what is queued and waits up to `wait` for a completion,
    /// polling for one without sleeping for the first `spin` of it.
    pub fn wait(&mut self, wait: Duration, spin: Duration) -> io::Result<()> {
        if !spin.is_zero() && !wait.is_zero() && self.poll_for(spin.min(wait))? {
            return Ok(());
        }
        let ts = Timespec::from(wait);
        let args = SubmitArgs::new().timespec(&ts);
        self.queued = 0;
        match self.uring.submitter().submit_with_args(1, &args) {
            Ok(_) => Ok(()),
            Err(e) if matches!(e.raw_os_error(), Some(libc::ETIME | libc::EINTR | libc::EBUSY)) => Ok(()),
            Err(e) => Err(e),
        }
    }

    /// Submits what is queued, then asks the kernel for completions
    /// without sleeping until one is there or `window` has passed; says
    /// whether one came.
    fn poll_for(&mut self, window: Duration) -> io::Result<bool> {
        self.submit();
        let until = Instant::now() + window;
        loop {
            // SAFETY: no argument is passed (a null pointer of size 0).
            match unsafe { self.uring.submitter().enter::<libc::sigset_t>(0, 0, GETEVENTS, None) } {
                Ok(_) => {}
                Err(e) if matches!(e.raw_os_error(), Some(libc::EINTR | libc::EBUSY)) => {}
                Err(e) => return Err(e),
            }
            if !self.uring.completion().is_empty() {
                return Ok(true);
            }
            if Instant::now() >= until {
                return Ok(false);
            }
            std::hint::spin_loop();
        }
    }
}
