//! A call's own timers, each with its RFC name and section, in a small
//! table: the UA core's heap only says "call X, timer T, around then";
//! the table says whether that timer is still armed for then, so a
//! re-armed or cancelled timer's old heap entry fires nothing.

use std::time::Instant;

/// Which of a call's timers fired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum CallTimer {
    /// Our 2xx to an INVITE is resent until the ACK (§13.3.1.4: T1
    /// doubling up to T2; unreliable transports only).
    OkRetransmit,
    /// No ACK for our 2xx after 64·T1 (§13.3.1.4): the call is hung up.
    OkTimeout,
    /// Our re-INVITE met a 491 (glare) or a 500/503 with Retry-After: it
    /// is tried again after the back-off of §14.1, or when the peer said.
    ReinviteRetry,
}

const COUNT: usize = 3;

/// When each of a call's timers is due, if armed.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct CallTimers {
    at: [Option<Instant>; COUNT],
}

impl CallTimers {
    /// Arms `timer` for `at` (replacing an earlier arming).
    pub fn set(&mut self, timer: CallTimer, at: Instant) {
        self.at[timer as usize] = Some(at);
    }

    /// Disarms `timer`.
    pub fn clear(&mut self, timer: CallTimer) {
        self.at[timer as usize] = None;
    }

    /// Whether `timer` is armed.
    pub fn is_set(&self, timer: CallTimer) -> bool {
        self.at[timer as usize].is_some()
    }

    /// Whether `timer` is armed and due at `now`; if so it is disarmed
    /// (its handler re-arms it if it must fire again).
    pub fn take_due(&mut self, timer: CallTimer, now: Instant) -> bool {
        let slot = &mut self.at[timer as usize];
        let due = slot.is_some_and(|at| at <= now);
        if due {
            *slot = None;
        }
        due
    }
}
