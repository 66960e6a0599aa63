//! A cluster node's replica and takeovers (issue #19).

use super::{Metrics, put};
use std::sync::atomic::Ordering::Relaxed;

impl Metrics {
    pub(super) fn render_cluster(&self, out: &mut String) {
        let Some(c) = &self.cluster else { return };
        let rows: [(&str, &str, &str, u64); 10] = [
            (
                "rvoip_cluster_redis_up",
                "gauge",
                "1 when Redis answered the node's last command",
                u64::from(c.redis_up.load(Relaxed)),
            ),
            (
                "rvoip_cluster_snapshots_written_total",
                "counter",
                "call snapshots written to Redis",
                c.writes.load(Relaxed),
            ),
            (
                "rvoip_cluster_snapshots_deleted_total",
                "counter",
                "call snapshots deleted (calls ended)",
                c.deletes.load(Relaxed),
            ),
            (
                "rvoip_cluster_write_errors_total",
                "counter",
                "snapshot changes Redis did not take (slow or down; the calls went on)",
                c.write_errors.load(Relaxed),
            ),
            (
                "rvoip_cluster_queue_full_total",
                "counter",
                "snapshot changes dropped: the queue to the writer was full",
                c.queue_full.load(Relaxed),
            ),
            (
                "rvoip_cluster_heartbeat_errors_total",
                "counter",
                "heartbeats not written",
                c.heartbeat_errors.load(Relaxed),
            ),
            (
                "rvoip_cluster_heartbeat_lapsed_total",
                "counter",
                "beats that found the node's heartbeat had lapsed (its calls may have been taken over)",
                c.heartbeat_lapsed.load(Relaxed),
            ),
            (
                "rvoip_cluster_calls_claimed_total",
                "counter",
                "calls claimed from nodes whose heartbeat lapsed",
                c.claimed.load(Relaxed),
            ),
            (
                "rvoip_cluster_records_skipped_total",
                "counter",
                "records skipped: claimed by another node, corrupted or of another format",
                c.skipped.load(Relaxed),
            ),
            (
                "rvoip_cluster_handover_failed_total",
                "counter",
                "claimed calls no signalling shard could take",
                c.handover_failed.load(Relaxed),
            ),
        ];
        for (name, kind, help, v) in rows {
            put(out, name, kind, help, &[("", v)]);
        }
    }
}
