//! A call's own timers, each with its RFC name and section, in a small
//! table. The UA core's heap holds one entry per call, for the earliest
//! of its armed timers; when it pops, the table says which timers are due
//! (a cancelled or re-armed timer's old entry fires nothing), and the
//! call goes back in the heap for the next. A timer cancelled early (our
//! 2xx ACKed long before its 64·T1) costs no entry of its own.

use super::Call;
use crate::session::context::CallContext;
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
    /// We refresh the session (RFC 4028 §10): at half its interval.
    SessionRefresh,
    /// No refresh came in time (RFC 4028 §10: the interval less a third
    /// of it, or 32 s if less): BYE.
    SessionExpiry,
}

impl CallTimer {
    /// Every timer, in the order they fire when due together (giving up
    /// on the 2xx before resending it).
    pub const ALL: [CallTimer; 5] = [
        CallTimer::OkTimeout,
        CallTimer::OkRetransmit,
        CallTimer::ReinviteRetry,
        CallTimer::SessionExpiry,
        CallTimer::SessionRefresh,
    ];
}

/// When each of a call's timers is due, if armed.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct CallTimers {
    at: [Option<Instant>; CallTimer::ALL.len()],
    /// The instant the call's heap entry is for, if it has one.
    queued: Option<Instant>,
}

impl CallTimers {
    /// Arms `timer` for `at` (replacing an earlier arming); the instant
    /// to put the call in the heap for, when it is earlier than its entry.
    #[must_use]
    pub fn set(&mut self, timer: CallTimer, at: Instant) -> Option<Instant> {
        self.at[timer as usize] = Some(at);
        self.requeue_if_earlier(at)
    }

    /// A heap entry of the call's, for `at`, popped: whether it is the
    /// live one (then the call has none until [`Self::requeue`]), not a
    /// stale one a sooner arming replaced.
    pub fn popped(&mut self, at: Instant) -> bool {
        let live = self.queued == Some(at);
        if live {
            self.queued = None;
        }
        live
    }

    /// After the due timers fired: the instant to put the call back in
    /// the heap for, if any timer is armed and no entry covers it.
    #[must_use]
    pub fn requeue(&mut self) -> Option<Instant> {
        let next = self.at.iter().flatten().min().copied()?;
        self.requeue_if_earlier(next)
    }

    fn requeue_if_earlier(&mut self, at: Instant) -> Option<Instant> {
        let earlier = self.queued.is_none_or(|q| at < q);
        if earlier {
            self.queued = Some(at);
        }
        earlier.then_some(at)
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

impl Call {
    /// Its heap entry for `at` came due: fire whichever of its timers are
    /// due, then go back in the heap for the next. An entry it no longer
    /// has (one a sooner arming replaced) does nothing.
    pub fn handle_timers(&mut self, ctx: &mut CallContext, now: Instant, at: Instant) {
        if !self.timers.popped(at) {
            return;
        }
        for timer in CallTimer::ALL {
            if self.ended.is_some() || !self.timers.take_due(timer, now) {
                continue;
            }
            match timer {
                CallTimer::OkRetransmit => self.on_ok_retransmit(ctx, now),
                CallTimer::OkTimeout => self.on_ok_timeout(ctx, now),
                CallTimer::ReinviteRetry => self.send_wanted(ctx, now),
                CallTimer::SessionRefresh => self.refresh_session(ctx, now),
                CallTimer::SessionExpiry => self.session_expired(ctx, now),
            }
        }
        if let Some(at) = self.timers.requeue().filter(|_| self.ended.is_none()) {
            ctx.arm(self.id, at);
        }
    }
}
