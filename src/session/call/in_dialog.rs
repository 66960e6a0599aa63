//! Within the dialog: the peer's requests (BYE, re-INVITE, PRACK, UPDATE,
//! OPTIONS, INFO, NOTIFY, REFER; CSeq order checked, §12.2.2; in an early
//! dialog of our INVITE's, `early`), ending the call (reject
//! while offered, CANCEL while ringing once a provisional came, §9.1; BYE
//! once established), and what a transaction timing out means for it.

use super::{Call, CallState, Invite};
use crate::dialog::Dialog;
use crate::ids::TxId;
use crate::session::context::CallContext;
use crate::session::{EndReason, SessionEvent};
use crate::sip::{IncomingRequest, Method};
use crate::status::StatusCode;
use crate::transaction;
use std::time::Instant;

impl Call {
    /// A request within its dialog, on server transaction `tx`.
    pub fn handle_request(&mut self, ctx: &mut CallContext, now: Instant, tx: TxId, req: IncomingRequest) {
        let Some(dialog) = self.dialog.as_mut() else {
            return self.on_early_request(ctx, now, tx, req);
        };
        if req.core.from_tag().unwrap_or_default() != dialog.remote_tag() {
            // Another fork's dialog (our tag is all the key): not this one.
            return ctx.reply(now, tx, &req.req, StatusCode::CALL_DOES_NOT_EXIST, dialog.local_tag());
        }
        if !dialog.accept_remote_seq(req.core.cseq, req.method) {
            return ctx.reply(now, tx, &req.req, StatusCode::SERVER_INTERNAL_ERROR, dialog.local_tag());
        }
        match req.method {
            Method::Bye => {
                ctx.reply(now, tx, &req.req, StatusCode::OK, self.local_tag());
                self.end(SessionEvent::Ended(self.id, EndReason::RemoteBye));
            }
            Method::Invite => self.on_reinvite(ctx, now, tx, req),
            Method::PRack => self.on_prack(ctx, now, tx, req),
            Method::Update => self.on_update(ctx, now, tx, req),
            Method::Info => self.on_info(ctx, now, tx, req),
            Method::Refer => self.on_refer(ctx, now, tx, req),
            Method::Notify => self.on_notify(ctx, now, tx, req),
            Method::Options => ctx.reply(now, tx, &req.req, StatusCode::OK, self.local_tag()),
            _ => ctx.reply(now, tx, &req.req, StatusCode::METHOD_NOT_ALLOWED, self.local_tag()),
        }
    }

    /// Ends the call as its state requires: 480 while offered, CANCEL
    /// while calling (once a provisional came), BYE once answered.
    pub fn hang_up(&mut self, ctx: &mut CallContext, now: Instant) {
        match self.state {
            CallState::Offered => self.reject(ctx, now, StatusCode::TEMPORARILY_UNAVAILABLE),
            CallState::Calling | CallState::Early => {
                self.cancel_requested = true;
                self.send_cancel(ctx, now);
                // Between targets, its next one's name being looked up.
                if self.targets.is_resolving() {
                    self.end(SessionEvent::Ended(self.id, EndReason::Cancelled));
                }
            }
            CallState::Answering | CallState::Connected => {
                self.send_bye(ctx, now);
                self.end(SessionEvent::Ended(self.id, EndReason::LocalBye));
            }
        }
    }

    /// Its media could not be anchored (a port could not be bound: the
    /// descriptor limit reached, or the port taken): ended rather than
    /// left silent — 503 (with Retry-After) while offered, CANCEL while
    /// calling, BYE once answered.
    pub fn media_failed(&mut self, ctx: &mut CallContext, now: Instant) {
        match self.state {
            CallState::Offered => self.reject(ctx, now, StatusCode::SERVICE_UNAVAILABLE),
            CallState::Answering | CallState::Connected => {
                self.send_bye(ctx, now);
                self.end(SessionEvent::Ended(self.id, EndReason::NoMedia));
            }
            CallState::Calling | CallState::Early => self.hang_up(ctx, now),
        }
    }

    /// Our media timed out: BYE, and the call is over.
    pub fn media_timeout(&mut self, ctx: &mut CallContext, now: Instant) {
        self.send_bye(ctx, now);
        self.end(SessionEvent::Ended(self.id, EndReason::MediaTimeout));
    }

    /// An answer that does not agree with our offer (the SRTP it required
    /// missing): BYE, never media run otherwise (RFC 3264 §6).
    pub(super) fn hang_up_disagreed(&mut self, ctx: &mut CallContext, now: Instant) {
        tracing::warn!(call = %self.id, "the answer does not agree with our offer; hanging up");
        self.send_bye(ctx, now);
        self.end(SessionEvent::Ended(self.id, EndReason::NotAgreed));
    }

    /// CANCELs our INVITE, once, when a provisional has come (§9.1).
    pub(super) fn send_cancel(&mut self, ctx: &mut CallContext, now: Instant) {
        let Invite::Sent { tx, .. } = &self.invite else { return };
        if self.cancel_sent {
            return;
        }
        let Some(invite) = ctx.txs.cancellable_invite(*tx) else {
            return;
        };
        let cancel = transaction::derived(invite, Method::Cancel, None);
        let via = invite.header("Via").unwrap_or_default().to_owned();
        self.cancel_sent = true;
        ctx.txs.send_request_bytes(now, self.peer, Method::Cancel, &via, cancel);
        // No 487 within 64·T1 (an RFC 2543 peer sends none): it is over.
        ctx.txs.abandon(now, *tx);
    }

    /// BYE within its dialog, if it has one (with our credentials, when
    /// its peer challenged us; with credentials, the BYE outlives the call
    /// until its final response, to answer a challenge: `session::byes`).
    pub(super) fn send_bye(&mut self, ctx: &mut CallContext, now: Instant) {
        let Some(uri) = self.dialog.as_ref().map(|d| d.remote_target.clone()) else {
            return;
        };
        let auth = self.authorization(ctx, "BYE", &uri);
        let Some(dialog) = self.dialog.as_mut() else { return };
        let tx = Self::send_bye_on(ctx, now, dialog, auth);
        if let (Some(tx), Some(creds)) = (tx, self.client_auth.creds()) {
            ctx.byes.watch(tx, dialog.clone(), creds, false);
        }
    }

    /// BYE within `dialog` (ours, or a fork's we hang up), carrying the
    /// credentials header `auth` if given; its transaction.
    pub(in crate::session) fn send_bye_on(
        ctx: &mut CallContext,
        now: Instant,
        dialog: &mut Dialog,
        auth: Option<(String, String)>,
    ) -> Option<TxId> {
        let hop = dialog.next_hop();
        let mut via = Default::default();
        let contact = ctx.contact(hop);
        let via = ctx.via_in(hop, &mut via);
        let auth = auth.as_ref().map(|(n, v)| (n.as_str(), v.as_str()));
        let bytes = dialog.request_bytes(Method::Bye, via, &contact, None, auth.as_slice())?;
        Some(ctx.txs.send_request_bytes(now, hop, Method::Bye, via, bytes))
    }

    /// Its client transaction `tx` got no response (Timer B or F: `status`
    /// 408) or could not reach its peer (503).
    pub fn handle_tx_failure(&mut self, ctx: &mut CallContext, now: Instant, tx: TxId, status: StatusCode) {
        if let Some(infos) = self.infos.existing() {
            infos.failed(tx);
        }
        let invite = matches!(self.invite, Invite::Sent { tx: t, .. } if t == tx);
        if invite && self.cancel_requested {
            self.end(SessionEvent::Ended(self.id, EndReason::Cancelled));
        } else if invite && matches!(self.state, CallState::Calling | CallState::Early) {
            // No answer, or no connection: its server is remembered as failed.
            if !self.fail_over(ctx, now, true) {
                self.end(SessionEvent::Failed(self.id, status));
            }
        } else if self.state == CallState::Connected && !self.reinvite.is_pending() {
            self.end(SessionEvent::Ended(self.id, EndReason::Timeout));
        } else if self.reinvite.drop_if(tx) {
            self.dialog_lost(ctx, now, true);
        }
    }

    /// §12.2.1.2: a 408 (or a timeout) or a 481 to an in-dialog request
    /// ends the dialog; after a 481 the peer has none left to BYE.
    pub(super) fn dialog_lost(&mut self, ctx: &mut CallContext, now: Instant, bye: bool) {
        if bye {
            self.send_bye(ctx, now);
        }
        self.end(SessionEvent::Ended(self.id, EndReason::Timeout));
    }
}
