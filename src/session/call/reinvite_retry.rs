//! Our re-INVITEs tried again (RFC 3261 §14.1, §14.2): after a 491's
//! back-off, or a 500/503's short Retry-After; and the hold or resume
//! asked for meanwhile, sent once nothing else is in the way.

use super::{Call, CallTimer, Role};
use crate::session::context::CallContext;
use crate::sip::IncomingResponse;
use std::time::{Duration, Instant};

impl Call {
    /// Our re-INVITE met a 491: retry after 2.1–4 s if we made the
    /// Call-ID, else after 0–2 s, in 10 ms steps.
    pub(super) fn back_off(&mut self, ctx: &mut CallContext, now: Instant, hold: bool) {
        let tens = match self.role {
            Role::Uac => ctx.random(210..=400),
            Role::Uas => ctx.random(0..=200),
        };
        self.reinvite.retries += 1;
        self.reinvite.wanted.get_or_insert(hold);
        self.set_timer(ctx, CallTimer::ReinviteRetry, now + Duration::from_millis(tens * 10));
    }

    /// Sends the hold or resume asked for while another re-INVITE was in
    /// progress, if it is still wanted and nothing else is in the way.
    pub(super) fn send_wanted(&mut self, ctx: &mut CallContext, now: Instant) {
        if self.reinvite_busy() {
            return;
        }
        if self.adopted {
            // A call taken over: its re-INVITE from here is what is owed
            // (a hold or resume wished meanwhile follows it).
            return self.take_over(ctx, now);
        }
        if let Some(hold) = self.reinvite.wanted.take() {
            self.request_hold(ctx, now, hold);
        }
    }
}

/// The Retry-After of a refusal, when it asks for a retry soon enough to
/// keep a hold or resume waiting (at most 10 s, the range of §14.2; at
/// least 1 s, so a peer answering `Retry-After: 0` cannot make us spin).
pub(super) fn retry_after(resp: &IncomingResponse) -> Option<Duration> {
    let secs: u64 = resp
        .header("Retry-After")?
        .split([';', '(', ' '])
        .next()?
        .trim()
        .parse()
        .ok()?;
    (secs <= 10).then(|| Duration::from_secs(secs.max(1)))
}
