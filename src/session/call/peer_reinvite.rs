//! The peer's re-INVITEs (RFC 3261 §14.2): its offer answered (the codecs
//! already agreed kept when it has them; hold by a=sendonly/inactive or
//! c=0.0.0.0 reported), or our offer when it has none; 491 while ours is
//! in flight; 500 with a random Retry-After of 1–10 s while our last 2xx
//! awaits its ACK (`Call::retry_later`).

use super::Call;
use crate::dialog;
use crate::ids::TxId;
use crate::sdp;
use crate::session::context::CallContext;
use crate::sip::IncomingRequest;
use crate::status::StatusCode;
use std::time::Instant;

impl Call {
    /// The peer's re-INVITE: answer its offer (or offer, if it has none),
    /// report hold/resume, and resend our 2xx until ACKed.
    pub(super) fn on_reinvite(&mut self, ctx: &mut CallContext, now: Instant, tx: TxId, req: IncomingRequest) {
        if self.reinvite.is_pending() {
            return ctx.reply(now, tx, &req.req, StatusCode::REQUEST_PENDING, self.local_tag());
        }
        if self.ok.is_some() {
            return self.retry_later(ctx, now, tx, &req);
        }
        if self.refuse_interval(ctx, now, tx, &req) {
            return;
        }
        let offer = super::uac::body_sdp(req.body_text());
        let t = self.dialog.as_ref().map_or(self.peer.transport, |d| d.transport());
        let Ok(answer) = self.sdp.answer_reinvite(offer.as_ref(), &ctx.cfg.codecs, self.port, t) else {
            return ctx.reply(now, tx, &req.req, StatusCode::NOT_ACCEPTABLE_HERE, self.local_tag());
        };
        let contact = ctx.contact(self.peer);
        let mut resp = dialog::with_sdp(
            &req.req,
            StatusCode::OK,
            self.local_tag(),
            &contact,
            sdp::render(&answer),
        );
        resp.headers.extend(self.grant_session_timer(&req.req));
        let Some(bytes) = ctx.txs.respond(now, tx, resp) else {
            return;
        };
        self.refresh_target(ctx, &req.req);
        self.arm_session_timer(ctx, now);
        self.took_offer(ctx, offer, answer);
        self.arm_ok(ctx, now, bytes, req.core.cseq);
    }
}
