//! Bridges taken over from a node that died (issue #19): the gateway
//! looks after their legs as after its own.

use super::{Gateway, Leg};
use crate::ids::CallId;
use std::time::Instant;

impl Gateway {
    /// The UA core restored a bridge: incoming leg `a`, outgoing leg `b`
    /// (whose route let it be transferred if `transfer`). It counts
    /// against `max_calls` like any call in progress.
    pub(crate) fn adopted(&mut self, now: Instant, a: CallId, b: CallId, transfer: bool) {
        let epoch = self.epoch;
        let leg = |other, inbound| {
            let mut leg = Leg::new(epoch, now, Some(other), inbound, transfer);
            leg.answered = true;
            leg
        };
        self.admission.take();
        self.insert(a, leg(b, true));
        self.insert(b, leg(a, false));
    }

    /// Whether leg `id`'s call may be transferred (true for one we do not
    /// know).
    pub(crate) fn transfer_allowed(&self, id: CallId) -> bool {
        self.legs.get(&id).is_none_or(|l| l.transfer)
    }
}
