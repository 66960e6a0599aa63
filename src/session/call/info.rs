//! INFO within a dialog (RFC 6086): the peer's answered 200 and reported,
//! so a bridge relays it to its other leg (body and type kept, or as RFC
//! 4733 when that leg agreed telephone-event and the INFO is a digit) and
//! an application hears of it; a DTMF digit in it (`application/dtmf-relay`,
//! `application/dtmf`) is also reported as a digit, an unreadable one
//! answered 400 naming the fault. And our own INFOs on a leg, sent one at
//! a time, in order: each waits for the previous one's final response.

use super::Call;
use crate::dialog;
use crate::ids::TxId;
use crate::session::context::CallContext;
use crate::session::dtmf::{is_dtmf_type, parse_info};
use crate::session::{DtmfSource, SessionEvent};
use crate::sip::{IncomingRequest, IncomingResponse, Method};
use crate::status::StatusCode;
use std::time::Instant;

/// INFOs waiting for the one in flight at most (more are dropped: a peer
/// that stops answering cannot grow a call's memory).
const MAX_WAITING: usize = 64;

/// Our INFOs: the one in flight and those waiting for it (type, body).
/// Kept `Rare` in a call: most send no INFO.
#[derive(Debug, Default)]
pub(super) struct InfoOut {
    in_flight: Option<TxId>,
    waiting: thin_vec::ThinVec<(String, String)>,
}

impl crate::collections::Empty for InfoOut {
    const EMPTY: &'static Self = &InfoOut {
        in_flight: None,
        waiting: thin_vec::ThinVec::new(),
    };
}

impl InfoOut {
    /// The transaction of our INFO in flight.
    pub fn tx(&self) -> Option<TxId> {
        self.in_flight
    }

    /// Our INFO on `tx` got no response (what that means for the call is
    /// the caller's): none is in flight any more.
    pub fn failed(&mut self, tx: TxId) {
        if self.in_flight == Some(tx) {
            self.in_flight = None;
        }
    }
}

impl Call {
    /// The peer's INFO on `tx`.
    pub(super) fn on_info(&mut self, ctx: &mut CallContext, now: Instant, tx: TxId, req: IncomingRequest) {
        let ct = req
            .header("Content-Type")
            .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
            .unwrap_or_default();
        let body = req.body_text().unwrap_or_default().to_owned();
        if is_dtmf_type(&ct) {
            match parse_info(&ct, &body) {
                Ok((digit, held)) => {
                    let ev = SessionEvent::Dtmf(self.id, digit, held, DtmfSource::Info);
                    ctx.events.push_back(ev);
                }
                Err(why) => {
                    let resp =
                        dialog::response_in(&req.req, StatusCode::BAD_REQUEST, Some(why), self.local_tag(), None);
                    ctx.txs.respond(now, tx, resp);
                    return;
                }
            }
        }
        ctx.reply(now, tx, &req.req, StatusCode::OK, self.local_tag());
        ctx.events.push_back(SessionEvent::Info(self.id, ct, body));
    }

    /// Sends an INFO with `body` of type `ct` (none when empty) in the
    /// dialog, once it has one: at once, or after the INFOs before it.
    pub fn send_info(&mut self, ctx: &mut CallContext, now: Instant, ct: &str, body: &str) {
        if self.dialog.is_none() {
            return tracing::debug!(call = %self.id, "INFO dropped: no dialog yet");
        }
        if self.infos.waiting.len() >= MAX_WAITING {
            return tracing::warn!(call = %self.id, "INFO dropped: too many waiting for an answer");
        }
        self.infos.make().waiting.push((ct.to_owned(), body.to_owned()));
        if self.infos.in_flight.is_none() {
            self.send_next_info(ctx, now);
        }
    }

    /// The next waiting INFO, if any, now in flight.
    fn send_next_info(&mut self, ctx: &mut CallContext, now: Instant) {
        if self.dialog.is_none() {
            return;
        }
        let waiting = self.infos.existing().map(|i| &mut i.waiting);
        let Some((ct, body)) = waiting.filter(|w| !w.is_empty()).map(|w| w.remove(0)) else {
            return;
        };
        let body = (!ct.is_empty()).then_some((ct.as_str(), body));
        self.infos.make().in_flight = self.send_within(ctx, now, Method::Info, Vec::new(), body);
    }

    /// A response on `tx`: whether it was to our INFO in flight (a final
    /// one sends the next; a refusal is logged, the call goes on).
    pub(super) fn on_info_response(
        &mut self,
        ctx: &mut CallContext,
        now: Instant,
        tx: TxId,
        resp: &IncomingResponse,
    ) -> bool {
        if self.infos.in_flight != Some(tx) {
            return false;
        }
        let code = resp.code();
        if code >= 200 {
            if code >= 300 {
                tracing::info!(call = %self.id, code, "our INFO was refused");
            }
            ctx.index.forget(tx);
            self.infos.make().in_flight = None;
            self.send_next_info(ctx, now);
        }
        true
    }
}
