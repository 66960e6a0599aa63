//! The calling side: place a call, follow its responses (ringing, forked
//! 2xx, failure), ACK 2xx, cancel and hang up.

use super::{Call, CallState, EndReason, Outbound, Role, SessionEvent, UserAgent};
use crate::dialog::Dialog;
use crate::ids::{CallId, TxId};
use crate::sdp::{self, Direction};
use crate::status::StatusCode;
use crate::sip::{self, Incoming, Method, RequestSpec, SipMessage};
use std::time::Instant;

impl UserAgent {
    /// Sends the INVITE of a new outgoing call whose media will belong to
    /// call `owner` (itself, or the bridge's A side); false (and `Failed`)
    /// when it cannot.
    pub(super) fn make_call(&mut self, now: Instant, id: CallId, owner: CallId, out: &Outbound) -> bool {
        let uri = out.uri.as_str();
        let Some(peer) = sip::uri_peer(uri, out.transport) else {
            self.events.push_back(SessionEvent::Failed(id, StatusCode::UNSUPPORTED_URI_SCHEME));
            return false;
        };
        let Some(port) = self.ports.take(now, self.shard(owner)) else {
            self.events.push_back(SessionEvent::Failed(id, StatusCode::SERVICE_UNAVAILABLE));
            return false;
        };
        let tag = sip::new_token(&mut self.rng);
        // A Call-ID that hashes to this shard, so the replies come here.
        let call_id = loop {
            let mut c = sip::new_token(&mut self.rng);
            c.push('@');
            c.push_str(&self.local.ip);
            if sip::shard_of(c.as_bytes(), self.cfg.shards) == self.cfg.shard {
                break c;
            }
        };
        let codecs = if out.codecs.is_empty() {
            &self.cfg.codecs
        } else {
            &out.codecs
        };
        let offer = sdp::offer(codecs, self.cfg.media_addr, port, Direction::SendRecv, id.0, 1);
        let spec = RequestSpec {
            method: Method::Invite,
            uri: sip::uri_of(uri).to_owned(),
            via: self.via(peer.transport),
            from: {
                let user = if out.from_user.is_empty() {
                    &self.cfg.user
                } else {
                    &out.from_user
                };
                ["<sip:", user, "@", &self.local.hostport, ">;tag=", &tag].concat()
            },
            to: ["<", sip::uri_of(uri), ">"].concat(),
            call_id,
            cseq: 1,
            contact: Some(self.contact(peer.transport)),
            route: Vec::new(),
            extra: Vec::new(),
        };
        let Ok(req) = sip::request_with_body(&spec, "application/sdp", sdp::render(&offer).into_bytes()) else {
            self.ports.give_back(now, port);
            self.events.push_back(SessionEvent::Failed(id, StatusCode::UNSUPPORTED_URI_SCHEME));
            return false;
        };
        let req = std::sync::Arc::new(req);
        let tx = self.txs.send_invite(now, peer, req.clone());
        let mut call = Call::new(id, Role::Uac, peer, tag, port, now);
        call.media = out.media;
        call.local_sdp = Some(offer);
        call.request = Some(req);
        call.invite_tx = Some(tx);
        self.tx_calls.insert(tx, id);
        self.calls.insert(id, Box::new(call));
        self.open_record(id);
        self.stats.calls_total += 1;
        true
    }

    pub(super) fn on_response(&mut self, now: Instant, tx: TxId, resp: Incoming) {
        let Some(&id) = self.tx_calls.get(&tx) else {
            return;
        };
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        if call.invite_tx != Some(tx) {
            return self.on_reinvite_response(now, id, resp);
        }
        let SipMessage::Response(r) = &resp.msg else {
            return;
        };
        match r.status_code.code() {
            code @ 100..=199 => {
                if code > 100 && call.state == CallState::Calling {
                    self.events.push_back(SessionEvent::Ringing(id));
                    call.state = CallState::Early;
                }
                let cancel = call.cancel_requested;
                if let Some(remote) = body_sdp(&resp.msg) {
                    if call.remote_sdp.replace(remote).is_none() {
                        self.events.push_back(SessionEvent::EarlyMedia(id));
                    } else {
                        self.update_media(id);
                    }
                }
                if cancel {
                    self.send_cancel(now, id);
                }
            }
            200..=299 => self.on_invite_ok(now, id, resp),
            487 if call.cancel_requested => self.finish(id, Some(SessionEvent::Ended(id, EndReason::Cancelled))),
            300..=399 if self.follow_redirect(now, id, &resp) => {}
            300..=599 if self.try_next_target(now, id) => {}
            code => {
                let status = StatusCode::new(code).unwrap_or(StatusCode::SERVER_INTERNAL_ERROR);
                self.finish(id, Some(SessionEvent::Failed(id, status)))
            }
        }
    }

    fn on_invite_ok(&mut self, now: Instant, id: CallId, resp: Incoming) {
        let call = self.calls.get(&id).expect("invariant: caller looked it up");
        let Some(invite) = call.request.clone() else {
            return;
        };
        let fresh = Dialog::uac(&invite, &resp.msg, &resp.core, call.peer);
        if let Some(existing) = &call.dialog {
            let same = existing.id.remote_tag == fresh.id.remote_tag;
            let mut fork = fresh;
            self.send_ack(&mut fork, resp.core.cseq);
            if !same {
                self.send_bye_on(now, &mut fork);
            }
            return;
        }
        let mut dialog = fresh;
        self.send_ack(&mut dialog, resp.core.cseq);
        let call = self.calls.get_mut(&id).expect("invariant: caller looked it up");
        call.remote_sdp = body_sdp(&resp.msg).or(call.remote_sdp.take());
        self.dialogs
            .insert((dialog.id.call_id.clone(), dialog.id.local_tag.clone()), id);
        call.dialog = Some(dialog);
        call.state = CallState::Connected;
        call.answered = Some(now);
        if call.cancel_requested {
            self.send_bye(now, id);
            return self.finish(id, Some(SessionEvent::Ended(id, EndReason::Cancelled)));
        }
        self.stats.calls_answered += 1;
        self.update_media(id);
        self.events.push_back(SessionEvent::Answered(id));
    }

    pub(super) fn on_stray_response(&mut self, _now: Instant, resp: Incoming) {
        let ok = matches!(&resp.msg, SipMessage::Response(r) if r.status_code.code() / 100 == 2);
        if !ok || resp.core.cseq_method != Method::Invite {
            return;
        }
        let key = (
            resp.core.call_id.clone(),
            resp.core.from_tag.clone().unwrap_or_default(),
        );
        let Some(mut dialog) = self.dialogs.get(&key).and_then(|id| self.calls.get(id)?.dialog.clone()) else {
            return;
        };
        if Some(&dialog.id.remote_tag) == resp.core.to_tag.as_ref() {
            self.send_ack(&mut dialog, resp.core.cseq);
        }
    }

    /// The ACK for a 2xx (§13.2.2.4): a new transaction-less request.
    pub(super) fn send_ack(&mut self, dialog: &mut Dialog, cseq: u32) {
        let transport = dialog.transport();
        let (via, contact) = (self.via(transport), self.contact(transport));
        if let Ok(req) = sip::request(&dialog.request(Method::Ack, via, &contact, Some(cseq))) {
            let bytes = sip::request_bytes(&req);
            self.txs.send_stateless(dialog.next_hop(), bytes);
        }
    }
}

/// The SDP body of a message, if it has a parseable one.
pub(super) fn body_sdp(msg: &SipMessage) -> Option<sdp::Sdp> {
    std::str::from_utf8(msg.body())
        .ok()
        .filter(|t| !t.is_empty())
        .and_then(|t| sdp::parse(t).ok())
}
