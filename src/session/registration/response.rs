//! What the registrar answers, and time: a 2xx binds us for the expiry it
//! granted (refresh at half of it), a challenge is answered once, a 423
//! raises our expiry, anything else (or no answer) is a failure retried
//! after a backoff.

use super::{Registration, RegistrationState};
use crate::session::context::CallContext;
use crate::sip::{self, IncomingResponse};
use crate::status::StatusCode;
use std::time::{Duration, Instant};

impl Registration {
    /// Starts it (or goes on after a refresh or retry wait).
    pub fn handle_timeout(&mut self, ctx: &mut CallContext, now: Instant) {
        if self.tx.is_none() && !self.is_locating() && self.next_at.is_some_and(|at| at <= now) && !self.is_gone() {
            self.tried = false;
            if !matches!(self.state, RegistrationState::Registered { .. }) {
                self.state = RegistrationState::Registering;
            }
            self.send(ctx, now);
        }
    }

    /// A response to the REGISTER in flight.
    pub fn handle_response(&mut self, ctx: &mut CallContext, now: Instant, resp: &IncomingResponse) {
        let code = resp.code();
        if code < 200 {
            return;
        }
        self.tx = None;
        let status = StatusCode::new(code).unwrap_or(StatusCode::SERVER_INTERNAL_ERROR);
        if self.stopping && !(200..300).contains(&code) && code != 401 && code != 407 {
            self.state = RegistrationState::Unregistered;
            return;
        }
        match code {
            200..=299 => self.on_ok(ctx, now, resp),
            401 | 407 => {
                if !self.answer(ctx, now, resp) {
                    self.fail(ctx, now, status, None);
                }
            }
            423 => match resp.header("Min-Expires").and_then(|v| v.trim().parse::<u32>().ok()) {
                Some(min) if min > self.expires => {
                    tracing::info!(aor = %self.cfg.aor, min, "registrar wants a longer expiry");
                    self.expires = min;
                    self.send(ctx, now);
                }
                _ => self.fail(ctx, now, status, None),
            },
            _ => {
                let retry = resp
                    .header("Retry-After")
                    .and_then(|v| v.split([' ', ';', '(']).next()?.parse().ok());
                self.fail(ctx, now, status, retry.map(Duration::from_secs));
            }
        }
    }

    /// The REGISTER in flight got no answer (Timer F).
    pub fn handle_tx_timeout(&mut self, ctx: &mut CallContext, now: Instant) {
        self.tx = None;
        // Tried after its registrar's other servers for a while (RFC 3263 §4.3).
        ctx.locator.mark_failed(now, self.peer);
        if self.stopping {
            self.state = RegistrationState::Unregistered;
            return;
        }
        self.fail(ctx, now, StatusCode::REQUEST_TIMEOUT, None);
    }

    /// Removes the binding (drain): at once when bound and idle, after
    /// the REGISTER in flight otherwise.
    pub fn stop(&mut self, ctx: &mut CallContext, now: Instant) {
        if self.stopping {
            return;
        }
        self.stopping = true;
        self.next_at = None;
        match (self.state, self.tx) {
            (_, Some(_)) => {}
            (RegistrationState::Registered { .. }, None) => {
                self.tried = false;
                self.send(ctx, now);
            }
            _ => self.state = RegistrationState::Unregistered,
        }
    }

    fn on_ok(&mut self, ctx: &mut CallContext, now: Instant, resp: &IncomingResponse) {
        if self.stopping {
            if self.removal_cseq == Some(self.cseq) {
                self.state = RegistrationState::Unregistered;
                tracing::info!(aor = %self.cfg.aor, "unregistered");
                return;
            }
            // A REGISTER binding us was in flight when we were told to
            // stop: remove what it bound.
            self.tried = false;
            return self.send(ctx, now);
        }
        let expires = self.granted(ctx, resp).unwrap_or(self.expires);
        if expires == 0 {
            // A 2xx that bound nothing of ours.
            return self.fail(ctx, now, StatusCode::new(resp.code()).unwrap_or(StatusCode::OK), None);
        }
        if !matches!(self.state, RegistrationState::Registered { .. }) {
            tracing::info!(aor = %self.cfg.aor, registrar = %self.cfg.registrar, expires, "registered");
        }
        self.failures = 0;
        self.state = RegistrationState::Registered { since: now, expires };
        self.next_at = Some(now + Duration::from_secs(u64::from(expires)) / 2);
    }

    /// The expiry a 2xx granted our Contact: its `expires` parameter in
    /// the 2xx's Contact list, else the Expires header; `None` when our
    /// Contact is not listed (removed) and no Expires says otherwise.
    fn granted(&self, ctx: &CallContext, resp: &IncomingResponse) -> Option<u32> {
        let ours = self.contact(ctx);
        let ours = sip::uri_of(&ours);
        let listed = resp
            .headers("Contact")
            .flat_map(sip::split_list)
            .find(|c| sip::uri_of(c).eq_ignore_ascii_case(ours));
        match listed {
            Some(c) => sip::header_param(c, "expires")
                .and_then(|e| e.parse().ok())
                .or_else(|| resp.header("Expires").and_then(|e| e.trim().parse().ok())),
            None => None,
        }
    }

    /// A 401/407: sends the REGISTER again with our answer; false when we
    /// cannot (no credentials, another realm, answered already).
    fn answer(&mut self, ctx: &mut CallContext, now: Instant, resp: &IncomingResponse) -> bool {
        let Some(creds) = self.cfg.credentials.as_ref() else {
            return false;
        };
        if self.tried && !crate::auth::says_stale(&resp.resp) {
            return false;
        }
        match creds.answer(resp.code() == 407, &resp.resp) {
            Ok(a) => {
                self.answered = Some(a);
                self.tried = true;
                self.send(ctx, now);
                true
            }
            Err(why) => {
                tracing::warn!(aor = %self.cfg.aor, why, "cannot answer the registrar's challenge");
                false
            }
        }
    }

    pub(super) fn fail(&mut self, ctx: &mut CallContext, now: Instant, status: StatusCode, retry: Option<Duration>) {
        if self.stopping {
            self.state = RegistrationState::Unregistered;
            return;
        }
        self.failures += 1;
        let wait = retry.unwrap_or_else(|| Self::backoff(self.failures, ctx.random(0..=1000)));
        tracing::warn!(aor = %self.cfg.aor, %status, retry_in = wait.as_secs(), "registration failed");
        self.state = RegistrationState::Failed {
            status,
            retry_at: now + wait,
        };
        self.next_at = Some(now + wait);
    }
}
