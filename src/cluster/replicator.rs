//! The writer of this node's calls to Redis, off the signalling threads:
//! the shards queue their changes (bounded; a full queue is counted), the
//! writer takes what has queued and sends it in one pipeline (the last
//! change of a call wins). It keeps its own copy of what it wrote, so
//! that after Redis was lost the node's whole hash is written again once
//! it is back, less the calls other nodes took over if the node's
//! heartbeat lapsed meanwhile. A Redis that is slow or down delays no call: its changes
//! are counted as lost and the node carries on.

use super::link::Link;
use super::{ClusterStats, Keys};
use crate::session::{CallSnapshot, Command, ReplicaOp};
use rustc_hash::FxHashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use tokio::sync::mpsc;

/// Changes sent in one pipeline at most.
const BATCH: usize = 512;

/// The writer's state.
pub(crate) struct Replicator {
    pub link: Link,
    pub key: String,
    pub stats: Arc<ClusterStats>,
    /// Every call written and not deleted, as written.
    mirror: FxHashMap<u64, String>,
    /// Redis missed a change: the hash is rewritten whole once it is back.
    resync: bool,
    /// The node's `rvoip:claimed:` set.
    claimed: String,
    /// Heartbeat lapses already dealt with.
    lapsed: u64,
    /// Calls other nodes took over (ids never repeat within a run).
    disowned: rustc_hash::FxHashSet<u64>,
    /// The signalling shards, told to drop the calls others took.
    shards: Vec<mpsc::WeakSender<Command>>,
}

impl Replicator {
    /// A writer of node `node`'s calls over `link`, whose calls run on
    /// `shards`.
    pub fn new(link: Link, node: &str, stats: Arc<ClusterStats>, shards: Vec<mpsc::WeakSender<Command>>) -> Self {
        Replicator {
            link,
            key: Keys::calls(node),
            stats,
            mirror: FxHashMap::default(),
            resync: false,
            claimed: Keys::claimed(node),
            lapsed: 0,
            disowned: Default::default(),
            shards,
        }
    }

    /// Writes the changes from `rx` until every shard has gone; every
    /// `idle` with none, sees to a lapse or a rewrite owed.
    pub async fn run(mut self, mut rx: mpsc::Receiver<ReplicaOp>, idle: std::time::Duration) {
        let mut batch: FxHashMap<u64, Option<Box<CallSnapshot>>> = FxHashMap::default();
        loop {
            batch.clear();
            let first = match tokio::time::timeout(idle, rx.recv()).await {
                Ok(Some(op)) => Some(op),
                Ok(None) => return,
                Err(_) if self.resync || self.stats.heartbeat_lapsed.load(Relaxed) != self.lapsed => None,
                Err(_) => continue,
            };
            let mut next = first;
            while let Some(op) = next.take() {
                match op {
                    ReplicaOp::Put(key, ..) if self.disowned.contains(&key) => None,
                    ReplicaOp::Put(key, _, snap) => batch.insert(key, Some(snap)),
                    ReplicaOp::Delete(key) => batch.insert(key, None),
                };
                next = (batch.len() < BATCH).then(|| rx.try_recv().ok()).flatten();
            }
            self.write(&mut batch).await;
        }
    }

    /// One pipeline for `batch` (the whole mirror after a loss).
    async fn write(&mut self, batch: &mut FxHashMap<u64, Option<Box<CallSnapshot>>>) {
        let mut pipe = redis::pipe();
        let (mut puts, mut dels) = (0u64, 0u64);
        for (key, snap) in batch.drain() {
            match snap.map(|s| serde_json::to_string(&s)) {
                Some(Ok(json)) => {
                    if !self.resync {
                        pipe.hset(&self.key, key, &json).ignore();
                    }
                    self.mirror.insert(key, json);
                    puts += 1;
                }
                Some(Err(e)) => tracing::warn!("cluster: a call snapshot not written: {e}"),
                None => {
                    if !self.resync {
                        pipe.hdel(&self.key, key).ignore();
                    }
                    self.mirror.remove(&key);
                    dels += 1;
                }
            }
        }
        // Before any rewrite, and after a lapse, what others took is let go.
        let lapsed = self.stats.heartbeat_lapsed.load(Relaxed);
        if (lapsed != self.lapsed || self.resync) && self.forget_claimed().await {
            self.lapsed = lapsed;
            self.resync = true;
        }
        let sent = match self.link.conn().await {
            Some(c) => {
                if self.resync {
                    // Built only once Redis answers again, not per change.
                    pipe = redis::pipe();
                    pipe.del(&self.key).ignore();
                    let all: Vec<(u64, &str)> = self.mirror.iter().map(|(k, v)| (*k, v.as_str())).collect();
                    if !all.is_empty() {
                        pipe.hset_multiple(&self.key, &all).ignore();
                    }
                }
                let r = pipe.query_async::<()>(c).await;
                self.link.note(r).is_some()
            }
            None => false,
        };
        if sent {
            self.resync = false;
            self.stats.writes.fetch_add(puts, Relaxed);
            self.stats.deletes.fetch_add(dels, Relaxed);
        } else {
            self.resync = true;
            self.stats.write_errors.fetch_add(puts + dels, Relaxed);
        }
    }

    /// The node's heartbeat lapsed: the calls other nodes claimed
    /// meanwhile are theirs, never written again from here nor kept
    /// (their peers talk to the other node now). Whether Redis said which.
    async fn forget_claimed(&mut self) -> bool {
        let Some(c) = self.link.conn().await else { return false };
        let mut pipe = redis::pipe();
        pipe.atomic().smembers(&self.claimed).del(&self.claimed).ignore();
        let r = pipe.query_async::<(Vec<String>,)>(c).await;
        let Some((keys,)) = self.link.note(r) else { return false };
        for k in keys.iter().filter_map(|k| k.parse::<u64>().ok()) {
            self.mirror.remove(&k);
            // A change of it still on its way is not written either.
            self.disowned.insert(k);
            // Ours no more: dropped by the shard that has it, unsaid.
            for q in self.shards.iter().filter_map(mpsc::WeakSender::upgrade) {
                _ = q.send(Command::Disown(k)).await;
            }
        }
        true
    }
}
