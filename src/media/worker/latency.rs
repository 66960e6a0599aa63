//! The latency a worker adds to each packet: from the kernel's arrival
//! stamp (SO_TIMESTAMPNS, so time queued in the socket counts) to the end
//! of its processing, in an hdrhistogram per worker (allocated once; a
//! record allocates nothing), published to atomics a few times a second.

use hdrhistogram::Histogram;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// Upper bounds (µs) of the published histogram buckets (`le`).
pub const LATENCY_BUCKETS_US: [u64; 8] = [10, 50, 100, 200, 500, 1_000, 5_000, 20_000];

/// What a worker publishes about its latency (cumulative since start).
#[derive(Debug, Default)]
pub struct LatencyCounters {
    /// Packets measured.
    pub count: AtomicU64,
    /// Sum of their latencies (ns).
    pub sum_ns: AtomicU64,
    /// Median (ns).
    pub p50_ns: AtomicU64,
    /// 99th percentile (ns).
    pub p99_ns: AtomicU64,
    /// 99.9th percentile (ns).
    pub p999_ns: AtomicU64,
    /// Largest (ns).
    pub max_ns: AtomicU64,
    /// Packets at or under each of [`LATENCY_BUCKETS_US`].
    pub le: [AtomicU64; LATENCY_BUCKETS_US.len()],
}

/// The worker's own histogram (ns, 1 ns to 10 s, 2 significant digits).
pub struct LatencyHistogram {
    hist: Histogram<u64>,
}

impl LatencyHistogram {
    /// An empty histogram, allocated now.
    pub fn new() -> Self {
        LatencyHistogram {
            hist: Histogram::new_with_bounds(1, 10_000_000_000, 2).expect("invariant: valid bounds"),
        }
    }

    /// Records one packet's latency.
    pub fn record(&mut self, ns: u64) {
        self.hist.saturating_record(ns.max(1));
    }

    /// Copies the summary into `c`.
    pub fn publish(&self, c: &LatencyCounters) {
        let h = &self.hist;
        c.count.store(h.len(), Relaxed);
        c.sum_ns.store((h.mean() * h.len() as f64) as u64, Relaxed);
        c.p50_ns.store(h.value_at_quantile(0.5), Relaxed);
        c.p99_ns.store(h.value_at_quantile(0.99), Relaxed);
        c.p999_ns.store(h.value_at_quantile(0.999), Relaxed);
        c.max_ns.store(h.max(), Relaxed);
        for (le, us) in c.le.iter().zip(LATENCY_BUCKETS_US) {
            le.store(h.count_between(0, us * 1000), Relaxed);
        }
    }
}

impl Default for LatencyHistogram {
    fn default() -> Self {
        Self::new()
    }
}
