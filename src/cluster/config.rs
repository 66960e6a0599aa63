//! A node's place in a cluster: its id, the Redis that holds the
//! replica, how often it beats, whether and how fast it takes over.

use std::time::Duration;

/// Cluster settings (`[cluster]` in rvoip-gw's config).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClusterConfig {
    /// This node's id: unique among the nodes sharing the Redis (a second
    /// node started with a live node's id refuses to start). Letters,
    /// digits, `-`, `_` and `.`.
    pub node_id: String,
    /// The Redis server, as a `redis://host:port/db` URL.
    pub redis: String,
    /// How often the node's heartbeat is written; it lapses after three
    /// beats missed, and then the others take its calls over.
    pub heartbeat: Duration,
    /// Whether this node takes over the calls of nodes whose heartbeat
    /// lapsed.
    pub takeover: bool,
    /// Calls per second taken over at most (a takeover is not a spike).
    pub takeover_rate: u32,
}

impl ClusterConfig {
    /// How long a heartbeat lives: three beats.
    pub fn node_ttl(&self) -> Duration {
        self.heartbeat * 3
    }

    /// How long a node's calls outlive its last beat, for another node to
    /// take them over: 60 s, or twenty beats if longer.
    pub fn calls_ttl(&self) -> Duration {
        (self.heartbeat * 20).max(Duration::from_secs(60))
    }

    /// The first setting that cannot work, named by its key.
    pub fn check(&self) -> Result<(), String> {
        let id_ok = |c: char| c.is_ascii_alphanumeric() || "-_.".contains(c);
        if self.node_id.is_empty() || self.node_id.len() > 64 || !self.node_id.chars().all(id_ok) {
            return Err(format!(
                "cluster.node_id: {:?} is not 1-64 letters, digits, '-', '_' or '.'",
                self.node_id
            ));
        }
        if let Err(e) = redis::Client::open(self.redis.as_str()) {
            return Err(format!("cluster.redis: {e}"));
        }
        if self.heartbeat < Duration::from_millis(100) || self.heartbeat > Duration::from_secs(60) {
            return Err("cluster.heartbeat_ms: between 100 and 60000".into());
        }
        if self.takeover_rate == 0 {
            return Err("cluster.takeover_rate: at least 1 call per second".into());
        }
        Ok(())
    }
}

/// The Redis keys of a cluster: each node's heartbeat and calls, and the
/// set of nodes that have run.
#[derive(Debug, Clone)]
pub(crate) struct Keys;

impl Keys {
    /// Every node that has run (and may have calls to take over).
    pub const NODES: &'static str = "rvoip:nodes";

    /// Node `id`'s heartbeat (its instance's token; expires).
    pub fn node(id: &str) -> String {
        ["rvoip:node:", id].concat()
    }

    /// Node `id`'s calls: a hash of snapshot JSON by call key.
    pub fn calls(id: &str) -> String {
        ["rvoip:calls:", id].concat()
    }

    /// The keys of node `id`'s calls other nodes took over.
    pub fn claimed(id: &str) -> String {
        ["rvoip:claimed:", id].concat()
    }
}
