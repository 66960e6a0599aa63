//! The cluster's counters, read by the metrics endpoint.

use std::sync::atomic::{AtomicBool, AtomicU64};

/// Counters of the replica and of takeovers (all monotonic but `redis_up`).
#[derive(Debug, Default)]
pub struct ClusterStats {
    /// Snapshots written.
    pub writes: AtomicU64,
    /// Snapshots deleted (calls ended).
    pub deletes: AtomicU64,
    /// Changes lost to a Redis that failed (slow, down): the call went on.
    pub write_errors: AtomicU64,
    /// Changes dropped because the queue to the writer was full.
    pub queue_full: AtomicU64,
    /// Heartbeats that could not be written.
    pub heartbeat_errors: AtomicU64,
    /// Beats that found the node's heartbeat had lapsed (Redis out of
    /// reach, or too slow, for three beats).
    pub heartbeat_lapsed: AtomicU64,
    /// Calls claimed from nodes whose heartbeat lapsed.
    pub claimed: AtomicU64,
    /// Records skipped: corrupted, another format, or another node's claim.
    pub skipped: AtomicU64,
    /// Claimed calls that could not be handed to a signalling shard.
    pub handover_failed: AtomicU64,
    /// Whether Redis answered the last time it was asked.
    pub redis_up: AtomicBool,
}
