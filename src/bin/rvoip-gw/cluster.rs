//! `[cluster]`: this node's id and the Redis that holds the cluster's
//! calls (docs/cluster.md); no id, no cluster.

use serde::Deserialize;
use std::time::Duration;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterCfg {
    /// Empty: a node alone.
    pub node_id: String,
    pub redis: String,
    pub heartbeat_ms: u64,
    pub takeover: bool,
    pub takeover_rate: u32,
}

/// The cluster settings `cfg` gives (`None` without a node id), each bad
/// value an error naming its key.
pub fn load(cfg: &ClusterCfg) -> Result<Option<rvoip::api::ClusterConfig>, String> {
    if cfg.node_id.is_empty() {
        return Ok(None);
    }
    let c = rvoip::api::ClusterConfig {
        node_id: cfg.node_id.clone(),
        redis: cfg.redis.clone(),
        heartbeat: Duration::from_millis(cfg.heartbeat_ms),
        takeover: cfg.takeover,
        takeover_rate: cfg.takeover_rate,
    };
    c.check()?;
    Ok(Some(c))
}
