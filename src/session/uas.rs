//! The answering side: a new INVITE becomes an offered call; ring, accept
//! (2xx retransmitted until ACKed) and reject.

use super::{Call, CallState, EndReason, IncomingInfo, Role, SessionEvent, UserAgent};
use crate::dialog::{self, Dialog};
use crate::ids::{CallId, Peer, TxId};
use crate::sdp::{self, Direction, SdpError};
use crate::sip::{self, Incoming, SipMessage};
use crate::status::StatusCode;
use std::time::Instant;

impl UserAgent {
    pub(super) fn on_new_invite(&mut self, now: Instant, tx: TxId, req: Incoming, peer: Peer) {
        let SipMessage::Request(r) = &req.msg else {
            return;
        };
        let tag = sip::new_token(&mut self.rng);
        if self.calls.len() >= self.cfg.max_calls || self.ports.available(self.shard(CallId(self.next_call))) == 0 {
            self.stats.overload_rejected += 1;
            self.txs.respond_once(tx, &self.stateless_503(r, &req.core));
            return;
        }
        let offer = match std::str::from_utf8(r.body()) {
            Ok("") => None,
            Ok(text) => match sdp::parse(text) {
                Ok(o) => Some(o),
                Err(e) => {
                    return self.refuse(now, tx, &req, 400, &format!("Malformed SDP: {e}"), &tag);
                }
            },
            Err(_) => return self.refuse(now, tx, &req, 400, "SDP is not UTF-8", &tag),
        };
        if let Some(o) = &offer {
            let ip = self.cfg.media_addr;
            if sdp::answer(o, &self.cfg.codecs, ip, 0, Direction::SendRecv, 0, 0) == Err(SdpError::NoCommonCodec) {
                return self.refuse(now, tx, &req, 488, "Not Acceptable Here", &tag);
            }
        }
        let id = CallId(self.next_call);
        let port = self
            .ports
            .take(now, self.shard(id))
            .expect("invariant: availability checked above");
        self.next_call += self.cfg.shards.max(1) as u64;
        let info = IncomingInfo {
            from: sip::header(&req.msg, "From").unwrap_or_default().to_owned(),
            to: sip::header(&req.msg, "To").unwrap_or_default().to_owned(),
            uri: {
                let mut u = String::with_capacity(48);
                sip::push_uri(&mut u, &r.uri);
                u
            },
            peer,
        };
        let mut call = Call::new(id, Role::Uas, peer, tag, port, now);
        call.remote_sdp = offer;
        call.invite = Some(std::sync::Arc::new(req));
        call.invite_tx = Some(tx);
        self.tx_calls.insert(tx, id);
        self.calls.insert(id, Box::new(call));
        self.open_record(id);
        self.stats.calls_total += 1;
        self.events.push_back(SessionEvent::Incoming(id, info));
    }

    fn refuse(&mut self, now: Instant, tx: TxId, req: &Incoming, status: u16, reason: &str, tag: &str) {
        let SipMessage::Request(r) = &req.msg else {
            return;
        };
        self.stats.calls_failed += 1;
        let resp = dialog::response_in(r, status, Some(reason), tag, None);
        self.txs.respond(now, tx, resp);
    }

    pub(super) fn offered(&self, id: CallId) -> Option<(TxId, Offered, String, Peer)> {
        let call = self.calls.get(&id).filter(|c| c.state == CallState::Offered)?;
        let invite = call.invite.clone()?;
        matches!(invite.msg, SipMessage::Request(_)).then_some((
            call.invite_tx?,
            Offered(invite),
            call.local_tag.clone(),
            call.peer,
        ))
    }

    pub(super) fn ring(&mut self, now: Instant, id: CallId) {
        let Some((tx, req, tag, peer)) = self.offered(id) else {
            return;
        };
        let contact = self.contact(peer.transport);
        self.txs
            .respond(now, tx, dialog::response_in(&req, 180, None, &tag, Some(&contact)));
    }

    pub(super) fn reject(&mut self, now: Instant, id: CallId, status: StatusCode) {
        let Some((tx, req, tag, _)) = self.offered(id) else {
            return;
        };
        // Refused for load before it rang: answered once and forgotten, so
        // overload costs no transaction waiting for an ACK (or Timer H).
        let once = status == StatusCode::SERVICE_UNAVAILABLE && self.txs.respond_once(tx, &self.stateless_503(&req, &req.0.core));
        if !once {
            self.txs.respond(now, tx, self.final_response(&req, status, &tag));
        }
        self.finish(id, Some(SessionEvent::Ended(id, EndReason::Rejected(status))));
    }

    /// A final non-2xx; a 503 says when to retry.
    pub(super) fn final_response(&self, req: &sip::Request, status: StatusCode, tag: &str) -> sip::Response {
        let status = status.as_refusal();
        let mut resp = dialog::response_in(req, status.code(), None, tag, None);
        if status == StatusCode::SERVICE_UNAVAILABLE {
            resp.headers.push(sip::Header::Other(
                "Retry-After".into(),
                self.cfg.retry_after.to_string(),
            ));
        }
        resp
    }

    pub(super) fn accept(&mut self, now: Instant, id: CallId, mode: super::MediaMode) {
        let Some((tx, req, tag, peer)) = self.offered(id) else {
            return;
        };
        let contact = self.contact(peer.transport);
        let local = match self.calls.get(&id).map(|c| (c.link, c.local_sdp.clone())) {
            Some((_, Some(early))) => early,
            Some((Some(_), None)) => match self.bridged_answer(id) {
                Ok(local) => local,
                Err(status) => return self.reject(now, id, status),
            },
            _ => {
                let (ip, codecs) = (self.cfg.media_addr, &self.cfg.codecs);
                let sid = rand::Rng::r#gen::<u32>(&mut self.rng) as u64;
                let call = &self.calls[&id];
                let local = match &call.remote_sdp {
                    Some(offer) => sdp::answer(offer, codecs, ip, call.port, Direction::SendRecv, sid, 1),
                    None => Ok(sdp::offer(codecs, ip, call.port, Direction::SendRecv, sid, 1)),
                };
                let Ok(local) = local else { return };
                local
            }
        };
        let call = self.calls.get_mut(&id).expect("invariant: offered() found it");
        let resp = dialog::with_sdp(&req, 200, &tag, &contact, sdp::render(&local));
        let Some(bytes) = self.txs.respond(now, tx, resp) else {
            return;
        };
        let inc = call
            .invite
            .as_ref()
            .expect("invariant: offered calls keep their INVITE");
        let dialog = Dialog::uas(&inc.msg, &inc.core, &tag, peer);
        self.dialogs.insert((dialog.id.call_id.clone(), tag), id);
        call.local_sdp = Some(local);
        call.state = CallState::Answering;
        let cseq = inc.core.cseq;
        call.dialog = Some(dialog);
        call.media = mode;
        self.arm_ok(now, id, bytes, peer, cseq);
        self.start_media(id);
    }
}

/// An offered call's INVITE, shared with the call (no copy per response).
pub(super) struct Offered(std::sync::Arc<Incoming>);

impl std::ops::Deref for Offered {
    type Target = sip::Request;

    fn deref(&self) -> &sip::Request {
        match &self.0.msg {
            SipMessage::Request(r) => r,
            SipMessage::Response(_) => unreachable!("invariant: offered() checked it is a request"),
        }
    }
}
