//! rvoip-gw nodes in a cluster (issue #19): each node's bridged calls
//! replicated to Redis, and the calls of a node that died taken over by
//! another, which re-INVITEs both legs with its own Contact and media
//! address. The protocol side (snapshots, restoring calls, the
//! re-INVITEs) is the session layer's and the gateway's; here are the
//! tokio tasks that talk to Redis, off the signalling threads: the
//! writer of the replica, the heartbeat and the takeover.
//!
//! Keys ([`config::Keys`]): `rvoip:node:<id>` (the heartbeat, three beats
//! to live), `rvoip:nodes` (every node that has run), `rvoip:calls:<id>`
//! (a hash of JSON snapshots, [`crate::session::CallSnapshot`]).

mod config;
mod handover;
mod heartbeat;
mod link;
mod replicator;
mod stats;
mod takeover;

pub use config::ClusterConfig;
pub(crate) use config::Keys;
pub use stats::ClusterStats;

use crate::session::{Command, ReplicaOp};
use std::sync::Arc;
use tokio::sync::mpsc;

/// Changes queued for the writer at most (a full queue is counted).
const QUEUE: usize = 65536;

/// What the signalling shards need of a running cluster node.
#[derive(Debug, Clone)]
pub(crate) struct ClusterLink {
    /// Where the shards queue their changes.
    pub replica: mpsc::Sender<ReplicaOp>,
    /// The counters.
    pub stats: Arc<ClusterStats>,
}

/// Joins the cluster `cfg` names: claims the node id (refused, naming
/// the key, when a live node has it), then runs the writer, the heartbeat
/// and (when on) the takeover, which hands calls to `shards`, on a thread
/// of their own (no Redis work on a signalling thread).
pub(crate) async fn start(cfg: &ClusterConfig, shards: &[mpsc::Sender<Command>]) -> Result<ClusterLink, String> {
    cfg.check()?;
    let stats = Arc::new(ClusterStats::default());
    let link = || link::Link::new(&cfg.redis, stats.clone()).map_err(|e| format!("cluster.redis: {e}"));
    let token = format!("{:016x}", rand::random::<u64>());
    let mut beat = heartbeat::Heartbeat::new(link()?, cfg.clone(), token, stats.clone());
    let (tx, rx) = mpsc::channel(QUEUE);
    let weak: Vec<_> = shards.iter().map(mpsc::Sender::downgrade).collect();
    let cfg_beat = cfg.heartbeat;
    let writer = replicator::Replicator::new(link()?, &cfg.node_id, stats.clone(), weak.clone());
    let mut takeover = takeover::Takeover::new(link()?, cfg.clone(), stats.clone(), weak);
    let (started_tx, started) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("rvoip-cluster".into())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build();
            let Ok(rt) = rt else {
                _ = started_tx.send(Err("cluster: no runtime for its thread".to_owned()));
                return;
            };
            rt.block_on(async move {
                let prev = match beat.claim_id().await {
                    Ok(p) => p,
                    Err(e) => {
                        _ = started_tx.send(Err(e));
                        return;
                    }
                };
                _ = started_tx.send(Ok(()));
                if let Some(prev) = prev.filter(|_| takeover.cfg.takeover) {
                    takeover.list(prev.as_str()).await;
                }
                let alive = takeover.shards.clone();
                tokio::join!(
                    writer.run(rx, cfg_beat),
                    run_beat(beat, alive),
                    run_takeover(&mut takeover)
                );
            });
        })
        .map_err(|e| format!("cluster: no thread: {e}"))?;
    started.await.map_err(|_| "cluster: its thread stopped".to_owned())??;
    Ok(ClusterLink { replica: tx, stats })
}

/// The heartbeat, every beat, until the node stops.
async fn run_beat(mut beat: heartbeat::Heartbeat, shards: Vec<mpsc::WeakSender<Command>>) {
    let mut tick = tokio::time::interval(beat.cfg.heartbeat);
    while takeover::running(&shards) {
        tick.tick().await;
        beat.beat().await;
    }
}

/// Every beat, a look for nodes that died; between, claims at the rate
/// asked, until the node stops.
async fn run_takeover(takeover: &mut takeover::Takeover) {
    let tick = std::time::Duration::from_millis(50);
    let mut next_scan = std::time::Instant::now();
    while takeover::running(&takeover.shards) {
        if takeover.cfg.takeover {
            if std::time::Instant::now() >= next_scan {
                next_scan += takeover.cfg.heartbeat;
                takeover.scan().await;
            }
            takeover.claim().await;
        }
        tokio::time::sleep(tick).await;
    }
}
