//! Provisionals to our INVITE: the call rings at the first; each with a
//! To tag belongs to its fork's early dialog (`early`), opened by its
//! first, PRACKed in it when reliable (`prack`); SDP in one is that fork's
//! answer to our offer, and the media follow it from then on (RFC 3261
//! §13.2.2.4: each fork answers the offer on its own).

use super::early::Rel;
use super::{Call, CallState, Invite};
use crate::dialog::Dialog;
use crate::sdp::Sdp;
use crate::session::context::{CallContext, MediaChange};
use crate::session::{Fork, SessionEvent};
use crate::sip::{self, IncomingResponse};
use std::time::Instant;

impl Call {
    /// A provisional to our INVITE: the call rings; one with a To tag is
    /// in its fork's early dialog (opened by its first); SDP in it is that
    /// fork's answer, which the media follow from now.
    pub(super) fn on_provisional(&mut self, ctx: &mut CallContext, now: Instant, resp: &IncomingResponse) {
        let code = resp.code();
        if code > 100 && self.state == CallState::Calling {
            ctx.events.push_back(SessionEvent::Ringing(self.id));
            self.state = CallState::Early;
        }
        let tag = resp.core.to_tag().filter(|t| code > 100 && !t.is_empty());
        match tag {
            Some(tag) => self.in_early_dialog(ctx, now, tag, resp),
            // No dialog (RFC 3261 §12.1): its SDP taken all the same.
            None => {
                if let Some(sdp) = super::uac::body_sdp(resp.body_text()) {
                    self.take_early_answer(ctx, sdp);
                }
            }
        }
        if self.cancel_requested {
            self.send_cancel(ctx, now);
        }
    }

    /// Provisional `resp` with To tag `tag`, in its fork's early dialog.
    fn in_early_dialog(&mut self, ctx: &mut CallContext, now: Instant, tag: &str, resp: &IncomingResponse) {
        let Invite::Sent { req: invite, .. } = &self.invite else {
            return;
        };
        let new = match self.early.get_mut(tag) {
            Some(fork) => {
                // Its latest 18x's Contact is where it is now.
                if let Some(c) = resp.resp.header("Contact") {
                    fork.dialog.remote_target = sip::uri_of(c).into();
                }
                false
            }
            None => {
                let mut dialog = Dialog::uac(invite, resp, self.peer);
                dialog.flow = self.pinned.then(|| Box::new(self.peer));
                if self.early.is_empty() {
                    // Requests in any of them come to this call (our tag
                    // is all their key).
                    ctx.index.add_dialog(dialog.key_parts(), self.id);
                }
                ctx.stats.forked_calls += u64::from(self.early.len() == 1);
                if self.early.open(dialog, resp.code()).is_none() {
                    ctx.stats.forks_ignored += 1;
                    tracing::debug!(call = %self.id, tag, "a fork past the limit: its provisional ignored");
                    return;
                }
                true
            }
        };
        if let Rel::Stale = self.prack_if_reliable(ctx, now, tag, resp) {
            return;
        }
        let sdp = super::uac::body_sdp(resp.body_text());
        let media = self.early.media();
        let Some(fork) = self.early.get_mut(tag) else { return };
        let (index, moved) = (fork.index, sdp.is_some() && media != Some(fork.index));
        if let Some(sdp) = sdp {
            fork.sdp = Some(sdp.clone());
            self.early.follow(index);
            self.take_early_answer(ctx, sdp);
        }
        // Forks are told of once there are two (the first, then, too); a
        // call that did not fork has its `Ringing` and `EarlyMedia` only.
        if !(new || moved) || self.early.len() < 2 {
            return;
        }
        if new && self.early.len() == 2 {
            ctx.events
                .extend(self.early.first().map(|f| SessionEvent::EarlyDialog(self.id, f)));
        }
        let fork = Fork {
            index,
            tag: tag.to_owned(),
            status: resp.code(),
            media: moved,
        };
        ctx.events.push_back(SessionEvent::EarlyDialog(self.id, fork));
    }

    /// An answer to our offer in a provisional: the media follow it (the
    /// first is early media; a new one, another fork's or a changed one,
    /// moves the media to it).
    fn take_early_answer(&mut self, ctx: &mut CallContext, sdp: Sdp) {
        match self.sdp.remote.replace(sdp) {
            None => ctx.events.push_back(SessionEvent::EarlyMedia(self.id)),
            Some(old) if Some(&old) != self.sdp.remote.as_ref() => ctx.media_changed(self.id, MediaChange::Update),
            Some(_) => {}
        }
    }

    /// The answer the call takes with the 2xx of fork `tag`: the 2xx's
    /// own, else the one that fork gave early (not another fork's).
    pub(super) fn final_answer(&self, tag: &str, resp: &IncomingResponse) -> Option<Sdp> {
        super::uac::body_sdp(resp.body_text()).or_else(|| self.early.get(tag).and_then(|f| f.sdp.clone()))
    }
}
