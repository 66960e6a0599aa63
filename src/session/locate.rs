//! Where the UA core's requests go when a URI names a host (RFC 3263):
//! each asker (a call to place, a call's next target, a registration)
//! gets the servers to try in order, at once from the cache, or later
//! when the driver's lookup answers or its time runs out.

use super::UserAgent;
use super::context::CallContext;
use crate::ids::{Peer, TransportKind};
use crate::locate::{LocateError, Query, Resolve, ResolveId, ServerSet, Target, Waiter};
use crate::status::StatusCode;
use std::time::Instant;

impl CallContext {
    /// The peers to send `uri`'s requests to, in order: at once (an IP
    /// literal, or a name whose servers are cached), or `None` while its
    /// name is looked up for `waiter`. `default` is the transport unless
    /// the URI names one; for a host name only TCP or TLS count (as if
    /// named), UDP leaves the choice to NAPTR. 416 when it is no SIP URI
    /// we can send to (TLS off for a `sips:` or TLS target: never
    /// downgraded), 503 when too many lookups are in flight.
    pub fn locate(
        &mut self,
        now: Instant,
        uri: &str,
        default: TransportKind,
        waiter: Waiter,
    ) -> Result<Option<Vec<Peer>>, StatusCode> {
        let tls = self.cfg.tls_local.is_some();
        match Query::of(uri, default) {
            // An address of an IP family we have no SIP address in: 503
            // at once, rather than datagrams the kernel refuses.
            Some(Target::Peer(p)) if !self.cfg.families().reach(p.addr.ip()) => {
                let e = LocateError::Unusable(p.addr.ip().to_string());
                tracing::warn!(?waiter, uri, "not sent: {e}");
                Err(e.status())
            }
            Some(Target::Peer(p)) if tls || p.transport != TransportKind::Tls => Ok(Some(vec![p])),
            Some(Target::Name(mut q)) if tls || q.transport.or(Some(default)) != Some(TransportKind::Tls) => {
                if default != TransportKind::Udp {
                    q.transport = q.transport.or(Some(default));
                }
                self.locator.lookup(now, &q, waiter).map_err(|e| {
                    tracing::warn!(?waiter, uri, "not sent: {e}");
                    e.status()
                })
            }
            _ => {
                tracing::warn!(
                    ?waiter,
                    uri,
                    "target not reachable: no SIP URI, or a transport we lack (sips/TLS is never sent in plaintext)"
                );
                Err(StatusCode::UNSUPPORTED_URI_SCHEME)
            }
        }
    }
}

impl UserAgent {
    /// The next DNS lookup for the driver.
    pub fn poll_resolve(&mut self) -> Option<Resolve> {
        self.ctx.locator.poll_resolve()
    }

    /// The name TLS peer `peer`'s certificate must show (RFC 5922 §4),
    /// when DNS located it for a URI's host name; `None`: its address.
    pub fn tls_name(&self, peer: &Peer) -> Option<std::sync::Arc<str>> {
        self.ctx.locator.tls_name(peer)
    }

    /// The driver's answer to lookup `id`.
    pub fn handle_resolved(&mut self, now: Instant, id: ResolveId, answer: Result<ServerSet, LocateError>) {
        self.now = now;
        let given = self.ctx.locator.handle_resolved(now, id, answer);
        self.located(now, given);
        self.drain(now);
    }

    /// Lookups whose time ran out fail their waiters (from `handle_timeout`).
    pub(super) fn locate_timeouts(&mut self, now: Instant) {
        let given = self.ctx.locator.handle_timeout(now);
        self.located(now, given);
    }

    /// Hands each waiter its servers (or why there are none).
    fn located(&mut self, now: Instant, given: Vec<(Waiter, Result<Vec<Peer>, LocateError>)>) {
        for (waiter, found) in given {
            match waiter {
                Waiter::Place(id) => self.placing_located(now, id, found),
                Waiter::Call(id) => self.with_call(id, |c, ctx| c.handle_located(ctx, now, found)),
                Waiter::Registration(i) => self.registration_located(now, i, found),
                Waiter::Hop(id) => self.with_call(id, |c, _| c.hop_located(found)),
            }
        }
    }
}
