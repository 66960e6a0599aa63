//! What another node needs to continue a bridged call (issue #19): both
//! legs' dialogs and SDP, the call's times and the nodes it has run on.
//! The UA core takes a snapshot when a bridge's media start or change and
//! drops it when the bridge ends; a node taking the call over restores
//! the legs from it (`adopt.rs`). Written as JSON (the format is kept by
//! `version`); SRTP calls are not snapshotted (their keys would have to be
//! stored with them).

use super::UserAgent;
use super::call::Call;
use crate::ids::{CallId, Peer, TransportKind};
use crate::media::Side;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;

/// The snapshot format this build writes and reads.
pub const SNAPSHOT_VERSION: u32 = 1;

/// One bridged call, as another node would continue it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallSnapshot {
    /// The format ([`SNAPSHOT_VERSION`]).
    pub version: u32,
    /// The incoming leg, then the outgoing one.
    pub legs: [LegSnapshot; 2],
    /// The nodes that ran it so far, first first.
    pub nodes: Vec<String>,
    /// The route lets the call be transferred (REFER).
    pub transfer: bool,
}

/// One leg: its dialog (RFC 3261 §12), our SDP and the peer's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LegSnapshot {
    /// We answered it (`true`) or placed it.
    pub uas: bool,
    /// Transport of the peer the dialog formed with.
    pub transport: String,
    /// That peer's address.
    pub peer: String,
    /// Call-ID.
    pub call_id: String,
    /// Our tag.
    pub local_tag: String,
    /// Theirs.
    pub remote_tag: String,
    /// The last CSeq we used.
    pub local_seq: u32,
    /// The last CSeq they used.
    pub remote_seq: Option<u32>,
    /// Our From/To value, with our tag.
    pub local: String,
    /// Theirs.
    pub remote: String,
    /// Their Contact URI.
    pub remote_target: String,
    /// The route set, first hop first.
    pub route_set: Vec<String>,
    /// Our latest SDP.
    pub local_sdp: String,
    /// Theirs.
    pub remote_sdp: String,
    /// We hold the peer.
    pub on_hold: bool,
    /// When the INVITE came or went, and when it was answered (Unix ms).
    pub start_ms: u64,
    /// See `start_ms`.
    pub answer_ms: Option<u64>,
}

impl LegSnapshot {
    /// The peer the dialog formed with, if the text reads as one.
    pub fn peer(&self) -> Option<Peer> {
        let transport = match self.transport.as_str() {
            "UDP" => TransportKind::Udp,
            "TCP" => TransportKind::Tcp,
            "TLS" => TransportKind::Tls,
            _ => return None,
        };
        Some(Peer {
            transport,
            addr: self.peer.parse().ok()?,
        })
    }
}

/// A change for the replica of this node's calls.
#[derive(Debug, Clone, PartialEq)]
pub enum ReplicaOp {
    /// Write (or rewrite) the call under this key (its incoming leg's
    /// call here).
    Put(u64, CallId, Box<CallSnapshot>),
    /// The call under this key has ended.
    Delete(u64),
}

/// Calls whose snapshot is due, and the changes waiting to be taken.
#[derive(Debug, Default)]
pub(crate) struct Replica {
    /// Snapshots are taken (the node is in a cluster).
    pub on: bool,
    pub(super) dirty: Vec<CallId>,
    pub(super) ops: VecDeque<ReplicaOp>,
    /// Keys written and not yet deleted.
    pub(super) written: rustc_hash::FxHashSet<u64>,
}

impl UserAgent {
    /// Takes the snapshots due: each bridge that changed, once both legs
    /// are established.
    fn flush_replica(&mut self) {
        while let Some(id) = self.ctx.replica.dirty.pop() {
            let owner = self.media_owner(id);
            let key = self.media_key(owner).0;
            if let Some(snap) = self.snapshot(owner) {
                self.ctx.replica.written.insert(key);
                self.ctx
                    .replica
                    .ops
                    .push_back(ReplicaOp::Put(key, owner, Box::new(snap)));
            }
        }
    }

    /// Bridge `owner`'s snapshot, if both legs are answered, plain RTP and
    /// in their dialogs.
    fn snapshot(&self, owner: CallId) -> Option<CallSnapshot> {
        let a = self.calls.get(&owner)?;
        let (b, Side::A) = a.link()? else { return None };
        let b = self.calls.get(&b)?;
        let leg = |c: &Call| c.leg_snapshot(|t| self.records.wall_ms_of(t));
        let legs = [leg(a)?, leg(b)?];
        Some(CallSnapshot {
            version: SNAPSHOT_VERSION,
            legs,
            nodes: self.records.nodes_of(owner),
            transfer: true,
        })
    }

    /// Media call `key` is gone: its snapshot, if written, is dropped.
    pub(super) fn unreplicate(&mut self, key: CallId) {
        if self.ctx.replica.written.remove(&key.0) {
            self.ctx.replica.ops.push_back(ReplicaOp::Delete(key.0));
        }
    }

    /// The next change for the replica.
    pub fn poll_replica(&mut self) -> Option<ReplicaOp> {
        self.flush_replica();
        self.ctx.replica.ops.pop_front()
    }
}
