//! The signalling shards: whether the kernel steers datagrams to them,
//! and how many messages one shard handed to another.

use super::{Metrics, put};
use std::sync::atomic::Ordering::Relaxed;

impl Metrics {
    pub(super) fn render_shards(&self, out: &mut String) {
        let s = &self.stats;
        put(
            out,
            "rvoip_sip_threads",
            "gauge",
            "signalling threads (shards by Call-ID)",
            &[("", s.slots_len() as u64)],
        );
        put(
            out,
            "rvoip_sip_steered",
            "gauge",
            "1 when the kernel steers each UDP datagram to its shard's socket (reuseport eBPF)",
            &[("", u64::from(s.steered.load(Relaxed)))],
        );
        put(
            out,
            "rvoip_sip_handover_total",
            "counter",
            "SIP messages one signalling shard handed to the shard owning their Call-ID",
            &[("", s.handed_over.load(Relaxed))],
        );
    }
}
