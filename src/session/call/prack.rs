//! Our PRACKs (RFC 3262, as UAC): a provisional that requires `100rel`
//! is acknowledged with a PRACK (`RAck: RSeq CSeq INVITE`) in its early
//! dialog (its fork's, when the INVITE forked: each fork has its own RSeq
//! order and CSeq), once: a retransmission (the same RSeq) or one out of
//! order is not, nor processed further (§4). The PRACK is a transaction of
//! its own, resent by the transaction layer until answered; the dialog's
//! CSeq goes on from it.

use super::Call;
use super::early::Rel;
use crate::ids::TxId;
use crate::session::context::CallContext;
use crate::sip::{self, IncomingResponse, Method};
use std::time::Instant;

impl Call {
    /// A provisional to our INVITE in fork `tag`'s early dialog: PRACKed
    /// in that dialog when it is reliable and next in its RSeq order (the
    /// first reliable one of a fork starts its order).
    pub(super) fn prack_if_reliable(
        &mut self,
        ctx: &mut CallContext,
        now: Instant,
        tag: &str,
        resp: &IncomingResponse,
    ) -> Rel {
        if !sip::lists(resp.resp.headers("Require"), "100rel") {
            return Rel::No;
        }
        let Some(rseq) = resp.header("RSeq").and_then(|v| v.trim().parse::<u32>().ok()) else {
            return Rel::No;
        };
        let Some(fork) = self.early.get_mut(tag) else {
            return Rel::Stale;
        };
        if fork.rseq.is_some_and(|last| rseq != last.wrapping_add(1)) {
            // Already acknowledged, or out of order.
            return Rel::Stale;
        }
        if let Some(old) = fork.prack.take() {
            ctx.index.forget(old);
        }
        let dialog = &mut fork.dialog;
        let hop = dialog.next_hop();
        let (via, contact) = (ctx.via(hop), ctx.contact(hop));
        let mut spec = dialog.request(Method::PRack, via, &contact, None);
        spec.extra
            .push(("RAck".into(), format!("{rseq} {} INVITE", resp.core.cseq)));
        fork.rseq = Some(rseq);
        fork.prack = sip::request(spec)
            .ok()
            .map(|req| ctx.send_request(now, self.id, hop, req));
        Rel::New
    }

    /// A response to a request of ours other than the INVITE: a PRACK's
    /// (a final one ends it; a refused PRACK leaves the call to its
    /// INVITE), our INFO's, else our re-INVITE's (one for a transaction
    /// of ours no longer awaited is dropped).
    pub(super) fn on_other_response(&mut self, ctx: &mut CallContext, now: Instant, tx: TxId, resp: IncomingResponse) {
        if let Some(fork) = self.early.by_prack(tx) {
            if resp.code() >= 200 {
                ctx.index.forget(tx);
                fork.prack = None;
            }
            return;
        }
        if self.on_info_response(ctx, now, tx, &resp) {
            return;
        }
        if self.on_refer_response(ctx, now, tx, &resp) {
            return;
        }
        if self.reinvite.pending_tx() != Some(tx) {
            if resp.code() >= 200 {
                ctx.index.forget(tx);
            }
            return;
        }
        self.on_reinvite_response(ctx, now, resp)
    }
}
