//! Legs paired anew (a transfer): the gateway's links between them, and
//! which of them counts as the call's inbound leg.

use super::Gateway;
use crate::ids::CallId;
use crate::session::Command;

impl Gateway {
    /// Bridges `keep` and `new` here, hangs up `leaving` (their old
    /// partners): the pair stays counted as one inbound call if any was.
    pub(super) fn pair(&mut self, keep: CallId, new: CallId, leaving: &[CallId]) {
        for (a, b) in [(keep, new), (new, keep)] {
            if let Some(l) = self.legs.get_mut(&a) {
                l.set_other(Some(b));
            }
        }
        for x in leaving {
            if let Some(l) = self.legs.get_mut(x) {
                l.set_other(None);
            }
            self.hand_inbound(*x, keep);
            self.commands.push_back(Command::End(*x));
        }
    }

    /// Leg `from` is leaving its call to `to`: if it was the inbound leg
    /// and the call has none left, `to` counts as the call's inbound leg.
    pub(super) fn hand_inbound(&mut self, from: CallId, to: CallId) {
        let inbound = |g: &Self, id| g.legs.get(&id).is_some_and(|l| l.inbound);
        let partner = self.legs.get(&to).and_then(|l| l.other());
        if inbound(self, from) && !inbound(self, to) && !partner.is_some_and(|p| inbound(self, p)) {
            for (id, v) in [(from, false), (to, true)] {
                if let Some(l) = self.legs.get_mut(&id) {
                    l.inbound = v;
                }
            }
        }
    }
}
