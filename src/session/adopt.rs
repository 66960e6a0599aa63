//! Calls taken over from a node that died (issue #19): a snapshot's two
//! legs restored here as a bridge, their media on our ports, and each
//! peer re-INVITEd with our Contact and our media address.

use super::UserAgent;
use super::call::Call;
use super::context::MediaChange;
use super::snapshot::{CallSnapshot, SNAPSHOT_VERSION};
use crate::ids::CallId;
use crate::media::Side;
use std::time::Instant;

impl UserAgent {
    /// Takes call `snap` over: its incoming leg becomes a new call of ours,
    /// its outgoing leg call `b` (the gateway's id), bridged as they were.
    /// The incoming leg's id; `None` (with a log line) when the snapshot
    /// cannot be restored here.
    pub fn adopt(&mut self, now: Instant, snap: &CallSnapshot, b: CallId) -> Option<CallId> {
        self.now = now;
        let known = |l: &super::snapshot::LegSnapshot| self.ctx.index.dialog_call(&l.call_id, &l.local_tag).is_some();
        if snap.version != SNAPSHOT_VERSION || snap.legs.iter().any(known) {
            tracing::warn!(
                version = snap.version,
                "a call snapshot of another format, or of a dialog we have: skipped"
            );
            return None;
        }
        let a = CallId(self.next_call);
        let worker = self.ctx.worker_of(a);
        let Some(port_a) = self.ctx.ports.take(now, worker) else {
            tracing::warn!("no media port for a call taken over: skipped");
            return None;
        };
        let Some(port_b) = self.ctx.ports.take(now, worker) else {
            self.ctx.ports.give_back(now, port_a);
            tracing::warn!("no media port for a call taken over: skipped");
            return None;
        };
        let restore = |id, leg: &super::snapshot::LegSnapshot, port| {
            let times = (
                self.records.instant_of(now, leg.start_ms),
                self.records.instant_of(now, leg.answer_ms?),
            );
            Call::restore(id, leg, port, &self.ctx.cfg, times)
        };
        let (Some(mut call_a), Some(mut call_b)) =
            (restore(a, &snap.legs[0], port_a), restore(b, &snap.legs[1], port_b))
        else {
            for p in [port_a, port_b] {
                self.ctx.ports.give_back(now, p);
            }
            tracing::warn!("a call snapshot that does not read (peer or SDP): skipped");
            return None;
        };
        self.next_call += self.ctx.cfg.shards.max(1) as u64;
        call_a.set_link(Some((b, Side::A)));
        call_b.set_link(Some((a, Side::B)));
        call_b.set_record_owner(a);
        self.records.open(a);
        self.records.open(a);
        self.records.set_nodes(a, &snap.nodes);
        for call in [call_a, call_b] {
            if let Some(parts) = call.dialog_parts() {
                self.ctx.index.add_dialog(parts, call.id());
            }
            self.calls.insert(call.id(), Box::new(call));
        }
        self.ctx.media_changed(a, MediaChange::Start);
        for id in [a, b] {
            self.with_call(id, |c, ctx| c.take_over(ctx, now));
        }
        Some(a)
    }

    /// Bridge `key` (its media call) was taken over by another node: both
    /// legs are dropped here without a word to their peers, who talk to
    /// that node now; the record says so.
    pub(super) fn disown(&mut self, key: CallId) {
        let owner = self.media_alias.get(&key).copied().unwrap_or(key);
        let Some(partner) = self.calls.get(&owner).map(|c| c.link().map(|(p, _)| p)) else {
            return;
        };
        tracing::warn!(call = %owner, "a call another node took over: dropped here");
        self.ctx.replica.written.remove(&key.0);
        for id in [Some(owner), partner].into_iter().flatten() {
            self.finish(id, super::SessionEvent::Ended(id, super::EndReason::Disowned));
        }
    }
}
