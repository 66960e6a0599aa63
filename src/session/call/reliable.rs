//! Our provisional responses sent reliably (RFC 3262, as UAS) when the
//! INVITE requires `100rel`: each 18x carries `Require: 100rel` and the
//! next `RSeq`, is resent (T1 doubling) until the peer's PRACK for it,
//! and the call is refused with 500 if none comes in 64·T1; a second 18x,
//! or the 2xx, waits for that PRACK (§3). A PRACK that matches gets 200,
//! one that does not 481, an unreadable `RAck` 400 naming it.

use super::{Call, CallTimer, Invite};
use crate::dialog::{self, Dialog};
use crate::ids::TxId;
use crate::sdp::Sdp;
use crate::session::MediaMode;
use crate::session::context::CallContext;
use crate::sip::IncomingRequest;
use crate::status::StatusCode;
use crate::transaction::Backoff;
use bytes::Bytes;
use std::time::Instant;

/// A provisional response to send: its status and SDP (written out when
/// it is sent, with the RSeq it then gets).
#[derive(Debug, Clone)]
pub(super) struct Provisional {
    pub status: StatusCode,
    pub sdp: Option<String>,
}

/// What waits for the PRACK of our reliable provisional.
#[derive(Debug, Clone)]
enum Waiting {
    Provisional(Provisional),
    Accept(MediaMode, Option<Sdp>),
}

/// Our unacknowledged reliable provisional.
#[derive(Debug, Clone)]
struct Unacked {
    bytes: Bytes,
    rseq: u32,
    backoff: Backoff,
    until: Instant,
}

/// A UAS call's reliable provisionals (kept `Rare` in a call: boxed only
/// when its INVITE requires them).
#[derive(Debug, Clone, Default)]
pub(super) struct Reliable {
    /// The INVITE required 100rel: every provisional but 100 is reliable.
    pub on: bool,
    rseq: u32,
    unacked: Option<Box<Unacked>>,
    waiting: thin_vec::ThinVec<Waiting>,
}

impl crate::collections::Empty for Reliable {
    const EMPTY: &'static Self = &Reliable {
        on: false,
        rseq: 0,
        unacked: None,
        waiting: thin_vec::ThinVec::new(),
    };
}

/// An `RAck` value: (RSeq, CSeq number, method).
fn rack(value: &str) -> Option<(u32, u32, &str)> {
    let mut it = value.split_whitespace();
    let (rseq, cseq, method) = (it.next()?.parse().ok()?, it.next()?.parse().ok()?, it.next()?);
    it.next().is_none().then_some((rseq, cseq, method))
}

impl Call {
    /// Sends provisional `p` to the offered INVITE: reliably when the
    /// INVITE required it (after the PRACK of the one before), else as is.
    pub(super) fn send_provisional(&mut self, ctx: &mut CallContext, now: Instant, p: Provisional) {
        let Invite::Received { req, tx } = &self.invite else {
            return;
        };
        let (req, tx) = (req.clone(), *tx);
        let contact = ctx.contact(self.peer);
        let sdp = p.sdp.as_deref().map(str::as_bytes);
        let tag = Self::tag_in(&self.dialog, &self.local_tag);
        let write =
            |more: &[(&str, &str)]| dialog::response_bytes_in(&req.req, p.status, tag, Some(&contact), more, sdp);
        if !self.rel.on {
            ctx.txs.respond_bytes(now, tx, p.status.code(), write(&[]));
            return;
        }
        let rel = self.rel.make();
        if rel.unacked.is_some() {
            return rel.waiting.push(Waiting::Provisional(p));
        }
        rel.rseq += 1;
        let rseq = rel.rseq;
        let bytes = write(&[("Require", "100rel"), ("RSeq", &rseq.to_string())]);
        if self.dialog.is_none() {
            // The early dialog the PRACK comes in.
            let early = Dialog::uas(&req, self.local_tag(), self.peer);
            ctx.index.add_dialog(early.key_parts(), self.id);
            self.set_dialog(early);
        }
        let Some(bytes) = ctx.txs.respond_bytes(now, tx, p.status.code(), bytes) else {
            return;
        };
        let t = ctx.cfg.timers;
        let backoff = Backoff::start(now, t.t1, None);
        self.set_timer(ctx, CallTimer::ProvisionalRetransmit, backoff.next);
        let until = now + t.t64();
        self.rel.make().unacked = Some(Box::new(Unacked {
            bytes,
            rseq,
            backoff,
            until,
        }));
    }

    /// An answer asked for while a reliable provisional awaits its PRACK:
    /// kept for then (true), or not (false: answer now).
    pub(super) fn accept_waits(&mut self, mode: MediaMode, answer: &Option<Sdp>) -> bool {
        let waits = self.rel.unacked.is_some();
        if waits {
            self.rel.make().waiting.push(Waiting::Accept(mode, answer.clone()));
        }
        waits
    }

    /// Time to resend our reliable provisional, or, after 64·T1 without a
    /// PRACK, to refuse the call (§3).
    pub(super) fn on_provisional_retransmit(&mut self, ctx: &mut CallContext, now: Instant) {
        let Some(u) = self.rel.existing().and_then(|r| r.unacked.as_mut()) else {
            return;
        };
        if now >= u.until {
            tracing::info!(call = %self.id, "no PRACK for our reliable provisional; refusing the call");
            self.rel.clear();
            return self.reject(ctx, now, StatusCode::SERVER_INTERNAL_ERROR);
        }
        u.backoff.advance(now);
        let next = u.backoff.next.min(u.until);
        ctx.txs.send_stateless(self.peer, u.bytes.clone());
        self.set_timer(ctx, CallTimer::ProvisionalRetransmit, next);
    }

    /// The peer's PRACK on `tx`: 200 when it acknowledges our reliable
    /// provisional (and what waited for it goes), else 481 or 400.
    pub(super) fn on_prack(&mut self, ctx: &mut CallContext, now: Instant, tx: TxId, req: IncomingRequest) {
        let tag = self.local_tag().to_owned();
        let Some((rseq, cseq, method)) = req.header("RAck").and_then(rack) else {
            let resp = dialog::response_in(&req.req, StatusCode::BAD_REQUEST, Some("Bad RAck"), &tag, None);
            ctx.txs.respond(now, tx, resp);
            return;
        };
        let invite_cseq = match &self.invite {
            Invite::Received { req, .. } => req.core.cseq,
            Invite::Sent { .. } | Invite::Adopted | Invite::Acked { .. } | Invite::Answered { .. } => 0,
        };
        let acks = self.rel.unacked.as_ref().is_some_and(|u| u.rseq == rseq)
            && cseq == invite_cseq
            && method.eq_ignore_ascii_case("INVITE");
        if !acks {
            return ctx.reply(now, tx, &req.req, StatusCode::CALL_DOES_NOT_EXIST, &tag);
        }
        ctx.reply(now, tx, &req.req, StatusCode::OK, &tag);
        self.rel.make().unacked = None;
        self.timers.clear(CallTimer::ProvisionalRetransmit);
        while self.rel.unacked.is_none()
            && let Some(next) = self
                .rel
                .existing()
                .filter(|r| !r.waiting.is_empty())
                .map(|r| r.waiting.remove(0))
        {
            match next {
                Waiting::Provisional(p) => self.send_provisional(ctx, now, p),
                Waiting::Accept(mode, answer) => self.accept(ctx, now, mode, answer),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn rack_is_three_fields() {
        assert_eq!(super::rack("1 314 INVITE"), Some((1, 314, "INVITE")));
        assert_eq!(super::rack(" 7  2 invite "), Some((7, 2, "invite")));
        assert_eq!(super::rack("1 INVITE"), None);
        assert_eq!(super::rack("x 1 INVITE"), None);
        assert_eq!(super::rack("1 2 INVITE extra"), None);
    }
}
