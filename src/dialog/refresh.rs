//! Target refresh (RFC 3261 §12.2: a re-INVITE or UPDATE, or a 2xx to
//! ours, with a Contact moves the dialog's remote target): what lets a
//! node taking over a call (issue #19), or a phone that changed address,
//! receive the dialog's next requests.

use super::Dialog;
use crate::sip;

impl Dialog {
    /// Takes the Contact in `headers`, if any, as the remote target;
    /// whether it changed. A flow the dialog kept to (the peer's
    /// connection, or its public address behind NAT) belongs to the old
    /// target's address: a target elsewhere drops it.
    pub fn refresh_target(&mut self, headers: &crate::sip::Message) -> bool {
        let Some(contact) = headers.header("Contact").map(sip::uri_of) else {
            return false;
        };
        if contact.is_empty() || contact == &*self.remote_target {
            return false;
        }
        if sip::uri_peer(contact, self.fallback.transport)
            != sip::uri_peer(&self.remote_target, self.fallback.transport)
        {
            self.flow = None;
            self.resolved = None;
        }
        self.remote_target = contact.into();
        true
    }
}
