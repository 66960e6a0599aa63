//! Where each transaction event goes: a request within a dialog, an ACK
//! or a response to the call it belongs to; a new INVITE to admission; a
//! CANCEL to the call its INVITE formed; what belongs to no call is
//! answered here (OPTIONS as [`super::health`] says, 481, 405, or a §8.2
//! refusal).

use super::UserAgent;
use crate::dialog;
use crate::ids::{Peer, TxId};
use crate::sip::{self, IncomingRequest, IncomingResponse, Method};
use crate::status::StatusCode;
use crate::transaction::TxEvent;
use std::time::Instant;

impl UserAgent {
    /// Routes every event the transaction layer has.
    pub(super) fn drain(&mut self, now: Instant) {
        while let Some(ev) = self.ctx.txs.poll_event() {
            match ev {
                TxEvent::Request { tx, req, peer } => self.on_request(now, tx, req, peer),
                TxEvent::Cancel { tx, req, invite } => self.on_cancel(now, tx, req, invite),
                TxEvent::Ack { req } => {
                    let Some(tag) = req.core.to_tag() else {
                        continue;
                    };
                    if let Some(id) = self.ctx.index.dialog_call(req.core.call_id(), tag) {
                        self.with_call(id, |c, ctx| c.handle_ack(ctx, now, req));
                    }
                }
                TxEvent::Response { tx, resp } => match self.ctx.index.call_of(tx) {
                    // Its call has gone (a NOTIFY or REFER answered after
                    // a transfer ended it): the entry goes too.
                    Some(id) if !self.calls.contains_key(&id) => {
                        if resp.code() >= 200 {
                            self.ctx.index.forget(tx);
                        }
                    }
                    Some(id) => self.with_call(id, |c, ctx| c.handle_response(ctx, now, tx, resp)),
                    None if self.bye_response(now, tx, &resp) => {}
                    None if self.registration_response(now, tx, &resp) => {}
                    // A 2xx resent after its re-INVITE was settled: ACK it again.
                    None => self.on_stray_response(&resp),
                },
                TxEvent::StrayResponse { resp } => self.on_stray_response(&resp),
                TxEvent::Timeout { tx } | TxEvent::Unreachable { tx } => {
                    // A peer the transport could not reach counts as a 503.
                    let status = match ev {
                        TxEvent::Unreachable { .. } => StatusCode::SERVICE_UNAVAILABLE,
                        _ => StatusCode::REQUEST_TIMEOUT,
                    };
                    match self.ctx.index.forget(tx) {
                        Some(id) => self.with_call(id, |c, ctx| c.handle_tx_failure(ctx, now, tx, status)),
                        None => _ = self.ctx.byes.forget(tx) || self.registration_timeout(now, tx),
                    }
                }
            }
        }
    }

    fn on_request(&mut self, now: Instant, tx: TxId, req: IncomingRequest, peer: Peer) {
        if let Some(tag) = req.core.to_tag() {
            return match self.ctx.index.dialog_call(req.core.call_id(), tag) {
                Some(id) => self.with_call(id, |c, ctx| c.handle_request(ctx, now, tx, req)),
                None => self.ctx.reply(now, tx, &req.req, StatusCode::CALL_DOES_NOT_EXIST, tag),
            };
        }
        let tag = self.ctx.tag();
        if let Some(refusal) = super::checks::check(&req.req, self.ctx.cfg.session_timer.min_se) {
            self.ctx.stats.calls_failed += u64::from(req.method == Method::Invite);
            let mut resp = dialog::response_in(&req.req, refusal.status, Some(refusal.reason), &tag, None);
            if let Some((name, value)) = refusal.header {
                resp.headers.push(sip::Header::Other(name.into(), value));
            }
            self.ctx.txs.respond(now, tx, resp);
            return;
        }
        let status = match req.method {
            Method::Invite => return self.admit(now, tx, req, peer, tag),
            Method::Register => return self.on_register(now, tx, req, peer, &tag),
            Method::Options => return self.answer_options(now, tx, &req.req, &tag),
            Method::Bye | Method::Info | Method::Update | Method::PRack => StatusCode::CALL_DOES_NOT_EXIST,
            _ => StatusCode::METHOD_NOT_ALLOWED,
        };
        self.ctx.reply(now, tx, &req.req, status, &tag);
    }

    /// A CANCEL (server transaction `tx`) for INVITE transaction `invite`.
    fn on_cancel(&mut self, now: Instant, tx: TxId, req: IncomingRequest, invite: Option<TxId>) {
        let tag = self.ctx.token();
        let Some(invite) = invite else {
            return self.ctx.reply(now, tx, &req.req, StatusCode::CALL_DOES_NOT_EXIST, &tag);
        };
        self.ctx.reply(now, tx, &req.req, StatusCode::OK, &tag);
        if self.ctx.txs.is_answered(invite) {
            return;
        }
        if let Some(id) = self.ctx.index.call_of(invite) {
            self.with_call(id, |c, ctx| c.handle_cancel(ctx, now));
        }
    }

    /// A 2xx to an INVITE that matched no transaction: ACKed again by the
    /// call whose dialog it is.
    fn on_stray_response(&mut self, resp: &IncomingResponse) {
        if resp.code() / 100 != 2 || resp.core.cseq_method != Method::Invite {
            return;
        }
        let tag = resp.core.from_tag().unwrap_or_default();
        if let Some(call) = self
            .ctx
            .index
            .dialog_call(resp.core.call_id(), tag)
            .and_then(|id| self.calls.get(&id))
        {
            call.handle_stray_ok(&mut self.ctx, resp);
        }
    }
}
