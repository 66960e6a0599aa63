//! Who may place a call: a new INVITE with no valid credentials is
//! challenged (401 + WWW-Authenticate, or 407 as a proxy) statelessly —
//! no call, no port, no transaction kept: a flood of scanners costs no
//! memory — and one with unreadable credentials gets 400 naming why.
//! Requests within a dialog are bound to it and never challenged.

use super::UserAgent;
use crate::auth::Verdict;
use crate::ids::TxId;
use crate::sip::{self, IncomingRequest};
use std::time::Instant;

impl UserAgent {
    /// Whether new request `req` (server transaction `tx`) may go on; if
    /// not, it has been answered.
    pub(super) fn authenticate(&mut self, now: Instant, tx: TxId, req: &IncomingRequest) -> bool {
        let Some(auth) = self.authenticator.as_mut() else {
            return true;
        };
        let method = sip::method_name(&req.req.method);
        let (stale, failed) = match auth.check(now, method, &req.req.headers) {
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
                self.ctx.txs.respond(now, tx, resp);
                return false;
            }
        };
        self.ctx.stats.auth_challenged += 1;
        self.ctx.stats.auth_failed += u64::from(failed);
        let mut resp = self.ctx.stateless_final(&req.req, &req.core, auth.status());
        for (name, value) in auth.challenges(now, stale) {
            resp.headers.push(sip::Header::Other(name.into(), value));
        }
        if !self.ctx.txs.respond_once(tx, &resp) {
            self.ctx.txs.respond(now, tx, resp);
        }
        false
    }

    /// Replaces who may authenticate (a reloaded credentials file).
    pub fn set_credentials(&mut self, credentials: std::sync::Arc<crate::auth::Credentials>) {
        if let Some(a) = self.authenticator.as_mut() {
            a.set_credentials(credentials);
        }
    }
}
