//! Ending calls: reject while offered, CANCEL while ringing (once a
//! provisional arrived, §9.1), BYE once established.

use super::{CallState, EndReason, SessionEvent, UserAgent};
use crate::dialog::Dialog;
use crate::ids::CallId;
use crate::sip::{self, Method};
use crate::transaction;
use std::time::Instant;

impl UserAgent {
    pub(super) fn end(&mut self, now: Instant, id: CallId) {
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        match call.state {
            CallState::Offered => self.reject(now, id, crate::status::StatusCode::TEMPORARILY_UNAVAILABLE),
            CallState::Calling | CallState::Early => {
                call.cancel_requested = true;
                self.send_cancel(now, id);
            }
            CallState::Answering | CallState::Connected => {
                self.send_bye(now, id);
                self.finish(id, Some(SessionEvent::Ended(id, EndReason::LocalBye)));
            }
        }
    }

    pub(super) fn send_cancel(&mut self, now: Instant, id: CallId) {
        let Some(call) = self.calls.get_mut(&id).filter(|c| !c.cancel_sent) else {
            return;
        };
        let Some(invite) = call.invite_tx.and_then(|tx| self.txs.cancellable_invite(tx)) else {
            return;
        };
        call.cancel_sent = true;
        let cancel = transaction::derived(invite, Method::Cancel, None);
        let peer = call.peer;
        self.txs.send_request(now, peer, cancel);
    }

    pub(super) fn send_bye(&mut self, now: Instant, id: CallId) {
        let Some(mut dialog) = self.calls.get_mut(&id).and_then(|c| c.dialog.take()) else {
            return;
        };
        self.send_bye_on(now, &mut dialog);
        if let Some(c) = self.calls.get_mut(&id) {
            c.dialog = Some(dialog);
        }
    }

    pub(super) fn send_bye_on(&mut self, now: Instant, dialog: &mut Dialog) {
        let transport = dialog.transport();
        let (via, contact) = (self.via(transport), self.contact(transport));
        if let Ok(req) = sip::request(&dialog.request(Method::Bye, via, &contact, None)) {
            self.txs.send_request(now, dialog.next_hop(), req);
        }
    }
}
