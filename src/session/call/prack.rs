//! Our PRACKs (RFC 3262, as UAC): a provisional that requires `100rel`
//! is acknowledged with a PRACK (`RAck: RSeq CSeq INVITE`) in its early
//! dialog, once: a retransmission (the same RSeq) or one out of order is
//! not (§4). The PRACK is a transaction of its own, resent by the
//! transaction layer until answered; the dialog's CSeq goes on from it.

use super::{Call, Invite};
use crate::dialog::Dialog;
use crate::ids::TxId;
use crate::session::context::CallContext;
use crate::sip::{self, IncomingResponse, Method};
use std::time::Instant;

/// The early dialog our PRACKs go in, the last RSeq acknowledged, and the
/// PRACK in flight.
#[derive(Debug, Clone)]
pub(super) struct Pracks {
    dialog: Dialog,
    last_rseq: u32,
    tx: Option<TxId>,
}

impl Pracks {
    /// The PRACK in flight.
    pub fn tx(&self) -> Option<TxId> {
        self.tx
    }

    /// The last CSeq used in the early dialog.
    pub fn local_seq(&self) -> u32 {
        self.dialog.local_seq
    }
}

impl Call {
    /// A provisional to our INVITE: PRACKed when it is reliable and new.
    pub(super) fn prack_if_reliable(&mut self, ctx: &mut CallContext, now: Instant, resp: &IncomingResponse) {
        if !sip::lists(sip::headers_in(&resp.resp.headers, "Require"), "100rel") {
            return;
        }
        let Some(rseq) = resp.header("RSeq").and_then(|v| v.trim().parse::<u32>().ok()) else {
            return;
        };
        let Invite::Sent { req: invite, .. } = &self.invite else {
            return;
        };
        let tag = resp.core.to_tag.clone().unwrap_or_default();
        let (mut dialog, last_tx) = match self.rel.pracks.take() {
            Some(p) if p.dialog.id.remote_tag == tag => {
                if rseq != p.last_rseq.wrapping_add(1) {
                    // Already acknowledged, or out of order: not PRACKed.
                    self.rel.pracks = Some(p);
                    return;
                }
                (p.dialog, p.tx)
            }
            // The first, or another fork's (the one we keep).
            other => (Dialog::uac(invite, resp, self.peer), other.and_then(|p| p.tx)),
        };
        if let Some(old) = last_tx {
            ctx.index.forget(old);
        }
        let hop = dialog.next_hop();
        let (via, contact) = (ctx.via(hop), ctx.contact(hop));
        let mut spec = dialog.request(Method::PRack, via, &contact, None);
        spec.extra
            .push(("RAck".into(), format!("{rseq} {} INVITE", resp.core.cseq)));
        let tx = sip::request(&spec)
            .ok()
            .map(|req| ctx.send_request(now, self.id, hop, req));
        self.rel.pracks = Some(Pracks {
            dialog,
            last_rseq: rseq,
            tx,
        });
    }

    /// A response to a request of ours other than the INVITE: our PRACK's
    /// (a final one ends it; a refused PRACK leaves the call to its
    /// INVITE), else our re-INVITE's.
    pub(super) fn on_other_response(&mut self, ctx: &mut CallContext, now: Instant, tx: TxId, resp: IncomingResponse) {
        if let Some(p) = self.rel.pracks.as_mut().filter(|p| p.tx == Some(tx)) {
            if resp.code() >= 200 {
                ctx.index.forget(tx);
                p.tx = None;
            }
            return;
        }
        self.on_reinvite_response(ctx, now, resp)
    }
}
