//! Requests from the network: new INVITEs go to `uas`, in-dialog requests
//! to their call, the rest are answered here (OPTIONS 200, 481, 405).

use super::{CallState, EndReason, SessionEvent, UserAgent};
use crate::ids::{CallId, Peer, TxId};
use crate::sip::{self, Incoming, Method, SipMessage};
use std::time::Instant;

impl UserAgent {
    pub(super) fn on_request(&mut self, now: Instant, tx: TxId, req: Incoming, peer: Peer) {
        let SipMessage::Request(r) = &req.msg else {
            return;
        };
        if let Some(tag) = req.core.to_tag.clone() {
            return self.on_in_dialog(now, tx, req, tag);
        }
        let tag = sip::new_token(&mut self.rng);
        if let Some(refusal) = super::checks::check(r) {
            self.stats.calls_failed += u64::from(r.method == Method::Invite);
            let mut resp = crate::dialog::response_in(r, refusal.status, Some(refusal.reason), &tag, None);
            if let Some((name, value)) = refusal.header {
                resp.headers.push(sip::Header::Other(name.into(), value));
            }
            self.txs.respond(now, tx, resp);
            return;
        }
        match r.method {
            Method::Invite => self.on_new_invite(now, tx, req, peer),
            Method::Options => self.reply(now, tx, r, 200, &tag),
            Method::Bye | Method::Info | Method::Update | Method::PRack => self.reply(now, tx, r, 481, &tag),
            _ => self.reply(now, tx, r, 405, &tag),
        }
    }

    fn on_in_dialog(&mut self, now: Instant, tx: TxId, req: Incoming, tag: String) {
        let SipMessage::Request(r) = &req.msg else {
            return;
        };
        let key = (req.core.call_id.clone(), tag.clone());
        let Some(&id) = self.dialogs.get(&key) else {
            return self.reply(now, tx, r, 481, &tag);
        };
        let call = self
            .calls
            .get_mut(&id)
            .expect("invariant: dialog index names a live call");
        let dialog = call.dialog.as_mut().expect("invariant: indexed calls have a dialog");
        if !dialog.accept_remote_seq(req.core.cseq, r.method) {
            return self.reply(now, tx, r, 500, &tag);
        }
        match r.method {
            Method::Bye => {
                self.reply(now, tx, r, 200, &tag);
                self.finish(id, Some(SessionEvent::Ended(id, EndReason::RemoteBye)));
            }
            Method::Invite => self.on_reinvite(now, tx, id, req),
            Method::Options | Method::Info | Method::Update | Method::Notify => self.reply(now, tx, r, 200, &tag),
            _ => self.reply(now, tx, r, 405, &tag),
        }
    }

    pub(super) fn on_cancel(&mut self, now: Instant, tx: TxId, req: Incoming, invite: Option<TxId>) {
        let SipMessage::Request(r) = &req.msg else {
            return;
        };
        let tag = sip::new_token(&mut self.rng);
        let Some(invite) = invite else {
            return self.reply(now, tx, r, 481, &tag);
        };
        self.reply(now, tx, r, 200, &tag);
        let Some(&id) = self.tx_calls.get(&invite) else {
            return;
        };
        if self.txs.is_answered(invite) {
            return;
        }
        if let Some(call) = self.calls.get(&id) {
            if let Some(inv) = call.invite.as_ref().and_then(|i| match &i.msg {
                SipMessage::Request(r) => Some(r.clone()),
                SipMessage::Response(_) => None,
            }) {
                let tag = call.local_tag.clone();
                self.reply(now, invite, &inv, 487, &tag);
            }
        }
        self.finish(id, Some(SessionEvent::Ended(id, EndReason::Cancelled)));
    }

    pub(super) fn on_ack(&mut self, _now: Instant, req: Incoming) {
        let Some(tag) = req.core.to_tag.clone() else {
            return;
        };
        let Some(&id) = self.dialogs.get(&(req.core.call_id.clone(), tag)) else {
            return;
        };
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        if call.ok.as_ref().is_some_and(|ok| ok.cseq == req.core.cseq) {
            call.ok = None;
        }
        let answer = super::uac::body_sdp(&req.msg);
        let late_answer = answer.is_some();
        if let Some(sdp) = answer {
            call.remote_sdp = Some(sdp);
        }
        if call.state == CallState::Answering {
            call.state = CallState::Connected;
            call.answered = Some(self.now);
            self.stats.calls_answered += 1;
            self.events.push_back(SessionEvent::Answered(id));
        }
        if late_answer {
            self.update_media(id);
        }
        // A hold or resume asked for while our 2xx awaited this ACK.
        self.send_wanted(_now, id);
    }

    pub(super) fn on_tx_timeout(&mut self, _now: Instant, tx: TxId) {
        let Some(id) = self.tx_calls.remove(&tx) else {
            return;
        };
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        if call.invite_tx == Some(tx) && matches!(call.state, CallState::Calling | CallState::Early) {
            if self.try_next_target(_now, id) {
                return;
            }
            return self.finish(id, Some(SessionEvent::Failed(id, crate::status::StatusCode::REQUEST_TIMEOUT)));
        }
        if call.state == CallState::Connected && call.pending.is_none() {
            self.finish(id, Some(SessionEvent::Ended(id, EndReason::Timeout)));
        } else if call.pending.take().is_some_and(|p| p.tx == tx) {
            self.dialog_lost(_now, id, true);
        }
    }

    /// §12.2.1.2: a 408 (or a timeout) or a 481 to an in-dialog request
    /// ends the dialog; after a 481 the peer has none left to BYE.
    pub(super) fn dialog_lost(&mut self, now: Instant, id: CallId, bye: bool) {
        if bye {
            self.send_bye(now, id);
        }
        self.finish(id, Some(SessionEvent::Ended(id, EndReason::Timeout)));
    }
}
