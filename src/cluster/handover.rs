//! A claimed call handed to the signalling shard its Call-ID belongs to;
//! a record that does not read as a call is skipped with a log line, one
//! no shard can take now goes back to Redis.

use super::Keys;
use super::takeover::Takeover;
use crate::session::{CallSnapshot, Command, SNAPSHOT_VERSION};
use std::sync::atomic::Ordering::Relaxed;

impl Takeover {
    /// A claimed record goes to the shard of its incoming leg's Call-ID;
    /// one no shard can take now goes back to the node's hash.
    pub(super) async fn hand_over(&mut self, node: &str, key: &str, json: &[u8]) {
        let snap = match serde_json::from_slice::<CallSnapshot>(json) {
            Ok(s) if s.version == SNAPSHOT_VERSION => s,
            Ok(s) => {
                tracing::warn!("cluster: a call of node {node:?} in format {}: skipped", s.version);
                self.stats.skipped.fetch_add(1, Relaxed);
                return;
            }
            Err(e) => {
                tracing::warn!("cluster: a record of node {node:?} that is not a call ({e}): skipped");
                self.stats.skipped.fetch_add(1, Relaxed);
                return;
            }
        };
        let shard = crate::sip::shard_of(snap.legs[0].call_id.as_bytes(), self.shards.len());
        let sent = self.shards[shard]
            .upgrade()
            .is_some_and(|q| q.try_send(Command::Adopt(Box::new(snap))).is_ok());
        if sent {
            self.stats.claimed.fetch_add(1, Relaxed);
            return;
        }
        self.stats.handover_failed.fetch_add(1, Relaxed);
        tracing::warn!("cluster: a call of node {node:?} no shard could take now: put back");
        if let Some(c) = self.link.conn().await {
            // Back among the node's calls, and no longer among those taken.
            let mut pipe = redis::pipe();
            pipe.atomic().hset(Keys::calls(node), key, json).ignore();
            pipe.srem(Keys::claimed(node), key).ignore();
            let r = pipe.query_async::<()>(c).await;
            if self.link.note(r).is_some() {
                self.pending.push_back((node.to_owned(), key.to_owned()));
            }
        }
    }
}
