//! Our transfer of the peer (RFC 3515 as the transferor): a REFER naming
//! the target; the peer's NOTIFYs report the new call's progress (each
//! answered 200, a malformed sipfrag 400). A final 2xx means the peer is
//! now talking to the target: we hang up (BYE, the call ended
//! `Transferred`); a failure, or the REFER refused, leaves the call as it
//! was. Every outcome is reported (`SessionEvent::Transfer`). Other
//! NOTIFYs in the dialog are answered 200 and reported as they are. And
//! the in-dialog request both sides here send.

use super::{Call, CallState};
use crate::dialog;
use crate::ids::TxId;
use crate::session::context::CallContext;
use crate::session::{EndReason, Notice, SessionEvent};
use crate::sip::{self, IncomingRequest, IncomingResponse, Method};
use crate::status::StatusCode;
use std::time::Instant;

/// Our REFER: its transaction until its final response.
#[derive(Debug)]
pub(super) struct ReferOut {
    tx: Option<TxId>,
}

impl Call {
    /// Asks the peer to call `target` instead of us (REFER); refused
    /// (`Transfer` 491) while another transfer of ours is in progress, 403
    /// before the call is answered.
    pub fn send_refer(&mut self, ctx: &mut CallContext, now: Instant, target: &str) {
        let refusal = if self.state != CallState::Connected {
            Some(StatusCode::FORBIDDEN)
        } else if self.refer_out.is_some() {
            Some(StatusCode::REQUEST_PENDING)
        } else {
            None
        };
        if let Some(status) = refusal {
            return ctx.events.push_back(SessionEvent::Transfer(self.id, status));
        }
        // A bare URI keeps its parameters (`;transport=`, `;user=`).
        let target = match target.contains('<') {
            true => sip::uri_of(target),
            false => target.trim(),
        };
        let headers = vec![("Refer-To".to_owned(), format!("<{target}>"))];
        let tx = self.send_within(ctx, now, Method::Refer, headers, None);
        self.refer_out = tx.map(|tx| Box::new(ReferOut { tx: Some(tx) }));
    }

    /// A response to our REFER (`true`), or not ours (`false`).
    pub(super) fn on_refer_response(
        &mut self,
        ctx: &mut CallContext,
        now: Instant,
        tx: TxId,
        resp: &IncomingResponse,
    ) -> bool {
        if self.refer_out.as_ref().is_none_or(|r| r.tx != Some(tx)) {
            return false;
        }
        let code = resp.code();
        if code < 200 {
            return true;
        }
        ctx.index.forget(tx);
        let status = StatusCode::new(code).unwrap_or(StatusCode::SERVER_INTERNAL_ERROR);
        let unsubscribed = resp
            .header("Refer-Sub")
            .is_some_and(|v| v.trim().eq_ignore_ascii_case("false"));
        match self.refer_out.as_mut() {
            // Taken on: its NOTIFYs will say how it goes (with no
            // subscription nothing will: taken on is all we learn).
            Some(r) if status.is_success() && !unsubscribed => r.tx = None,
            _ => self.transfer_over(ctx, now, status),
        }
        true
    }

    /// The peer's NOTIFY on `tx`: our transfer's progress, or another
    /// event package's news, reported.
    pub(super) fn on_notify(&mut self, ctx: &mut CallContext, now: Instant, tx: TxId, req: IncomingRequest) {
        let event = req.header("Event").unwrap_or("").to_owned();
        let package = event.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
        let body = req.body_text().unwrap_or("").to_owned();
        if package == "refer" && self.refer_out.is_some() {
            let status = match sip::sipfrag_status(&body) {
                Ok(s) => s,
                Err(why) => {
                    let resp =
                        dialog::response_in(&req.req, StatusCode::BAD_REQUEST, Some(why), self.local_tag(), None);
                    ctx.txs.respond(now, tx, resp);
                    return;
                }
            };
            ctx.reply(now, tx, &req.req, StatusCode::OK, self.local_tag());
            let state = req.header("Subscription-State").unwrap_or("").trim_start();
            let terminated = state.to_ascii_lowercase().starts_with("terminated");
            return match (status.is_provisional(), terminated) {
                (true, false) => ctx.events.push_back(SessionEvent::Transfer(self.id, status)),
                // Over with no final word on the new call: unknown, 408.
                (true, true) => self.transfer_over(ctx, now, StatusCode::REQUEST_TIMEOUT),
                (false, _) => self.transfer_over(ctx, now, status),
            };
        }
        ctx.reply(now, tx, &req.req, StatusCode::OK, self.local_tag());
        let notice = Notice {
            event,
            state: req.header("Subscription-State").unwrap_or("active").to_owned(),
            content_type: req.header("Content-Type").unwrap_or("").to_owned(),
            body,
        };
        ctx.events.push_back(SessionEvent::Notify(self.id, Box::new(notice)));
    }

    /// Our transfer ended with `status`: reported; a success hangs up.
    fn transfer_over(&mut self, ctx: &mut CallContext, now: Instant, status: StatusCode) {
        self.refer_out = None;
        ctx.events.push_back(SessionEvent::Transfer(self.id, status));
        if status.is_success() {
            self.send_bye(ctx, now);
            self.end(SessionEvent::Ended(self.id, EndReason::Transferred));
        }
    }

    /// Sends a NOTIFY as `notice` says (a bridge relaying its other leg's).
    pub fn send_notify(&mut self, ctx: &mut CallContext, now: Instant, notice: &Notice) {
        let headers = vec![
            ("Event".to_owned(), notice.event.clone()),
            ("Subscription-State".to_owned(), notice.state.clone()),
        ];
        let body = (!notice.body.is_empty()).then(|| (notice.content_type.as_str(), notice.body.clone()));
        self.send_within(ctx, now, Method::Notify, headers, body);
    }

    /// Sends `method` in the dialog (once it has one) with `headers` and
    /// a body of a type, if any; its transaction.
    pub(super) fn send_within(
        &mut self,
        ctx: &mut CallContext,
        now: Instant,
        method: Method,
        headers: Vec<(String, String)>,
        body: Option<(&str, String)>,
    ) -> Option<TxId> {
        let dialog = self.dialog.as_mut()?;
        let hop = dialog.next_hop();
        let (via, contact) = (ctx.via(hop), ctx.contact(hop));
        let mut spec = dialog.request(method, via, &contact, None);
        spec.extra.extend(headers);
        let req = match body {
            Some((ct, body)) if !ct.is_empty() => sip::request_with_body(spec, ct, body.into_bytes()),
            _ => sip::request(spec),
        };
        Some(ctx.send_request(now, self.id, hop, req.ok()?))
    }
}
