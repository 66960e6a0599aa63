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
/// the key, when a live node has it), then starts the writer, the
/// heartbeat and (when on) the takeover, which hands calls to `shards`.
pub(crate) async fn start(cfg: &ClusterConfig, shards: &[mpsc::Sender<Command>]) -> Result<ClusterLink, String> {
    cfg.check()?;
    let stats = Arc::new(ClusterStats::default());
    let link = || link::Link::new(&cfg.redis, stats.clone()).map_err(|e| format!("cluster.redis: {e}"));
    let token = format!("{:016x}", rand::random::<u64>());
    let mut beat = heartbeat::Heartbeat {
        link: link()?,
        cfg: cfg.clone(),
        token,
        stats: stats.clone(),
    };
    let prev = beat.claim_id().await?;
    let (tx, rx) = mpsc::channel(QUEUE);
    let writer = replicator::Replicator::new(link()?, &cfg.node_id, stats.clone());
    tokio::spawn(writer.run(rx));
    let weak = shards.iter().map(mpsc::Sender::downgrade).collect();
    let mut takeover = takeover::Takeover::new(link()?, cfg.clone(), stats.clone(), weak);
    if let Some(prev) = prev.filter(|_| cfg.takeover) {
        takeover.list(&prev).await;
    }
    tokio::spawn(run(beat, takeover));
    Ok(ClusterLink { replica: tx, stats })
}

/// Beats, and takes over when on, until the node stops.
async fn run(mut beat: heartbeat::Heartbeat, mut takeover: takeover::Takeover) {
    let tick = std::time::Duration::from_millis(50);
    let mut next_beat = std::time::Instant::now();
    while takeover.running() {
        if std::time::Instant::now() >= next_beat {
            next_beat += beat.cfg.heartbeat;
            beat.beat().await;
            if beat.cfg.takeover {
                takeover.scan().await;
            }
        }
        if beat.cfg.takeover {
            takeover.claim().await;
        }
        tokio::time::sleep(tick).await;
    }
}
