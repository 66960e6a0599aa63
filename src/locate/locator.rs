//! The UA core's half of server location: answers a lookup from its cache
//! (each answer kept until its TTL runs out), or starts one lookup per
//! name (later askers wait on the same one) as a [`Resolve`] for the
//! driver, fails the waiters of a lookup not answered within the
//! configured time, and remembers the peers that failed lately. Sans-IO:
//! time comes in as `now`; its random source is seeded.

use super::{DnsConfig, Families, LocateError, Query, Resolve, ResolveId, ServerSet, order};
use crate::collections::DeadlineHeap;
use crate::ids::{CallId, Peer};
use rand::SeedableRng;
use rand::rngs::SmallRng;
use rustc_hash::FxHashMap;
use std::collections::VecDeque;
use std::time::Instant;

/// Names kept in the cache at most.
const MAX_CACHED: usize = 4096;
/// Lookups in flight at most; past that a request fails at once (503).
const MAX_IN_FLIGHT: usize = 1024;

/// Who waits on a lookup.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Waiter {
    /// An outgoing call not placed yet (its first INVITE).
    Place(CallId),
    /// A call's next target (a redirect's Contact).
    Call(CallId),
    /// A registration's registrar, by its place in the list.
    Registration(usize),
    /// A call's dialog, whose next hop (Record-Route or Contact) names a host.
    Hop(CallId),
}

/// A lookup in flight.
#[derive(Debug)]
struct Flight {
    query: Query,
    waiters: Vec<Waiter>,
}

/// What a waiter gets: the peers to try in order, or why there are none.
pub type Located = Result<Vec<Peer>, LocateError>;

/// Server location for one UA core.
#[derive(Debug)]
pub struct Locator {
    cfg: DnsConfig,
    /// TLS is on: TLS peers are usable.
    tls: bool,
    /// The IP families we have a SIP address in (IPv4, IPv6): peers of
    /// another are not usable.
    families: Families,
    rng: SmallRng,
    cache: FxHashMap<Query, ServerSet>,
    flights: FxHashMap<ResolveId, Flight>,
    by_query: FxHashMap<Query, ResolveId>,
    deadlines: DeadlineHeap<ResolveId>,
    out: VecDeque<Resolve>,
    /// Peers that failed, until when they are tried last.
    failed: FxHashMap<Peer, Instant>,
    next_id: u64,
    /// The name each TLS peer handed out must show (RFC 5922 §4).
    pub(super) names: super::TlsNames,
}

impl Locator {
    /// A locator with an empty cache.
    pub fn new(cfg: DnsConfig, tls: bool, families: Families, seed: u64) -> Self {
        Locator {
            cfg,
            tls,
            families,
            rng: SmallRng::seed_from_u64(seed ^ 0x5eed_d115),
            cache: FxHashMap::default(),
            flights: FxHashMap::default(),
            by_query: FxHashMap::default(),
            deadlines: DeadlineHeap::default(),
            out: VecDeque::new(),
            failed: FxHashMap::default(),
            next_id: 1,
            names: super::TlsNames::default(),
        }
    }

    /// The peers to try for `query`, in order, when its answer is cached
    /// (`Ok(Some)`); else `waiter` waits for the lookup (`Ok(None)`), and
    /// gets its answer from [`Self::handle_resolved`] or
    /// [`Self::handle_timeout`].
    pub fn lookup(&mut self, now: Instant, query: &Query, waiter: Waiter) -> Result<Option<Vec<Peer>>, LocateError> {
        if let Some(set) = self.cache.get(query).filter(|s| s.valid_until > now) {
            let (rng, failed) = (&mut self.rng, &self.failed);
            let peers = order::usable_order(set, rng, failed, (self.tls, self.families), now, query);
            return peers.and_then(|p| self.names.bind(&query.host, p)).map(Some);
        }
        if let Some(flight) = self.by_query.get(query).and_then(|id| self.flights.get_mut(id)) {
            flight.waiters.push(waiter);
            return Ok(None);
        }
        if self.flights.len() >= MAX_IN_FLIGHT {
            return Err(LocateError::Busy(query.host.clone()));
        }
        let id = ResolveId(self.next_id);
        self.next_id += 1;
        self.flights.insert(
            id,
            Flight {
                query: query.clone(),
                waiters: vec![waiter],
            },
        );
        self.by_query.insert(query.clone(), id);
        self.deadlines.push(now + self.cfg.timeout, id);
        self.out.push_back(Resolve {
            id,
            query: query.clone(),
        });
        Ok(None)
    }

    /// The next lookup for the driver.
    pub fn poll_resolve(&mut self) -> Option<Resolve> {
        self.out.pop_front()
    }

    /// The answer to lookup `id`: cached, and each of its waiters given
    /// its own order of the peers. An answer no one waits for any more
    /// (timed out) is dropped.
    pub fn handle_resolved(
        &mut self,
        now: Instant,
        id: ResolveId,
        answer: Result<ServerSet, LocateError>,
    ) -> Vec<(Waiter, Located)> {
        let Some(flight) = self.flights.remove(&id) else {
            return Vec::new();
        };
        self.by_query.remove(&flight.query);
        if let Ok(set) = &answer
            && set.valid_until > now
        {
            if self.cache.len() >= MAX_CACHED {
                self.cache.retain(|_, s| s.valid_until > now);
                if self.cache.len() >= MAX_CACHED {
                    self.cache.clear();
                }
            }
            self.cache.insert(flight.query.clone(), set.clone());
        }
        let (ours, query) = ((self.tls, self.families), &flight.query);
        let mut given = Vec::with_capacity(flight.waiters.len());
        for w in flight.waiters {
            let located = match &answer {
                Ok(set) => order::usable_order(set, &mut self.rng, &self.failed, ours, now, query)
                    .and_then(|p| self.names.bind(&query.host, p)),
                Err(e) => Err(e.clone()),
            };
            given.push((w, located));
        }
        given
    }

    /// Fails the waiters of the lookups whose time ran out by `now`.
    pub fn handle_timeout(&mut self, now: Instant) -> Vec<(Waiter, Located)> {
        let mut given = Vec::new();
        while let Some(id) = self.deadlines.pop_due(now) {
            if let Some(flight) = self.flights.remove(&id) {
                self.by_query.remove(&flight.query);
                let e = LocateError::Timeout(flight.query.host.clone());
                given.extend(flight.waiters.into_iter().map(|w| (w, Err(e.clone()))));
            }
        }
        if self.failed.len() > MAX_CACHED {
            self.failed.retain(|_, until| *until > now);
        }
        given
    }

    /// When [`Self::handle_timeout`] is next due.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.deadlines.next()
    }

    /// `peer` did not answer (Timer B/F) or could not be reached: tried
    /// after the others of a name for the configured time.
    pub fn mark_failed(&mut self, now: Instant, peer: Peer) {
        if !self.cfg.failed_for.is_zero() {
            tracing::debug!(%peer, "server failed: tried last for {:?}", self.cfg.failed_for);
            self.failed.insert(peer, now + self.cfg.failed_for);
        }
    }
}

#[cfg(test)]
mod tests;
