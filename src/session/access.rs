//! Who may talk to us and place a call. Every request passes the source
//! ACL and the abuse limits first (`crate::access`): a denied source is
//! refused (403 or dropped), a source over a limit is blocked for a while
//! (logged once, its datagrams dropped unread). Then a new INVITE from a
//! source we do not trust must authenticate: without valid credentials it
//! is challenged (401 + WWW-Authenticate, or 407 as a proxy) statelessly —
//! no call, no port, no transaction kept: a flood of scanners costs no
//! memory, and it is checked before the transaction layer, like load
//! shedding — and with unreadable ones it gets 400 naming why. Requests
//! within a dialog are bound to it and never challenged.
//!
//! Each refusal writes one line, `refused src=ADDR method=METHOD
//! reason=REASON` (target `rvoip::access`, at warn), for fail2ban or an
//! nftables set to act on (docs/security.md has a filter).

use super::UserAgent;
use crate::access::Gate;
use crate::auth::Verdict;
use crate::ids::Peer;
use crate::sip::{self, Incoming, IncomingRequest, Method};
use std::time::Instant;

/// Whether REGISTER `req` binds the AOR of `user` (its To URI's user).
fn registers_own(user: &str, req: &IncomingRequest) -> bool {
    let to = req.header("To").unwrap_or_default();
    sip::parse_uri(sip::uri_of(to))
        .ok()
        .and_then(|u| u.auth)
        .is_some_and(|a| a.user == user)
}

/// Writes the refusal line fail2ban reads.
fn log_refusal(source: Peer, method: &str, reason: &str) {
    tracing::warn!(target: "rvoip::access", "refused src={} method={method} reason={reason}", source.addr);
}

impl UserAgent {
    /// Over a TLS connection whose client certificate our client CA
    /// verified, when the listener trusts such peers.
    fn trusted_by_certificate(&self, source: Peer) -> bool {
        source.transport == crate::ids::TransportKind::Tls && self.ctx.cfg.access.trust_tls_clients
    }

    /// Whether a message from `source` may go on past the source ACL and
    /// the abuse limits (answered 403 where it must be).
    pub(super) fn admit_source(&mut self, now: Instant, inc: &Incoming, source: Peer, reply_to: Peer) -> bool {
        let Incoming::Request(req) = inc else { return true };
        if self.trusted_by_certificate(source) {
            return true;
        }
        let new_call = req.method == Method::Invite && req.core.to_tag().is_none();
        let gate = self
            .access
            .gate(now, source.addr.ip(), req.header("User-Agent"), new_call);
        let (reason, forbid) = match gate {
            Gate::Pass { .. } => return true,
            Gate::Forbid(reason) => (reason, true),
            Gate::Drop(reason) => (reason, false),
        };
        self.ctx.stats.access_refused += 1;
        self.ctx.stats.access_blocks += u64::from(!matches!(reason, "acl-deny" | "untrusted"));
        log_refusal(source, sip::method_name(&req.method), reason);
        if forbid && req.method != Method::Ack {
            let resp = self
                .ctx
                .stateless_final(&req.req, &req.core, crate::status::StatusCode::FORBIDDEN);
            self.ctx.txs.send_stateless(reply_to, sip::response_bytes(&resp));
        }
        false
    }

    /// Whether a new INVITE `req` from `source` may go on to the
    /// transaction layer; if not, it has been answered, statelessly (a
    /// challenge, or a 400 naming unreadable credentials). A retransmission
    /// of an INVITE already let in goes on to its transaction unchecked.
    pub(super) fn authenticate(&mut self, now: Instant, req: &IncomingRequest, source: Peer, reply_to: Peer) -> bool {
        let Some(auth) = self.authenticator.as_mut() else {
            return true;
        };
        let new_call = req.method == Method::Invite && req.core.to_tag().is_none();
        let register = req.method == Method::Register && self.ctx.cfg.registrar.is_some();
        if !(new_call || register)
            || self.access.is_trusted(source.addr.ip())
            || (source.transport == crate::ids::TransportKind::Tls && self.ctx.cfg.access.trust_tls_clients)
            || self.ctx.txs.has_server_transaction(&req.core)
        {
            return true;
        }
        let method = sip::method_name(&req.method);
        let (stale, failed) = match auth.check(now, method, &req.req) {
            Verdict::Authorized(user) if register && !registers_own(&user, req) => {
                // Alice may not bind bob's address-of-record.
                self.ctx.stats.access_refused += 1;
                log_refusal(source, method, "foreign-aor");
                let forbidden = crate::status::StatusCode::FORBIDDEN;
                let resp = self.ctx.stateless_final(&req.req, &req.core, forbidden);
                self.ctx.txs.send_stateless(reply_to, sip::response_bytes(&resp));
                return false;
            }
            Verdict::Authorized(user) => {
                tracing::debug!(%user, "authenticated");
                self.ctx.stats.auth_ok += 1;
                return true;
            }
            Verdict::Challenge { stale, failed } => (stale, failed),
            Verdict::Malformed(why) => {
                self.ctx.stats.bad_answered += 1;
                let reason = format!("Malformed Authorization header: {why}");
                let resp = sip::response(&req.req, 400, Some(&reason), None);
                self.ctx.txs.send_stateless(reply_to, sip::response_bytes(&resp));
                return false;
            }
        };
        self.ctx.stats.auth_challenged += 1;
        self.ctx.stats.auth_failed += u64::from(failed);
        if failed && let Some(reason) = self.access.note_auth_failure(now, source.addr.ip()) {
            self.ctx.stats.access_blocks += 1;
            log_refusal(source, method, reason.name());
        }
        let mut resp = self.ctx.stateless_final(&req.req, &req.core, auth.status());
        for (name, value) in auth.challenges(now, stale) {
            resp.headers.push(sip::Header::Other(name.into(), value));
        }
        self.ctx.txs.send_stateless(reply_to, sip::response_bytes(&resp));
        false
    }

    /// Replaces who may authenticate (a reloaded credentials file).
    pub fn set_credentials(&mut self, credentials: std::sync::Arc<crate::auth::Credentials>) {
        if let Some(a) = self.authenticator.as_mut() {
            a.set_credentials(credentials);
        }
    }
}
