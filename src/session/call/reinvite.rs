//! Our re-INVITEs (RFC 3261 §14): the hold and resume we ask for,
//! one at a time (§14.1: a wish made while another re-INVITE is in
//! progress waits, the latest wins; a 491 is retried after 2.1–4 s if we
//! made the Call-ID, 0–2 s if not; a 500 or 503 with a Retry-After of at
//! most 10 s after that long, §14.2; after three such refusals, or any
//! other, the wish is reported failed). The peer's are in
//! `peer_reinvite.rs`.

use super::reinvite_retry::retry_after;
use super::{Call, CallState, CallTimer};
use crate::ids::TxId;
use crate::sdp::{self, Sdp};
use crate::session::SessionEvent;
use crate::session::context::{CallContext, MediaChange};
use crate::sip::{self, IncomingResponse, Method};
use crate::status::StatusCode;
use std::time::Instant;

/// Our re-INVITE in flight: whether it holds or resumes (`None`: a
/// session refresh, RFC 4028), and its offer.
#[derive(Debug, Clone)]
struct Pending {
    hold: Option<bool>,
    offer: Sdp,
    tx: TxId,
}

/// Refusals to retry (491, or 500/503 with Retry-After) before a hold or
/// resume is given up and reported as failed.
const MAX_RETRIES: u8 = 3;

/// The re-INVITE state of a call.
#[derive(Debug, Default, Clone)]
pub(super) struct Reinvite {
    /// Ours, in flight.
    pending: Option<Box<Pending>>,
    /// Hold (true) or resume asked for while another re-INVITE was in
    /// progress: sent once it completes.
    pub(super) wanted: Option<bool>,
    /// Refusals in a row that asked us to retry.
    pub(super) retries: u8,
}

impl Reinvite {
    /// The transaction of our re-INVITE in flight.
    pub fn pending_tx(&self) -> Option<TxId> {
        self.pending.as_ref().map(|p| p.tx)
    }

    /// Whether our re-INVITE is in flight.
    pub fn is_pending(&self) -> bool {
        self.pending.is_some()
    }

    /// Forgets our re-INVITE if `tx` is its transaction; whether it was.
    pub fn drop_if(&mut self, tx: TxId) -> bool {
        let ours = self.pending_tx() == Some(tx);
        if ours {
            self.pending = None;
        }
        ours
    }
}

impl Call {
    /// Whether a re-INVITE (ours, the peer's awaiting our 2xx's ACK, or a
    /// 491 retry) is in progress.
    pub(super) fn reinvite_busy(&self) -> bool {
        self.reinvite.pending.is_some() || self.ok.is_some() || self.timers.is_set(CallTimer::ReinviteRetry)
    }

    /// Puts the peer on hold (`hold`) or resumes it with a re-INVITE;
    /// before the call is answered (a bridge relaying an early UPDATE's
    /// hold), once it is.
    pub fn request_hold(&mut self, ctx: &mut CallContext, now: Instant, hold: bool) {
        if self.state != CallState::Connected || self.reinvite_busy() {
            self.reinvite.wanted = Some(hold);
            return;
        }
        if self.sdp.on_hold == hold {
            return;
        }
        let t = self.dialog.as_ref().map(|d| d.transport());
        if let Some(offer) = t.and_then(|t| self.sdp.hold_offer(hold, &ctx.cfg.codecs, t)) {
            self.send_reinvite(ctx, now, Some(hold), offer, Vec::new());
        }
    }

    /// Sends a re-INVITE with `offer` and `extra` headers: a hold or
    /// resume (`Some`), or a session refresh (`None`).
    pub(super) fn send_reinvite(
        &mut self,
        ctx: &mut CallContext,
        now: Instant,
        hold: Option<bool>,
        offer: Sdp,
        extra: Vec<(String, String)>,
    ) {
        let Some(dialog) = self.dialog.as_mut() else { return };
        let hop = dialog.next_hop();
        let (via, contact) = (ctx.via(hop), ctx.contact(hop));
        let mut spec = dialog.request(Method::Invite, via, &contact, None);
        spec.extra.extend(self.authorization(ctx, "INVITE", &spec.uri));
        spec.extra.extend(extra);
        // Written as a `Message`: its Request-URI goes out as the dialog
        // holds it, the text its credentials were computed over.
        let body = sdp::render(&offer);
        let Some(req) = sip::Message::request(&spec, &[], Some(("application/sdp", body.as_bytes()))) else {
            return;
        };
        let tx = ctx.send_invite(now, self.id, hop, std::sync::Arc::new(req));
        self.reinvite.pending = Some(Box::new(Pending { hold, offer, tx }));
    }

    /// A final response to our re-INVITE.
    pub(super) fn on_reinvite_response(&mut self, ctx: &mut CallContext, now: Instant, resp: IncomingResponse) {
        let code = resp.code();
        if code < 200 {
            return;
        }
        let Some(pending) = self.reinvite.pending.take() else {
            return;
        };
        ctx.index.forget(pending.tx);
        let Some(hold) = pending.hold else {
            return self.on_refresh_response(ctx, now, resp, pending.offer);
        };
        let moved = self
            .sdp
            .local
            .as_ref()
            .is_some_and(|l| l.audio.port != pending.offer.audio.port);
        // A takeover's re-INVITE refused for now (glare, a challenge, a
        // short Retry-After) is tried again below, like any of ours.
        let again = self.adopted && matches!(code, 401 | 407 | 491 | 500 | 503);
        if (moved || self.adopted) && code >= 300 && !again {
            // Our media moved (a transfer) and the peer will not follow:
            // it would send to a port we no longer listen on.
            tracing::warn!(call = %self.id, code, "the peer refused our media's new port; hanging up");
            self.send_bye(ctx, now);
            return self.end(SessionEvent::Ended(self.id, crate::session::EndReason::NotAgreed));
        }
        let retry = self.reinvite.retries < MAX_RETRIES;
        match code {
            491 if retry => return self.back_off(ctx, now, hold),
            // A challenge: the retry, at once, carries our answer.
            401 | 407 if retry && self.keep_challenge(&resp) => {
                self.reinvite.retries += 1;
                self.reinvite.wanted.get_or_insert(hold);
                return self.set_timer(ctx, CallTimer::ReinviteRetry, now);
            }
            408 | 481 => return self.dialog_lost(ctx, now, code == 408),
            500 | 503 if retry && let Some(after) = retry_after(&resp) => {
                self.reinvite.retries += 1;
                self.reinvite.wanted.get_or_insert(hold);
                return self.set_timer(ctx, CallTimer::ReinviteRetry, now + after);
            }
            300.. if self.adopted => {
                // A call taken over that its peer will not follow.
                tracing::warn!(call = %self.id, code, "the peer refused to follow a call taken over; hanging up");
                self.send_bye(ctx, now);
                return self.end(SessionEvent::Ended(self.id, crate::session::EndReason::NotAgreed));
            }
            300.. => {
                // Refused for good: the media stay as they were; say so.
                self.reinvite.retries = 0;
                let status = StatusCode::new(code).unwrap_or(StatusCode::SERVER_INTERNAL_ERROR);
                ctx.events.push_back(SessionEvent::HoldFailed(self.id, status));
                return self.send_wanted(ctx, now);
            }
            _ => self.reinvite.retries = 0,
        }
        if let Some(answer) = super::uac::body_sdp(resp.body_text()) {
            self.sdp.remote = Some(answer);
        }
        self.refresh_target(ctx, &resp.resp);
        self.sdp.local = Some(pending.offer);
        self.sdp.on_hold = hold;
        self.adopt_session_timer(ctx, now, &resp.resp);
        if let Some(mut dialog) = self.dialog.clone() {
            Self::send_ack(ctx, &mut dialog, resp.core.cseq);
        }
        if self.sdp.disagree() {
            return self.hang_up_disagreed(ctx, now);
        }
        ctx.media_changed(self.id, MediaChange::Update);
        if std::mem::take(&mut self.adopted) {
            // A takeover's re-INVITE: nothing changed for the other leg.
            ctx.events.push_back(SessionEvent::TakenOver(self.id));
            return self.send_wanted(ctx, now);
        }
        ctx.events.push_back(if hold {
            SessionEvent::Held(self.id)
        } else {
            SessionEvent::Resumed(self.id)
        });
        self.send_wanted(ctx, now);
    }
}
