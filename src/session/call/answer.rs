//! A 2xx to our INVITE (RFC 3261 §13.2.2.4): the first forms the call's
//! dialog, from the early dialog of the fork that sent it when there was
//! one (its CSeq goes on; its answer is the call's when the 2xx carries
//! none) — the media move to that fork's SDP. Every 2xx is ACKed; a 2xx
//! from another fork, later, is hung up (BYE within its own dialog, once).

use super::{Call, CallState, Invite};
use crate::dialog::Dialog;
use crate::session::context::{CallContext, MediaChange};
use crate::session::{EndReason, SessionEvent};
use crate::sip::{IncomingResponse, Method};
use crate::status::StatusCode;
use std::time::Instant;

impl Call {
    /// A 2xx to our INVITE: the dialog forms with the first; a fork's 2xx
    /// is ACKed and, from another callee, hung up.
    pub(super) fn on_invite_ok(&mut self, ctx: &mut CallContext, now: Instant, resp: IncomingResponse) {
        let mut fresh = match (&self.invite, &self.dialog) {
            (Invite::Sent { req, .. }, _) => Dialog::uac(req, &resp, self.peer),
            (Invite::Answered { .. }, Some(ours)) => Dialog::uac_beside(ours, &resp, self.peer),
            _ => return,
        };
        let tag = resp.core.to_tag().unwrap_or_default().to_owned();
        fresh.flow = self.pinned.then(|| Box::new(self.peer));
        let early = self.early.get(&tag).map(|f| (f.dialog.local_seq, f.dialog.remote_seq));
        if let Some((local_seq, remote_seq)) = early {
            // The early dialog goes on, its route set recomputed from the
            // 2xx (§13.2.2.4), its CSeqs kept.
            fresh.local_seq = fresh.local_seq.max(local_seq);
            fresh.remote_seq = remote_seq;
        }
        Self::send_ack(ctx, &mut fresh, resp.core.cseq);
        if let Some(existing) = &self.dialog {
            if existing.remote_tag() != tag {
                self.hang_up_fork(ctx, now, fresh);
            }
            return;
        }
        if let Some(answer) = self.final_answer(&tag, &resp) {
            self.sdp.remote = Some(answer);
        }
        ctx.index.add_dialog(fresh.key_parts(), self.id);
        self.set_dialog(fresh);
        self.invite.answered();
        self.early.answered(&tag);
        self.locate_hop(ctx, now);
        if self.sdp.disagree() {
            // An answer we cannot take (SRTP we required missing, no
            // codec we offered): the call cannot go on (RFC 3264 §6).
            tracing::warn!(call = %self.id, "the answer does not agree with our offer; hanging up");
            self.send_bye(ctx, now);
            return self.end(SessionEvent::Failed(self.id, StatusCode::NOT_ACCEPTABLE_HERE));
        }
        self.state = CallState::Connected;
        self.set_answered(now);
        if self.cancel_requested {
            self.send_bye(ctx, now);
            return self.end(SessionEvent::Ended(self.id, EndReason::Cancelled));
        }
        ctx.stats.calls_answered += 1;
        self.adopt_session_timer(ctx, now, &resp.resp);
        ctx.media_changed(self.id, MediaChange::Update);
        ctx.events.push_back(SessionEvent::Answered(self.id));
        // A hold or resume asked for while the call rang.
        self.send_wanted(ctx, now);
    }

    /// A 2xx from fork `dialog`'s callee after another's: BYE within its
    /// dialog, once (its retransmissions are only ACKed).
    fn hang_up_fork(&mut self, ctx: &mut CallContext, now: Instant, mut dialog: Dialog) {
        let tag = dialog.remote_tag().to_owned();
        if self.early.get(&tag).is_none() && self.early.open(dialog.clone(), 200).is_none() {
            // Past the limit of forks kept: hung up, not remembered.
            Self::send_bye_on(ctx, now, &mut dialog, None);
            return;
        }
        let Some(fork) = self.early.get_mut(&tag).filter(|f| !f.hung_up) else {
            return;
        };
        fork.hung_up = true;
        Self::send_bye_on(ctx, now, &mut dialog, None);
        fork.dialog = dialog;
    }

    /// A 2xx that matched no transaction (resent after ours ended): ACKed
    /// again when it is our dialog's.
    pub fn handle_stray_ok(&self, ctx: &mut CallContext, resp: &IncomingResponse) {
        let Some(mut dialog) = self.dialog.clone() else { return };
        if Some(dialog.remote_tag()) == resp.core.to_tag() {
            Self::send_ack(ctx, &mut dialog, resp.core.cseq);
        }
    }

    /// The ACK for a 2xx (§13.2.2.4): a new transaction-less request.
    pub(super) fn send_ack(ctx: &mut CallContext, dialog: &mut Dialog, cseq: u32) {
        let hop = dialog.next_hop();
        let mut via = Default::default();
        let contact = ctx.contact(hop);
        let via = ctx.via_in(hop, &mut via);
        if let Some(bytes) = dialog.request_bytes(Method::Ack, via, &contact, Some(cseq), &[]) {
            ctx.txs.send_stateless(hop, bytes);
        }
    }
}
