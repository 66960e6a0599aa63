//! Taking over the calls of nodes that died: every beat the node looks
//! for nodes whose heartbeat lapsed and lists their calls; it then claims
//! them one by one, at most `takeover_rate` a second, each claim atomic
//! in Redis (read and delete in one script: two nodes never get one
//! call), and hands each to the signalling shard its Call-ID belongs to.
//! A record that does not read as a call is skipped with a log line.

use super::link::Link;
use super::{ClusterConfig, ClusterStats, Keys};
use crate::session::Command;
use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;
use tokio::sync::mpsc;

/// The claim, atomic: 0 when the node beats again (its calls are its
/// own), nil when another node claimed the call first; else the call,
/// deleted from the node's hash, whose life is extended for the rest of
/// the takeover, and its key noted among the node's claimed ones (for
/// the node, should it come back, to forget).
const CLAIM: &str = "if redis.call('EXISTS', KEYS[2]) == 1 then return 0 end \
    local v = redis.call('HGET', KEYS[1], ARGV[1]) \
    if v then \
      redis.call('HDEL', KEYS[1], ARGV[1]) redis.call('PEXPIRE', KEYS[1], ARGV[2]) \
      redis.call('SADD', KEYS[3], ARGV[1]) redis.call('PEXPIRE', KEYS[3], ARGV[3]) \
    end return v";

/// How long the keys of a node's claimed calls are kept (ms).
const CLAIMED_TTL_MS: u64 = 86_400_000;

/// Whether the node still runs: a signalling shard's queue is open.
pub(crate) fn running(shards: &[mpsc::WeakSender<Command>]) -> bool {
    shards.iter().any(|s| s.upgrade().is_some_and(|q| !q.is_closed()))
}

/// The taking-over side of a node.
pub(crate) struct Takeover {
    pub link: Link,
    pub cfg: ClusterConfig,
    pub stats: Arc<ClusterStats>,
    /// Each signalling shard's command queue (weak: the node stops when
    /// its API handles are dropped, whatever this task holds).
    pub shards: Vec<mpsc::WeakSender<Command>>,
    /// Calls to claim: the node whose hash holds them, and their keys.
    pub pending: VecDeque<(String, String)>,
    script: redis::Script,
    tokens: f64,
    last: Instant,
}

impl Takeover {
    /// Takes over for `cfg`'s node into `shards`.
    pub fn new(
        link: Link,
        cfg: ClusterConfig,
        stats: Arc<ClusterStats>,
        shards: Vec<mpsc::WeakSender<Command>>,
    ) -> Self {
        Takeover {
            link,
            cfg,
            stats,
            shards,
            pending: VecDeque::new(),
            script: redis::Script::new(CLAIM),
            tokens: 0.0,
            last: Instant::now(),
        }
    }

    /// Lists the calls of node hash `node` for claiming.
    pub async fn list(&mut self, node: &str) {
        let Some(c) = self.link.conn().await else { return };
        let r = redis::cmd("HKEYS")
            .arg(Keys::calls(node))
            .query_async::<Vec<String>>(c)
            .await;
        let keys = self.link.note(r).unwrap_or_default();
        if !keys.is_empty() {
            tracing::warn!("cluster: taking over {} calls of node {node:?}", keys.len());
        }
        self.pending.extend(keys.into_iter().map(|k| (node.to_owned(), k)));
    }

    /// Looks for nodes whose heartbeat lapsed, when no takeover is under
    /// way; a dead node with no calls left is struck off.
    pub async fn scan(&mut self) {
        // Nor while Redis has not answered us for a heartbeat's life: after
        // an outage every heartbeat has lapsed, and the nodes must beat
        // again before any of them is found dead.
        if !self.pending.is_empty() || self.link.up_for() < self.cfg.node_ttl() {
            if self.link.up_for().is_zero()
                && let Some(c) = self.link.conn().await
            {
                let r = redis::cmd("PING").query_async::<()>(c).await;
                self.link.note(r);
            }
            return;
        }
        let Some(c) = self.link.conn().await else { return };
        let r = redis::cmd("SMEMBERS")
            .arg(Keys::NODES)
            .query_async::<Vec<String>>(c)
            .await;
        for node in self.link.note(r).unwrap_or_default() {
            if node == self.cfg.node_id {
                continue;
            }
            let Some(c) = self.link.conn().await else { return };
            let mut pipe = redis::pipe();
            pipe.exists(Keys::node(&node)).exists(Keys::calls(&node));
            let r = pipe.query_async::<(bool, bool)>(c).await;
            let Some((alive, calls)) = self.link.note(r) else {
                return;
            };
            match (alive, calls) {
                (true, _) => {}
                (false, true) => self.list(&node).await,
                (false, false) => {
                    let Some(c) = self.link.conn().await else { return };
                    let r = redis::cmd("SREM")
                        .arg(Keys::NODES)
                        .arg(&node)
                        .query_async::<()>(c)
                        .await;
                    self.link.note(r);
                }
            }
        }
    }

    /// Claims as many listed calls as the rate allows now.
    pub async fn claim(&mut self) {
        let now = Instant::now();
        let rate = f64::from(self.cfg.takeover_rate);
        self.tokens = (self.tokens + rate * (now - self.last).as_secs_f64()).min(rate.max(1.0));
        self.last = now;
        while self.tokens >= 1.0 {
            let Some((node, key)) = self.pending.pop_front() else {
                break;
            };
            let Some(c) = self.link.conn().await else {
                return self.pending.push_front((node, key));
            };
            let ttl = self.cfg.calls_ttl().as_millis() as u64;
            let mut call = self.script.key(Keys::calls(&node));
            // The claimed keys outlive any partition the node may come back
            // from (a day); its next start clears them.
            call.key(Keys::node(&node))
                .key(Keys::claimed(&node))
                .arg(&key)
                .arg(ttl)
                .arg(CLAIMED_TTL_MS);
            let r = call.invoke_async::<redis::Value>(c).await;
            let Some(claimed) = self.link.note(r) else {
                return self.pending.push_front((node, key));
            };
            self.tokens -= 1.0;
            match claimed {
                redis::Value::BulkString(json) => self.hand_over(&node, &key, &json).await,
                redis::Value::Int(0) => {
                    tracing::warn!("cluster: node {node:?} beats again: its calls are left to it");
                    self.pending.retain(|(n, _)| *n != node);
                }
                // Another node claimed it first.
                _ => _ = self.stats.skipped.fetch_add(1, Relaxed),
            }
        }
    }
}
