//! The peer's UPDATE (RFC 3311), in an early or confirmed dialog: its
//! offer answered in the 200 at once (no ACK: hold and resume reported as
//! for a re-INVITE, so a bridge relays them as re-INVITEs on its other
//! leg, once that leg is answered), 491 while an offer of ours is
//! outstanding (our INVITE's too), 500 with a Retry-After of 1–10 s before
//! we answered the INVITE's offer (§5.2: an early dialog's UPDATE needs
//! the INVITE's offer/answer done, i.e. our answer in a reliable 18x), 488
//! for an offer we cannot take; without a body it refreshes the session
//! (RFC 4028 §9). The 200 carries the session timer it grants.

use super::Call;
use crate::dialog;
use crate::ids::TxId;
use crate::sdp;
use crate::session::SessionEvent;
use crate::session::context::{CallContext, MediaChange};
use crate::sip::{self, IncomingRequest};
use crate::status::StatusCode;
use std::time::Instant;

impl Call {
    /// A refusal of the peer's session interval, sent; whether there was
    /// one.
    pub(super) fn refuse_interval(&self, ctx: &mut CallContext, now: Instant, tx: TxId, req: &IncomingRequest) -> bool {
        let Some(refusal) = crate::session::checks::session_interval(&req.req, ctx.cfg.session_timer.min_se) else {
            return false;
        };
        let mut resp = dialog::response_in(&req.req, refusal.status, Some(refusal.reason), self.local_tag(), None);
        if let Some((name, value)) = refusal.header {
            resp.headers.push(sip::Header::Other(name.into(), value));
        }
        ctx.txs.respond(now, tx, resp);
        true
    }

    /// 500 with a random Retry-After of 1–10 s (RFC 3261 §14.2, RFC 3311
    /// §5.2): an offer came while another is unanswered on our side.
    pub(super) fn retry_later(&self, ctx: &mut CallContext, now: Instant, tx: TxId, req: &IncomingRequest) {
        let mut resp = dialog::response_in(
            &req.req,
            StatusCode::SERVER_INTERNAL_ERROR,
            None,
            self.local_tag(),
            None,
        );
        let after = ctx.random(1..=10).to_string();
        resp.headers.push(sip::Header::Other("Retry-After".into(), after));
        ctx.txs.respond(now, tx, resp);
    }

    /// The peer's offer (in a re-INVITE or UPDATE) answered with `answer`:
    /// ours from now, a hold or resume reported, the media updated.
    pub(super) fn took_offer(&mut self, ctx: &mut CallContext, offer: Option<sdp::Sdp>, answer: sdp::Sdp) {
        self.sdp.local = Some(answer);
        match self.sdp.take_remote_offer(offer) {
            Some(true) => ctx.events.push_back(SessionEvent::PeerHeld(self.id)),
            Some(false) => ctx.events.push_back(SessionEvent::PeerResumed(self.id)),
            None => {}
        }
        ctx.media_changed(self.id, MediaChange::Update);
    }

    /// The peer's UPDATE on `tx`.
    pub(super) fn on_update(&mut self, ctx: &mut CallContext, now: Instant, tx: TxId, req: IncomingRequest) {
        let offer = super::uac::body_sdp(req.body_text());
        let invite_offer_open = match self.invite {
            super::Invite::Sent { .. } | super::Invite::Answered { .. } => self.sdp.remote.is_none(),
            super::Invite::Received { .. } | super::Invite::Adopted | super::Invite::Acked { .. } => false,
        };
        if offer.is_some() && (self.reinvite.is_pending() || self.ok.is_some() || invite_offer_open) {
            // Our offer (or the answer to theirs) is still in flight.
            return ctx.reply(now, tx, &req.req, StatusCode::REQUEST_PENDING, self.local_tag());
        }
        if offer.is_some() && self.is_offered() && self.sdp.local.is_none() {
            // The INVITE's offer still awaits our answer.
            return self.retry_later(ctx, now, tx, &req);
        }
        if self.refuse_interval(ctx, now, tx, &req) {
            return;
        }
        let contact = ctx.contact(self.peer);
        let mut resp = match &offer {
            None => dialog::response_in(&req.req, StatusCode::OK, None, self.local_tag(), Some(&contact)),
            Some(o) => {
                let t = self.dialog.as_ref().map_or(self.peer.transport, |d| d.transport());
                let Ok(answer) = self.sdp.answer_reinvite(Some(o), &ctx.cfg.codecs, self.port, t) else {
                    return ctx.reply(now, tx, &req.req, StatusCode::NOT_ACCEPTABLE_HERE, self.local_tag());
                };
                let resp = dialog::with_sdp(
                    &req.req,
                    StatusCode::OK,
                    self.local_tag(),
                    &contact,
                    sdp::render(&answer),
                );
                self.took_offer(ctx, offer.clone(), answer);
                resp
            }
        };
        resp.headers.extend(self.grant_session_timer(&req.req));
        ctx.txs.respond(now, tx, resp);
        self.refresh_target(ctx, &req.req);
        self.arm_session_timer(ctx, now);
    }
}
