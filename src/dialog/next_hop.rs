//! Where a dialog's requests go: the first route, a pinned flow, the
//! remote target (where DNS put it), or the peer it was formed with.

use super::Dialog;
use crate::ids::{Peer, TransportKind};
use crate::sip;

impl Dialog {
    /// Requests to a peer that came to us over a connection go back over
    /// it; to one whose Contact is a private address while it came from
    /// elsewhere (behind NAT), to where it came from.
    pub(super) fn with_flow_from(mut self, peer: Peer) -> Self {
        self.flow = sip::flow_for(&self.remote_target, peer).map(Box::new);
        self
    }

    /// Where in-dialog requests go: the first route if any, else the flow
    /// if pinned, else the remote target (where DNS put it when it names a
    /// host), else the peer the dialog was formed with.
    pub fn next_hop(&self) -> Peer {
        if let (Some(flow), true) = (self.flow.as_deref(), self.route_set.is_empty()) {
            return *flow;
        }
        sip::uri_peer(self.hop(), self.fallback.transport)
            .or(self.resolved.as_deref().copied())
            .unwrap_or(self.fallback)
    }

    /// The next hop's URI when DNS must say where it is (it names a host,
    /// and no flow overrides it).
    pub fn named_hop(&self) -> Option<&str> {
        let hop = self.hop();
        let pinned = self.flow.is_some() && self.route_set.is_empty();
        (!pinned && sip::uri_peer(hop, self.fallback.transport).is_none() && sip::uri_host(hop).is_some())
            .then_some(hop)
    }

    fn hop(&self) -> &str {
        self.route_set.first().map_or(&self.remote_target, |r| sip::uri_of(r))
    }

    /// The transport new requests use.
    pub fn transport(&self) -> TransportKind {
        self.next_hop().transport
    }
}
