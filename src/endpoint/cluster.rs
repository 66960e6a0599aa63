//! An endpoint in a cluster (issue #19): the snapshots of its bridges for
//! the replica, and calls taken over from a node that died.

use super::Endpoint;
use crate::session::{CallSnapshot, ReplicaOp};
use std::time::Instant;

impl Endpoint {
    /// Takes call `snap` over from another node (a gateway only: the two
    /// legs are its bridge, re-INVITEd from here).
    pub(super) fn adopt(&mut self, now: Instant, snap: &CallSnapshot) {
        let Some(g) = self.gateway.as_mut() else {
            return tracing::warn!("a call to take over, but this endpoint is no gateway: skipped");
        };
        let b = g.new_outbound_id();
        if let Some(a) = self.ua.adopt(now, snap, b)
            && let Some(g) = self.gateway.as_mut()
        {
            g.adopted(now, a, b, snap.transfer);
        }
    }

    /// The next change for the cluster's replica of this node's calls.
    pub fn poll_replica(&mut self) -> Option<ReplicaOp> {
        let mut op = self.ua.poll_replica()?;
        if let (ReplicaOp::Put(_, owner, snap), Some(g)) = (&mut op, self.gateway.as_ref()) {
            snap.transfer = g.transfer_allowed(*owner);
        }
        Some(op)
    }
}
