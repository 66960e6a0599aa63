//! A call to a registered user with several Contacts (RFC 3261 §16.7, as
//! a B2BUA does it): every Contact is called at once, the caller hears
//! ringing, the first leg to answer is bridged and the others cancelled; a
//! 6xx from any leg ends them all, and when every leg has failed the
//! caller gets the best failure (a 6xx, else the lowest class).

use super::{Gateway, Leg, route};
use crate::ids::CallId;
use crate::session::{Command, Outbound};
use crate::status::StatusCode;
use std::time::Instant;

/// The legs of an inbound call still racing to answer it.
#[derive(Debug, Default)]
pub(super) struct Fork {
    legs: Vec<CallId>,
    /// The best failure so far.
    best: Option<StatusCode>,
}

/// Which failure the caller hears (§16.7 step 6): 6xx first, then the
/// lowest class.
fn rank(s: StatusCode) -> u16 {
    if s.code() >= 600 { 0 } else { s.code() / 100 }
}

impl Gateway {
    /// Calls each of `outs` for inbound call `a` at once.
    pub(super) fn fork(&mut self, now: Instant, a: CallId, outs: Vec<Outbound>, transfer: bool) {
        self.stats.bridged += 1;
        let epoch = self.epoch;
        let leg = |other, inbound| Leg::new(epoch, now, other, inbound, transfer);
        self.insert(a, leg(None, true));
        let mut fork = Fork::default();
        for out in outs {
            let b = self.new_outbound_id();
            self.insert(b, leg(Some(a), false));
            self.commands.push_back(Command::Fork {
                b,
                a,
                out: Box::new(out),
            });
            fork.legs.push(b);
        }
        self.forks.insert(a, fork);
    }

    /// The inbound call outbound leg `b` races for, while it races.
    pub(super) fn forking_partner(&self, b: CallId) -> Option<CallId> {
        let a = self.legs.get(&b).filter(|l| !l.inbound)?.other()?;
        self.forks.contains_key(&a).then_some(a)
    }

    /// Leg `b` answered forking call `a` first: it is bridged, the others
    /// are cancelled.
    pub(super) fn fork_answered(&mut self, a: CallId, b: CallId) {
        let Some(fork) = self.forks.remove(&a) else { return };
        self.cancel(fork.legs.into_iter().filter(|l| *l != b));
        if let Some(l) = self.legs.get_mut(&a) {
            l.set_other(Some(b));
        }
        self.commands.push_back(Command::Join { a, b });
    }

    /// Leg `b` of forking call `a` failed with `status`.
    pub(super) fn fork_failed(&mut self, a: CallId, b: CallId, status: StatusCode) {
        let Some(fork) = self.forks.get_mut(&a) else { return };
        fork.legs.retain(|l| *l != b);
        if fork.best.is_none_or(|best| rank(status) < rank(best)) {
            fork.best = Some(status);
        }
        if status.code() >= 600 || fork.legs.is_empty() {
            let fork = self.forks.remove(&a).unwrap_or_default();
            self.cancel(fork.legs.into_iter());
            let status = route::caller_status(fork.best.unwrap_or(status), StatusCode::FORBIDDEN);
            self.commands.push_back(Command::Reject(a, status));
        }
    }

    /// Inbound call `x` ended while its legs raced (its caller cancelled):
    /// they are all cancelled.
    pub(super) fn fork_abandoned(&mut self, x: CallId) {
        if let Some(fork) = self.forks.remove(&x) {
            self.cancel(fork.legs.into_iter());
        }
    }

    /// Ends legs that lost (their later events concern no one).
    fn cancel(&mut self, legs: impl Iterator<Item = CallId>) {
        for l in legs {
            self.legs.remove(&l);
            self.commands.push_back(Command::End(l));
        }
    }
}
