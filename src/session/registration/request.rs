//! The REGISTER itself: To and From the address-of-record, our Contact
//! with the expiry asked (0 to remove it), one Call-ID and a CSeq counting
//! up, credentials ready when a challenge was answered before.

use super::{Registration, RegistrationState};
use crate::ids::{Peer, TransportKind};
use crate::locate::{LocateError, Waiter};
use crate::session::context::CallContext;
use crate::sip::{self, Method, RequestSpec};
use std::time::Instant;

impl Registration {
    /// The Contact we register: our address with the AOR's user (or the
    /// configured one).
    pub fn contact(&self, ctx: &CallContext) -> String {
        let user = match self.cfg.contact_user.as_str() {
            "" => sip::parse_uri(sip::uri_of(&self.cfg.aor))
                .ok()
                .and_then(|u| u.auth)
                .map(|a| a.user)
                .unwrap_or_default(),
            u => u.to_owned(),
        };
        let tcp = match self.peer.transport {
            TransportKind::Tcp => ";transport=tcp",
            TransportKind::Tls => ";transport=tls",
            TransportKind::Udp => "",
        };
        ["<sip:", &user, "@", ctx.hostport(self.peer), tcp, ">"].concat()
    }

    /// Sends the next REGISTER: binding our Contact for the expiry asked,
    /// or removing it when stopping. A named registrar's servers are
    /// looked up first (from the cache, or the REGISTER waits).
    pub(super) fn send(&mut self, ctx: &mut CallContext, now: Instant) {
        let (index, Some(_)) = self.place else {
            return self.send_now(ctx, now);
        };
        match ctx.locate(
            now,
            &self.cfg.registrar,
            TransportKind::Udp,
            Waiter::Registration(index),
        ) {
            Ok(Some(peers)) => self.located(ctx, now, Ok(peers)),
            Ok(None) => {
                self.next_at = None;
                self.place.1 = Some(true);
            }
            Err(status) => self.fail(ctx, now, status, None),
        }
    }

    /// Its registrar's servers (first preferred), or why there are none:
    /// the REGISTER goes, or the attempt fails (retried after a backoff).
    pub fn located(&mut self, ctx: &mut CallContext, now: Instant, found: Result<Vec<Peer>, LocateError>) {
        self.place.1 = Some(false);
        match found.as_deref().map(|p| p.first()) {
            Ok(Some(peer)) => {
                self.peer = *peer;
                self.send_now(ctx, now);
            }
            Ok(None) => self.fail(ctx, now, crate::status::StatusCode::SERVICE_UNAVAILABLE, None),
            Err(e) => {
                tracing::warn!(aor = %self.cfg.aor, "registrar not located: {e}");
                self.fail(ctx, now, e.status(), None);
            }
        }
    }

    /// Whether it waits for its registrar's name to be looked up.
    pub fn is_locating(&self) -> bool {
        self.place.1 == Some(true)
    }

    fn send_now(&mut self, ctx: &mut CallContext, now: Instant) {
        self.cseq += 1;
        self.next_at = None;
        let expires = if self.stopping {
            self.removal_cseq = Some(self.cseq);
            0
        } else {
            self.expires
        };
        let uri = sip::uri_of(&self.cfg.registrar).to_owned();
        let mut extra = vec![("Expires".to_owned(), expires.to_string())];
        if let (Some(creds), Some(answered)) = (&self.cfg.credentials, self.answered.as_mut()) {
            let value = answered.authorize(creds, "REGISTER", &uri, &ctx.token());
            extra.push((answered.header.to_owned(), value));
        }
        let aor = sip::uri_of(&self.cfg.aor);
        let spec = RequestSpec {
            method: Method::Register,
            uri,
            via: ctx.via(self.peer),
            from: ["<", aor, ">;tag=", &self.from_tag].concat(),
            to: ["<", aor, ">"].concat(),
            call_id: self.call_id.clone(),
            cseq: self.cseq,
            contact: Some(self.contact(ctx)),
            route: Vec::new(),
            extra,
        };
        match sip::request(spec) {
            Ok(req) => self.tx = Some(ctx.txs.send_request(now, self.peer, req)),
            Err(e) => {
                // Checked when configured; kept for a URI rsip still refuses.
                tracing::warn!(aor = %self.cfg.aor, "cannot build a REGISTER: {e}");
                self.state = RegistrationState::Unregistered;
                self.stopping = true;
            }
        }
    }
}
