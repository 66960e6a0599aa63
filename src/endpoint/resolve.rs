//! DNS (RFC 3263) as an intent and an input: the endpoint asks for a
//! target's servers ([`Endpoint::poll_resolve`]); the driver looks them
//! up off the signalling path and hands the answer back
//! ([`Endpoint::handle_resolved`]). The requests waiting on it go on
//! then, or fail when it does not come in time (`handle_timeout`).

use super::Endpoint;
use crate::ids::Peer;
use crate::locate::{LocateError, Resolve, ResolveId, ServerSet};
use std::sync::Arc;
use std::time::Instant;

impl Endpoint {
    /// The next lookup to perform; its answer goes to
    /// [`Endpoint::handle_resolved`] with the same id.
    pub fn poll_resolve(&mut self) -> Option<Resolve> {
        self.ua.poll_resolve()
    }

    /// The answer to lookup `id` (the servers, or why there are none).
    pub fn handle_resolved(&mut self, now: Instant, id: ResolveId, answer: Result<ServerSet, LocateError>) {
        self.ua.handle_resolved(now, id, answer);
        self.settle(now);
    }

    /// The name TLS peer `peer`'s certificate must show: the host name of
    /// the URI DNS located it for (RFC 5922 §4); `None`: its address.
    pub fn tls_name(&self, peer: &Peer) -> Option<Arc<str>> {
        self.ua.tls_name(peer)
    }
}
