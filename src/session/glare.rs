//! One re-INVITE at a time per dialog (RFC 3261 §14.1): a hold or resume
//! asked for while another re-INVITE is in progress (ours, or the peer's
//! awaiting our 2xx's ACK) waits and goes out when it completes; a 491
//! (glare) is retried after the back-off the RFC gives.

use super::{Role, UserAgent};
use crate::ids::CallId;
use rand::Rng;
use std::time::{Duration, Instant};

impl UserAgent {
    /// Our re-INVITE met a 491: retry after 2.1–4 s if we made the
    /// Call-ID, else after 0–2 s, in 10 ms steps.
    pub(super) fn back_off(&mut self, now: Instant, id: CallId, hold: bool) {
        let tens = match self.calls.get(&id).map(|c| c.role) {
            Some(Role::Uac) => self.rng.gen_range(210..=400),
            Some(Role::Uas) => self.rng.gen_range(0..=200),
            None => return,
        };
        let at = now + Duration::from_millis(tens * 10);
        if let Some(call) = self.calls.get_mut(&id) {
            call.wanted.get_or_insert(hold);
            call.retry_at = Some(at);
            self.heap.push(at, id);
        }
    }

    /// Sends the hold or resume asked for while another re-INVITE was in
    /// progress, if it is still wanted and nothing else is in the way.
    pub(super) fn send_wanted(&mut self, now: Instant, id: CallId) {
        let Some(call) = self.calls.get_mut(&id) else { return };
        if call.pending.is_some() || call.ok.is_some() || call.retry_at.is_some() {
            return;
        }
        if let Some(hold) = call.wanted.take() {
            self.reinvite(now, id, hold);
        }
    }

    /// A call timer fired: the 491 back-off may be over.
    pub(super) fn on_retry_timer(&mut self, now: Instant, id: CallId) {
        let Some(call) = self.calls.get_mut(&id) else { return };
        if call.retry_at.is_some_and(|t| t <= now) {
            call.retry_at = None;
            self.send_wanted(now, id);
        }
    }
}
