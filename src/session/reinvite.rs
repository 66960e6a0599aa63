//! re-INVITE both ways (RFC 3261 §14): hold and resume we ask for, and
//! the peer's offers we answer (hold by a=sendonly/inactive or c=0.0.0.0).

use super::call::Pending;
use super::uac::body_sdp;
use super::{CallState, SessionEvent, UserAgent};
use crate::dialog;
use crate::ids::{CallId, TxId};
use crate::sdp::{self, Direction};
use crate::sip::{self, Incoming, Method, SipMessage};
use std::time::Instant;

impl UserAgent {
    /// Sends a re-INVITE putting the peer on hold (`hold`) or resuming.
    pub(super) fn reinvite(&mut self, now: Instant, id: CallId, hold: bool) {
        let Some(call) = self.calls.get(&id) else {
            return;
        };
        if call.state != CallState::Connected {
            return;
        }
        // One re-INVITE at a time (§14.1): while ours or the peer's is in
        // progress, or a 491 retry is pending, remember the latest wish.
        if call.pending.is_some() || call.ok.is_some() || call.retry_at.is_some() {
            if let Some(c) = self.calls.get_mut(&id) {
                c.wanted = Some(hold);
            }
            return;
        }
        if call.on_hold == hold {
            return;
        }
        let (Some(mut dialog), Some(mut offer)) = (call.dialog.clone(), call.local_sdp.clone()) else {
            return;
        };
        offer.version += 1;
        offer.audio.direction = if hold { Direction::SendOnly } else { Direction::SendRecv };
        offer.audio.codecs = self.cfg.codecs.clone();
        let transport = dialog.transport();
        let (via, contact) = (self.via(transport), self.contact(transport));
        let spec = dialog.request(Method::Invite, via, &contact, None);
        let Ok(req) = sip::request_with_body(&spec, "application/sdp", sdp::render(&offer).into_bytes()) else {
            return;
        };
        let tx = self.txs.send_request(now, dialog.next_hop(), req);
        self.tx_calls.insert(tx, id);
        let call = self.calls.get_mut(&id).expect("invariant: looked up above");
        call.dialog = Some(dialog);
        call.pending = Some(Pending { hold, offer, tx });
    }

    pub(super) fn on_reinvite_response(&mut self, _now: Instant, id: CallId, resp: Incoming) {
        let SipMessage::Response(r) = &resp.msg else {
            return;
        };
        let code = r.status_code.code();
        if code < 200 {
            return;
        }
        let Some(call) = self.calls.get_mut(&id) else {
            return;
        };
        let Some(pending) = call.pending.take() else {
            return;
        };
        self.tx_calls.remove(&pending.tx);
        if code == 491 {
            return self.back_off(_now, id, pending.hold);
        }
        if code == 408 || code == 481 {
            return self.dialog_lost(_now, id, code == 408);
        }
        if code >= 300 {
            return self.send_wanted(_now, id);
        }
        let Some(mut dialog) = call.dialog.clone() else {
            return;
        };
        call.remote_sdp = body_sdp(&resp.msg).or(call.remote_sdp.take());
        call.local_sdp = Some(pending.offer);
        call.on_hold = pending.hold;
        self.send_ack(&mut dialog, resp.core.cseq);
        self.update_media(id);
        self.events.push_back(if pending.hold {
            SessionEvent::Held(id)
        } else {
            SessionEvent::Resumed(id)
        });
        self.send_wanted(_now, id);
    }

    /// The peer's re-INVITE: answer its offer (or offer, if it has none),
    /// report hold/resume, and retransmit our 2xx until ACKed.
    pub(super) fn on_reinvite(&mut self, now: Instant, tx: TxId, id: CallId, req: Incoming) {
        let SipMessage::Request(r) = &req.msg else {
            return;
        };
        let transport = self
            .calls
            .get(&id)
            .map(|c| c.peer.transport)
            .expect("invariant: caller looked it up");
        let contact = self.contact(transport);
        let call = self.calls.get_mut(&id).expect("invariant: caller looked it up");
        let tag = call.local_tag.clone();
        if call.pending.is_some() {
            return self.reply(now, tx, r, 491, &tag);
        }
        if call.ok.is_some() {
            let mut resp = dialog::response_in(r, 500, None, &tag, None);
            resp.headers.push(sip::Header::Other("Retry-After".into(), "1".into()));
            self.txs.respond(now, tx, resp);
            return;
        }
        let offer = body_sdp(&req.msg);
        let intent = if call.on_hold {
            Direction::SendOnly
        } else {
            Direction::SendRecv
        };
        let Some(mut local) = call.local_sdp.clone() else {
            return;
        };
        local.version += 1;
        let answer = match &offer {
            // Keep the codecs already agreed when the new offer has them.
            Some(o) => [&local.audio.codecs, &self.cfg.codecs]
                .into_iter()
                .map(|c| {
                    sdp::answer(
                        o,
                        c,
                        local.audio.addr,
                        call.port,
                        intent,
                        local.session_id,
                        local.version,
                    )
                })
                .find(Result::is_ok)
                .unwrap_or(Err(sdp::SdpError::NoCommonCodec)),
            None => Ok(sdp::offer(
                &self.cfg.codecs,
                local.audio.addr,
                call.port,
                intent,
                local.session_id,
                local.version,
            )),
        };
        let Ok(answer) = answer else {
            return self.reply(now, tx, r, 488, &tag);
        };
        let resp = dialog::with_sdp(r, 200, &tag, &contact, sdp::render(&answer));
        let Some(bytes) = self.txs.respond(now, tx, resp) else {
            return;
        };
        let peer = call.peer;
        call.local_sdp = Some(answer);
        let was_held = call.remote_hold;
        if let Some(o) = offer {
            call.remote_hold = o.direction().is_hold();
            call.remote_sdp = Some(o);
        }
        match (was_held, call.remote_hold) {
            (false, true) => self.events.push_back(SessionEvent::PeerHeld(id)),
            (true, false) => self.events.push_back(SessionEvent::PeerResumed(id)),
            _ => {}
        }
        self.arm_ok(now, id, bytes, peer, req.core.cseq);
        self.update_media(id);
    }
}
