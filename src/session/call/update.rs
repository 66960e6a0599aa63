//! The peer's UPDATE (RFC 3311), in an early or confirmed dialog: its
//! offer answered in the 200 at once (no ACK: hold and resume reported as
//! for a re-INVITE, so a bridge relays them as re-INVITEs on its other
//! leg), 491 while an offer of ours is outstanding, 488 for an offer we
//! cannot take; without a body it refreshes the session (RFC 4028 §9). The
//! 200 carries the session timer it grants.

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
        let mut resp = dialog::response_in(&req.req, refusal.status, Some(refusal.reason), &self.local_tag, None);
        if let Some((name, value)) = refusal.header {
            resp.headers.push(sip::Header::Other(name.into(), value));
        }
        ctx.txs.respond(now, tx, resp);
        true
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
        if offer.is_some() && (self.reinvite.is_pending() || self.ok.is_some()) {
            // Our offer (or the answer to theirs) is still in flight.
            return ctx.reply(now, tx, &req.req, StatusCode::REQUEST_PENDING, &self.local_tag);
        }
        if self.refuse_interval(ctx, now, tx, &req) {
            return;
        }
        let contact = ctx.contact(self.peer);
        let mut resp = match &offer {
            None => dialog::response_in(&req.req, StatusCode::OK, None, &self.local_tag, Some(&contact)),
            Some(o) => {
                let t = self.dialog.as_ref().map_or(self.peer.transport, |d| d.transport());
                let Ok(answer) = self.sdp.answer_reinvite(Some(o), &ctx.cfg.codecs, self.port, t) else {
                    return ctx.reply(now, tx, &req.req, StatusCode::NOT_ACCEPTABLE_HERE, &self.local_tag);
                };
                let resp = dialog::with_sdp(
                    &req.req,
                    StatusCode::OK,
                    &self.local_tag,
                    &contact,
                    sdp::render(&answer),
                );
                self.took_offer(ctx, offer.clone(), answer);
                resp
            }
        };
        resp.headers.extend(self.grant_session_timer(&req.req.headers));
        ctx.txs.respond(now, tx, resp);
        self.arm_session_timer(ctx, now);
    }
}
