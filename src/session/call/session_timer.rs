//! Session timers (RFC 4028) on one leg: what our INVITEs ask for
//! (`Session-Expires`, `Min-SE`, `Supported: timer`), what our 2xx grants
//! to the peer's INVITE or re-INVITE (the refresher it chose, or us when
//! it does not support timers), the refresh we send at half the interval
//! when we are the refresher (a re-INVITE with our offer unchanged), and
//! the BYE when no refresh came in time. A bridge's legs each keep their
//! own; a refresh is never relayed to the other leg.

use super::{Call, CallTimer};
use crate::session::context::CallContext;
use crate::session::{EndReason, SessionEvent, SessionTimerConfig};
use crate::sip::{self, Header, IncomingResponse, Refresher, SessionExpires};
use std::time::{Duration, Instant};

/// A leg's session timer as agreed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct SessionTimer {
    /// The session interval, seconds.
    pub interval: u32,
    /// We send the refreshes (else the peer does).
    pub we_refresh: bool,
}

fn header(name: &str, value: String) -> Header {
    Header::Other(name.into(), value)
}

impl Call {
    /// The peer's INVITE or re-INVITE with `headers` (its interval already
    /// checked, `checks::session_interval`): the timer it asks for, set on
    /// the call, and the headers our 2xx carries for it (none when it asks
    /// for none).
    pub(super) fn grant_session_timer(&mut self, headers: &crate::sip::Message) -> Vec<Header> {
        let se = headers
            .header("Session-Expires")
            .and_then(|v| SessionExpires::parse(v).ok());
        let Some(se) = se else {
            self.session = None;
            return Vec::new();
        };
        let supports =
            sip::lists(headers.headers("Supported"), "timer") || sip::lists(headers.headers("Require"), "timer");
        // A UAC without timers cannot refresh: we do (§9).
        let refresher = match se.refresher {
            Some(r) if supports => r,
            _ if supports => Refresher::Uac,
            _ => Refresher::Uas,
        };
        self.session = Some(SessionTimer {
            interval: se.secs,
            we_refresh: refresher == Refresher::Uas,
        });
        let granted = SessionExpires {
            secs: se.secs,
            refresher: Some(refresher),
        };
        let mut out = vec![header("Session-Expires", granted.to_value())];
        if supports {
            out.push(header("Require", "timer".into()));
        }
        out
    }

    /// A 2xx to our INVITE or refresh: the timer it grants (none without
    /// `Session-Expires`), armed from `now`.
    pub(super) fn adopt_session_timer(&mut self, ctx: &mut CallContext, now: Instant, headers: &crate::sip::Message) {
        let se = headers
            .header("Session-Expires")
            .and_then(|v| SessionExpires::parse(v).ok());
        self.session = se.map(|se| SessionTimer {
            interval: se.secs,
            // The UAS must name the refresher (§7.2); if it did not, the
            // session is ours to keep alive.
            we_refresh: se.refresher != Some(Refresher::Uas),
        });
        self.arm_session_timer(ctx, now);
    }

    /// Arms the refresh (when ours) and the expiry from `now`, or clears
    /// them when the leg has no session timer.
    pub(super) fn arm_session_timer(&mut self, ctx: &mut CallContext, now: Instant) {
        let Some(s) = self.session else {
            self.timers.clear(CallTimer::SessionRefresh);
            self.timers.clear(CallTimer::SessionExpiry);
            return;
        };
        let interval = Duration::from_secs(u64::from(s.interval));
        if s.we_refresh {
            self.set_timer(ctx, CallTimer::SessionRefresh, now + interval / 2);
        } else {
            self.timers.clear(CallTimer::SessionRefresh);
        }
        let grace = (interval / 3).min(Duration::from_secs(32));
        self.set_timer(ctx, CallTimer::SessionExpiry, now + interval - grace);
    }

    /// No refresh came in time: BYE (§10).
    pub(super) fn session_expired(&mut self, ctx: &mut CallContext, now: Instant) {
        tracing::info!(call = %self.id, "session expired without a refresh; hanging up");
        self.send_bye(ctx, now);
        self.end(SessionEvent::Ended(self.id, EndReason::SessionExpired));
    }

    /// Our session-timer settings for this call: the configured ones,
    /// with the largest Min-SE a 422 named where it is above ours (§7.4).
    pub(super) fn timer_config(&self, ctx: &CallContext) -> SessionTimerConfig {
        let cfg = ctx.cfg.session_timer;
        SessionTimerConfig {
            min_se: cfg.min_se.max(self.session_min_se),
            ..cfg
        }
    }

    /// A 422 to our INVITE: sent again once asking for the peer's Min-SE
    /// and carrying it as ours where it is larger (§7.4); false when it
    /// gives none we can use, or we already did.
    pub(super) fn retry_session_interval(
        &mut self,
        ctx: &mut CallContext,
        now: Instant,
        resp: &IncomingResponse,
    ) -> bool {
        let min = resp.resp.header("Min-SE").and_then(|v| sip::min_se(v).ok());
        let super::Invite::Sent { req: invite, tx: old } = &self.invite else {
            return false;
        };
        let (Some(min), false) = (min, self.session_retried) else {
            return false;
        };
        let (invite, old) = (invite.clone(), *old);
        let (via, contact) = (ctx.via(self.peer), ctx.contact(self.peer));
        let expires = min.max(ctx.cfg.session_timer.expires);
        self.session_min_se = self.session_min_se.max(min);
        let asked = super::invite_headers::InviteHeaders::asking(None, expires, self.timer_config(ctx).min_se, None);
        let (add, n) = asked.pairs();
        let add = &add[..n];
        let drop = ["Session-Expires", "Min-SE"];
        let Some(req) = super::reissue::reissued(&invite, None, &via, &contact, &drop, add) else {
            return false;
        };
        self.session_retried = true;
        self.reissue(ctx, now, old, self.peer, req);
        true
    }
}
