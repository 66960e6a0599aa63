//! Local RTP port numbers handed to calls (even ports; RTCP on port+1).
//!
//! The range is dealt round-robin to the signalling shards (each UA owns
//! every `shards`-th port), and a UA's ports round-robin into one shard per
//! media worker: a call's ports come from the shard of the worker that will
//! carry its media, so a port always returns to the worker that keeps its
//! socket open for reuse.
//! A freed port cools for [`QUARANTINE`] (late packets of the old call must
//! not latch the new one), then goes on a stack: the most recently cooled
//! port is reused first, which keeps the set of sockets in use small.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// How long a freed port rests before it is handed out again (unless the
/// shard has nothing else).
pub const QUARANTINE: Duration = Duration::from_millis(500);

#[derive(Debug, Default)]
struct Shard {
    /// Ready to use; the top is taken first.
    ready: Vec<u16>,
    /// Freed, oldest first, with the time each was freed.
    cooling: VecDeque<(u16, Instant)>,
}

/// A pool of even ports in `[min, max)`, sharded by media worker.
#[derive(Debug)]
pub struct PortPool {
    start: u16,
    /// Signalling shards sharing the range.
    owners: usize,
    shards: Vec<Shard>,
}

impl PortPool {
    /// Signalling shard `owner` of `owners`' part of the even ports of
    /// `[min, max)`, dealt into `workers` shards (at least one).
    pub fn new((min, max): (u16, u16), workers: usize, owner: usize, owners: usize) -> Self {
        let start = min + (min % 2);
        let owners = owners.max(1);
        let mut pool = PortPool {
            start,
            owners,
            shards: (0..workers.max(1)).map(|_| Shard::default()).collect(),
        };
        // Reversed so that each shard's lowest port is on top.
        for port in (start..max.saturating_sub(1)).step_by(2).rev() {
            if usize::from((port - start) / 2) % owners == owner {
                let s = pool.shard_of(port);
                pool.shards[s].ready.push(port);
            }
        }
        pool
    }

    /// The shard (media worker) a port belongs to.
    pub fn shard_of(&self, port: u16) -> usize {
        usize::from(port.wrapping_sub(self.start) / 2) / self.owners % self.shards.len()
    }

    /// Takes a port of shard `shard` (modulo the shard count); `None` when
    /// that shard is exhausted.
    pub fn take(&mut self, now: Instant, shard: usize) -> Option<u16> {
        let n = self.shards.len();
        let s = &mut self.shards[shard % n];
        while let Some(&(port, freed)) = s.cooling.front() {
            if now.saturating_duration_since(freed) < QUARANTINE {
                break;
            }
            s.cooling.pop_front();
            s.ready.push(port);
        }
        s.ready.pop().or_else(|| s.cooling.pop_front().map(|(p, _)| p))
    }

    /// Returns a port to its shard, to cool.
    pub fn give_back(&mut self, now: Instant, port: u16) {
        let s = self.shard_of(port);
        self.shards[s].cooling.push_back((port, now));
    }

    /// Ports free in shard `shard` (modulo the shard count).
    pub fn available(&self, shard: usize) -> usize {
        let s = &self.shards[shard % self.shards.len()];
        s.ready.len() + s.cooling.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_stay_in_their_shard_and_cool_before_reuse() {
        let t0 = Instant::now();
        let mut pool = PortPool::new((10000, 10010), 2, 0, 1);
        assert_eq!(pool.available(0) + pool.available(1), 5);
        let a = pool.take(t0, 0).unwrap();
        let b = pool.take(t0, 1).unwrap();
        assert_eq!((a, b), (10000, 10002));
        assert_eq!((pool.shard_of(a), pool.shard_of(b)), (0, 1));
        pool.give_back(t0, a);
        // Still cooling: shard 0's next ready port comes first.
        assert_eq!(pool.take(t0, 0), Some(10004));
        assert_eq!(pool.take(t0, 0), Some(10008));
        // Nothing ready: the cooling port is better than a refusal.
        assert_eq!(pool.take(t0, 0), Some(a));
        assert_eq!(pool.take(t0, 0), None);
        pool.give_back(t0, 10004);
        pool.give_back(t0 + Duration::from_millis(10), 10008);
        // Both cooled: the most recently freed is reused first.
        let later = t0 + QUARANTINE + Duration::from_millis(20);
        assert_eq!(pool.take(later, 0), Some(10008));
        assert_eq!(pool.take(later, 2), Some(10004));
    }

    #[test]
    fn signalling_shards_own_disjoint_ports() {
        let t0 = Instant::now();
        let mut pools: Vec<PortPool> = (0..2).map(|s| PortPool::new((10000, 10020), 2, s, 2)).collect();
        let mut seen = Vec::new();
        for (s, pool) in pools.iter_mut().enumerate() {
            for w in 0..2 {
                while let Some(p) = pool.take(t0, w) {
                    assert_eq!(pool.shard_of(p), w);
                    seen.push((p, s));
                }
            }
        }
        seen.sort();
        let ports: Vec<u16> = seen.iter().map(|(p, _)| *p).collect();
        assert_eq!(ports, (10000..10019).step_by(2).collect::<Vec<_>>(), "each port once");
        assert!(seen.iter().all(|(p, s)| usize::from((p - 10000) / 2) % 2 == *s));
    }
}
