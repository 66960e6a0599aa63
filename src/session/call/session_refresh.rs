//! Refreshing a session (RFC 4028 §10) when we are its refresher: a
//! re-INVITE with our offer unchanged at half the interval, and what its
//! final response means for the session.

use super::{Call, CallTimer};
use crate::sdp::Sdp;
use crate::session::context::{CallContext, MediaChange};
use crate::sip::{self, IncomingResponse, Refresher};
use std::time::{Duration, Instant};

impl Call {
    /// Time to refresh: a re-INVITE with our offer unchanged (a moment
    /// later if another re-INVITE is in progress).
    pub(super) fn refresh_session(&mut self, ctx: &mut CallContext, now: Instant) {
        let (Some(s), Some(offer)) = (self.session, self.sdp.local.clone()) else {
            return;
        };
        if self.reinvite_busy() {
            return self.set_timer(ctx, CallTimer::SessionRefresh, now + Duration::from_secs(2));
        }
        let min_se = self.timer_config(ctx).min_se;
        let asked =
            super::invite_headers::InviteHeaders::asking(Some("timer"), s.interval, min_se, Some(Refresher::Uac));
        self.send_reinvite(ctx, now, None, offer, asked.owned());
    }

    /// The final response to our refresh: a 2xx renews the session (and
    /// says who refreshes next); 491 is retried in 2–4 s, 422 at once with
    /// the interval asked; 408 and 481 end the call (§12.2.1.2); any other
    /// leaves the session to its expiry (retried in 10 s if we refresh).
    pub(super) fn on_refresh_response(
        &mut self,
        ctx: &mut CallContext,
        now: Instant,
        resp: IncomingResponse,
        offer: Sdp,
    ) {
        match resp.code() {
            200..=299 => self.refresh_target(ctx, &resp.resp),
            408 | 481 => return self.dialog_lost(ctx, now, resp.code() == 408),
            422 => {
                let asked = resp.resp.header("Min-SE").and_then(|v| sip::min_se(v).ok());
                if let (Some(s), Some(min)) = (self.session.as_mut(), asked.filter(|&m| m > 0)) {
                    s.interval = s.interval.max(min);
                    self.session_min_se = self.session_min_se.max(min);
                    return self.refresh_session(ctx, now);
                }
                return;
            }
            491 => {
                let after = Duration::from_millis(ctx.random(210..=400) * 10);
                return self.set_timer(ctx, CallTimer::SessionRefresh, now + after);
            }
            _ => {
                tracing::info!(call = %self.id, code = resp.code(), "session refresh refused");
                if self.session.is_some_and(|s| s.we_refresh) {
                    self.set_timer(ctx, CallTimer::SessionRefresh, now + Duration::from_secs(10));
                }
                return self.send_wanted(ctx, now);
            }
        }
        if let Some(answer) = super::uac::body_sdp(resp.body_text()) {
            self.sdp.remote = Some(answer);
        }
        self.sdp.local = Some(offer);
        if let Some(mut dialog) = self.dialog.clone() {
            Self::send_ack(ctx, &mut dialog, resp.core.cseq);
        }
        self.adopt_session_timer(ctx, now, &resp.resp);
        ctx.media_changed(self.id, MediaChange::Update);
        self.send_wanted(ctx, now);
    }
}
