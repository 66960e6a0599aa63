//! The records of calls in progress: one per call (a bridge's two legs in
//! one, kept by its A side), completed when every leg has ended and the
//! media plane has reported the call's packet counts.

use super::SessionEvent;
use super::call::{Call, Role};
use super::open_record::OpenRecord;
use super::record::{CallRecord, LegRecord, end_text};
use crate::ids::CallId;
use crate::media::LegStats;
use rustc_hash::FxHashMap;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Open records, by the call that owns them.
#[derive(Debug)]
pub(crate) struct Records {
    open: FxHashMap<CallId, OpenRecord>,
    /// This node's name in a cluster: every record names it.
    node: Option<String>,
    /// An instant and the wall-clock time it was.
    epoch: (Instant, SystemTime),
}

impl Records {
    /// No records; `now` was `wall` on the wall clock.
    pub fn new(now: Instant, wall: SystemTime) -> Self {
        Records {
            open: FxHashMap::default(),
            node: None,
            epoch: (now, wall),
        }
    }

    /// `at` on the wall clock (Unix ms).
    fn wall_ms(&self, at: Instant) -> u64 {
        let (inst, sys) = self.epoch;
        let t = if at >= inst {
            sys + (at - inst)
        } else {
            sys - (inst - at)
        };
        t.duration_since(UNIX_EPOCH).unwrap_or_default().as_millis() as u64
    }

    /// Names `node` in every record from now on.
    pub fn set_node(&mut self, node: Option<String>) {
        self.node = node;
    }

    /// `at` on the wall clock (Unix ms).
    pub fn wall_ms_of(&self, at: Instant) -> u64 {
        self.wall_ms(at)
    }

    /// Unix time `ms` on our clock, as seen at `now` (`now` if it is in
    /// the future, or too far back for the clock).
    pub fn instant_of(&self, now: Instant, ms: u64) -> Instant {
        let back = self.wall_ms(now).saturating_sub(ms);
        now.checked_sub(std::time::Duration::from_millis(back)).unwrap_or(now)
    }

    /// The nodes call `owner` ran on, this one last.
    pub fn nodes_of(&self, owner: CallId) -> Vec<String> {
        self.open.get(&owner).map(|r| r.nodes.to_vec()).unwrap_or_default()
    }

    /// Call `owner` ran on `nodes` before it came here.
    pub fn set_nodes(&mut self, owner: CallId, nodes: &[String]) {
        if let Some(r) = self.open.get_mut(&owner) {
            r.nodes = nodes
                .iter()
                .filter(|n| Some(*n) != self.node.as_ref())
                .cloned()
                .collect();
            r.nodes.extend(self.node.clone());
        }
    }

    /// A new call `owner` opens its record.
    pub fn open(&mut self, owner: CallId) {
        let r = self.open.entry(owner).or_default();
        if r.nodes.is_empty() {
            r.nodes.extend(self.node.clone());
        }
        r.open_legs += 1;
    }

    /// Call `leg` becomes a leg of `owner`'s record (a bridge's B side);
    /// whether it had one of its own to give up.
    pub fn join(&mut self, leg: CallId, owner: CallId) -> bool {
        let own = self.open.remove(&leg).is_some();
        if own {
            self.open(owner);
        }
        own
    }

    /// A live leg moves from `from`'s record to `to`'s (a transfer joined
    /// it to another call); `from`'s record, if that completed it.
    pub fn move_leg(&mut self, from: CallId, to: CallId) -> Option<CallRecord> {
        let r = self.open.get_mut(&from)?;
        r.open_legs = r.open_legs.saturating_sub(1);
        self.open(to);
        self.complete(from)
    }

    /// Leg `call` ended with `ev` at `now` (`media_removed`: the media
    /// plane was told to remove its media call, whose counts the record
    /// now waits for): its part is written; the record, if that completed
    /// it.
    pub fn close(&mut self, call: &Call, ev: &SessionEvent, now: Instant, media_removed: bool) -> Option<CallRecord> {
        let (started, answered) = call.times();
        let leg = LegRecord {
            direction: if call.role() == Role::Uas { "in" } else { "out" },
            call_id: call.sip_call_id().to_owned(),
            peer: Some(call.peer().addr),
            start_ms: self.wall_ms(started),
            answer_ms: answered.map(|t| self.wall_ms(t)),
            end_ms: self.wall_ms(now),
            end: end_text(Some(ev)),
            codec: call.codec_name(),
            ..Default::default()
        };
        let owner = call.record_owner();
        let r = self.open.get_mut(&owner)?;
        let slot = usize::from(leg.direction == "out").min(r.legs.len());
        r.legs.insert(slot, leg);
        r.open_legs = r.open_legs.saturating_sub(1);
        // Whichever leg of a bridge ends first removes its media call.
        r.media_pending |= media_removed;
        self.complete(owner)
    }

    /// The media plane's final counts for media call `owner`; the record,
    /// if that completed it.
    pub fn media_done(&mut self, owner: CallId, stats: [Option<LegStats>; 2]) -> Option<CallRecord> {
        let r = self.open.get_mut(&owner)?;
        r.media_pending = false;
        if r.open_legs > 0 {
            // Kept (boxed) until its legs end; nearly always they have.
            r.media = Some(Box::new(stats));
            return None;
        }
        self.complete_with(owner, Some(stats))
    }

    /// The record, once every leg has ended and its media reported.
    fn complete(&mut self, owner: CallId) -> Option<CallRecord> {
        self.complete_with(owner, None)
    }

    /// As [`complete`](Self::complete), with the media counts just
    /// reported (`None`: those kept, if any).
    fn complete_with(&mut self, owner: CallId, media: Option<[Option<LegStats>; 2]>) -> Option<CallRecord> {
        let done = self
            .open
            .get(&owner)
            .is_some_and(|r| r.open_legs == 0 && !r.media_pending);
        let mut r = done.then(|| self.open.remove(&owner)).flatten()?;
        let media = media.or_else(|| r.media.take().map(|m| *m)).unwrap_or([None, None]);
        Some(r.finish(media))
    }

    /// Gives memory back after a load peak.
    pub fn shrink(&mut self) {
        crate::collections::shrink_map(&mut self.open);
    }
}
