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
    /// Our reliable provisional is resent until its PRACK (RFC 3262 §3).
    ProvisionalRetransmit,
}

impl CallTimer {
    /// Every timer, in the order they fire when due together (giving up
    /// on the 2xx before resending it).
    pub const ALL: [CallTimer; 6] = [
        CallTimer::OkTimeout,
        CallTimer::OkRetransmit,
        CallTimer::ReinviteRetry,
        CallTimer::SessionExpiry,
        CallTimer::SessionRefresh,
        CallTimer::ProvisionalRetransmit,
    ];
}

/// When each of a call's timers is due, if armed: nanoseconds after the
/// call's start, plus one (0: not armed), so the table takes 56 bytes of
/// every held call, not the 112 of `Option<Instant>`s.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct CallTimers {
    at: [u64; CallTimer::ALL.len()],
    /// The instant the call's heap entry is for, if it has one (same form).
    queued: u64,
}

/// `at` as a table entry, counted from `base` (never 0: an instant before
/// `base` counts as `base`).
fn entry(base: Instant, at: Instant) -> u64 {
    u64::try_from(at.saturating_duration_since(base).as_nanos()).map_or(u64::MAX, |n| n.saturating_add(1))
}

/// The instant of table entry `e` (not 0), counted from `base`.
fn instant(base: Instant, e: u64) -> Instant {
    base + std::time::Duration::from_nanos(e - 1)
}

impl CallTimers {
    /// Arms `timer` for `at` (replacing an earlier arming) on a call that
    /// started at `base`; the instant to put the call in the heap for,
    /// when it is earlier than its entry.
    #[must_use]
    pub fn set(&mut self, base: Instant, timer: CallTimer, at: Instant) -> Option<Instant> {
        let e = entry(base, at);
        self.at[timer as usize] = e;
        self.requeue_if_earlier(e).then(|| instant(base, e))
    }

    /// A heap entry of the call's, for `at`, popped: whether it is the
    /// live one (then the call has none until [`Self::requeue`]), not a
    /// stale one a sooner arming replaced.
    pub fn popped(&mut self, base: Instant, at: Instant) -> bool {
        let live = self.queued != 0 && self.queued == entry(base, at);
        if live {
            self.queued = 0;
        }
        live
    }

    /// After the due timers fired: the instant to put the call back in
    /// the heap for, if any timer is armed and no entry covers it.
    #[must_use]
    pub fn requeue(&mut self, base: Instant) -> Option<Instant> {
        let next = self.at.iter().copied().filter(|&e| e != 0).min()?;
        self.requeue_if_earlier(next).then(|| instant(base, next))
    }

    fn requeue_if_earlier(&mut self, e: u64) -> bool {
        let earlier = self.queued == 0 || e < self.queued;
        if earlier {
            self.queued = e;
        }
        earlier
    }

    /// Disarms `timer`.
    pub fn clear(&mut self, timer: CallTimer) {
        self.at[timer as usize] = 0;
    }

    /// Whether `timer` is armed.
    pub fn is_set(&self, timer: CallTimer) -> bool {
        self.at[timer as usize] != 0
    }

    /// Whether `timer` is armed and due at `now`; if so it is disarmed
    /// (its handler re-arms it if it must fire again).
    pub fn take_due(&mut self, base: Instant, timer: CallTimer, now: Instant) -> bool {
        let slot = &mut self.at[timer as usize];
        let due = *slot != 0 && *slot <= entry(base, now);
        if due {
            *slot = 0;
        }
        due
    }
}

impl Call {
    /// Its heap entry for `at` came due: fire whichever of its timers are
    /// due, then go back in the heap for the next. An entry it no longer
    /// has (one a sooner arming replaced) does nothing.
    pub fn handle_timers(&mut self, ctx: &mut CallContext, now: Instant, at: Instant) {
        if !self.timers.popped(self.started, at) {
            return;
        }
        for timer in CallTimer::ALL {
            if self.ended.is_some() || !self.timers.take_due(self.started, timer, now) {
                continue;
            }
            match timer {
                CallTimer::OkRetransmit => self.on_ok_retransmit(ctx, now),
                CallTimer::OkTimeout => self.on_ok_timeout(ctx, now),
                CallTimer::ReinviteRetry => self.send_wanted(ctx, now),
                CallTimer::SessionRefresh => self.refresh_session(ctx, now),
                CallTimer::SessionExpiry => self.session_expired(ctx, now),
                CallTimer::ProvisionalRetransmit => self.on_provisional_retransmit(ctx, now),
            }
        }
        if let Some(at) = self.timers.requeue(self.started).filter(|_| self.ended.is_none()) {
            ctx.arm(self.id, at);
        }
    }
}
