//! One shard's counters, in a slot only it writes (its own cache lines,
//! a lock nobody else takes but a reader now and then), and their sum,
//! computed when the API, the metrics or the status line read them.

use super::LiveStats;
use crate::gateway::GatewayStats;
use crate::session::UaStats;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// What one shard last published.
#[derive(Debug, Default, Clone, PartialEq)]
pub(crate) struct Published {
    pub ua: UaStats,
    pub active: u64,
    pub transactions: u64,
    pub tcp_refused: u64,
    pub shedding: bool,
    pub gateway: Option<GatewayStats>,
    /// The gateway's failed outbound legs by status.
    pub failures: Vec<(u16, u64)>,
    /// The version of the registrations last published.
    pub registrations: u64,
}

/// A shard's slot, aligned so that two shards never share a cache line.
#[derive(Debug, Default)]
#[repr(align(128))]
pub(crate) struct Slot {
    published: Mutex<Published>,
    /// The longest a SIP datagram waited in this shard's socket (µs)
    /// since the metrics last read it.
    queue_delay_max_us: AtomicU64,
}

/// Every shard's counters summed.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Totals {
    /// The UA counters, summed.
    pub ua: UaStats,
    /// Calls in progress.
    pub active: u64,
    /// Live transactions.
    pub transactions: u64,
    /// TCP sends refused (queue full or connection cap).
    pub tcp_refused: u64,
    /// Signalling shards shedding load now.
    pub shedding: u64,
}

impl LiveStats {
    /// Shard `shard`'s counters are now `p`.
    pub fn store(&self, shard: usize, p: &Published) {
        if let Some(Ok(mut s)) = self.slots.get(shard).map(|s| s.published.lock()) {
            s.clone_from(p);
        }
    }

    fn each(&self, mut f: impl FnMut(&Published)) {
        for s in &self.slots {
            if let Ok(p) = s.published.lock() {
                f(&p);
            }
        }
    }

    /// A datagram waited `us` in shard `shard`'s socket.
    pub fn queue_delay(&self, shard: usize, us: u64) {
        if let Some(s) = self.slots.get(shard) {
            s.queue_delay_max_us.fetch_max(us, Relaxed);
        }
    }

    /// The longest wait of a datagram in any shard's socket since the
    /// last call (µs).
    pub fn take_queue_delay_max_us(&self) -> u64 {
        self.slots
            .iter()
            .map(|s| s.queue_delay_max_us.swap(0, Relaxed))
            .max()
            .unwrap_or(0)
    }

    /// Every shard's counters, summed.
    pub fn totals(&self) -> Totals {
        let mut t = Totals::default();
        self.each(|p| {
            t.ua = t.ua.merged(&p.ua);
            t.active += p.active;
            t.transactions += p.transactions;
            t.tcp_refused += p.tcp_refused;
            t.shedding += u64::from(p.shedding);
        });
        t
    }

    /// The gateway's counters, all shards summed.
    pub fn gateway_total(&self) -> GatewayStats {
        let mut g = GatewayStats::default();
        self.each(|p| g = g.merged(&p.gateway.unwrap_or_default()));
        g
    }

    /// The gateway's failed outbound legs by status, all shards summed.
    pub fn gateway_failures_total(&self) -> Vec<(u16, u64)> {
        let mut sum = std::collections::BTreeMap::new();
        self.each(|p| {
            for (status, n) in &p.failures {
                *sum.entry(*status).or_insert(0) += n;
            }
        });
        sum.into_iter().collect()
    }
}
