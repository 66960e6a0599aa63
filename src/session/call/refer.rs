//! The peer's REFER (RFC 3515): read and checked here (a malformed
//! Refer-To, Replaces or Refer-Sub gets 400 naming it), then reported
//! for the gateway (or the application) to take on or refuse; taken on,
//! it is answered 202 and, unless the peer asked for no subscription
//! (RFC 4488), the new call's progress goes back in NOTIFYs carrying a
//! sipfrag of its latest status (§2.4.4–2.4.5), the last one ending the
//! implicit subscription.

use super::{Call, CallState};
use crate::dialog;
use crate::ids::TxId;
use crate::session::context::CallContext;
use crate::session::{Referral, SessionEvent};
use crate::sip::{self, IncomingRequest, Method, ReferTo};
use crate::status::StatusCode;
use std::time::Instant;

/// A REFER from the peer, and the subscription it made.
#[derive(Debug)]
pub(super) struct ReferIn {
    /// The REFER and its transaction, until answered.
    pending: Option<(TxId, Box<sip::Message>)>,
    /// Its CSeq: the `id` of its `Event: refer`.
    id: u32,
    /// It made a subscription (no `Refer-Sub: false`).
    subscribed: bool,
    /// Its final NOTIFY went (or it was refused).
    done: bool,
}

impl Call {
    /// The peer's REFER on `tx`.
    pub(super) fn on_refer(&mut self, ctx: &mut CallContext, now: Instant, tx: TxId, req: IncomingRequest) {
        let refuse = |ctx: &mut CallContext, status, why: &str| {
            let resp = dialog::response_in(&req.req, status, Some(why), self.local_tag(), None);
            ctx.txs.respond(now, tx, resp);
        };
        if self.state != CallState::Connected {
            return refuse(ctx, StatusCode::FORBIDDEN, "Transfer before answer");
        }
        if self.refer_in.as_ref().is_some_and(|r| !r.done) {
            return refuse(ctx, StatusCode::REQUEST_PENDING, "Transfer in progress");
        }
        let targets: Vec<&str> = req.req.headers("Refer-To").collect();
        let read = match targets[..] {
            [one] => ReferTo::parse(one),
            _ => Err("Bad Refer-To"),
        };
        let (target, subscribed) = match (read, sip::refer_sub(req.header("Refer-Sub"))) {
            (Ok(t), Ok(s)) => (t, s),
            (Err(why), _) | (_, Err(why)) => return refuse(ctx, StatusCode::BAD_REQUEST, why),
        };
        let replaces = match &target.replaces {
            None => None,
            Some(r) => match ctx.index.dialog_call(&r.call_id, &r.to_tag) {
                Some(id) if id != self.id => Some(id),
                _ => return refuse(ctx, StatusCode::FORBIDDEN, "Replaces names no dialog here"),
            },
        };
        self.refer_in = Some(Box::new(ReferIn {
            pending: Some((tx, Box::new(req.req))),
            id: req.core.cseq,
            subscribed,
            done: false,
        }));
        let referral = Referral {
            target: target.uri,
            replaces,
        };
        ctx.events.push_back(SessionEvent::Referred(self.id, referral));
    }

    /// Answers the peer's REFER: 202 (then a first NOTIFY, 100 Trying) to
    /// take it on, else the refusal `status`.
    pub fn answer_refer(&mut self, ctx: &mut CallContext, now: Instant, status: StatusCode) {
        let Some(refer) = self.refer_in.as_mut() else { return };
        let Some((tx, req)) = refer.pending.take() else { return };
        let status = if status.is_success() {
            StatusCode::ACCEPTED
        } else {
            status
        };
        let mut resp = dialog::response_in(&req, status, None, Self::tag_in(&self.dialog, &self.local_tag), None);
        if !refer.subscribed {
            resp.headers
                .push(sip::Header::Other("Refer-Sub".into(), "false".into()));
        }
        ctx.txs.respond(now, tx, resp);
        if status.is_success() {
            self.notify_refer(ctx, now, StatusCode::TRYING);
        } else {
            refer.done = true;
        }
    }

    /// Tells the peer how the call it asked for goes: a NOTIFY with
    /// `status` as a sipfrag, the subscription ended by a final status.
    pub fn notify_refer(&mut self, ctx: &mut CallContext, now: Instant, status: StatusCode) {
        let Some(refer) = self.refer_in.as_mut().filter(|r| r.pending.is_none() && !r.done) else {
            return;
        };
        let last = !status.is_provisional();
        refer.done = last;
        if !refer.subscribed {
            return;
        }
        let state = if last {
            "terminated;reason=noresource"
        } else {
            "active;expires=60"
        };
        let headers = vec![
            ("Event".to_owned(), format!("refer;id={}", refer.id)),
            ("Subscription-State".to_owned(), state.to_owned()),
        ];
        let body = Some((sip::SIPFRAG, sip::sipfrag(status)));
        self.send_within(ctx, now, Method::Notify, headers, body);
    }
}
