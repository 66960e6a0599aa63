//! The B2BUA: routes each incoming call (reject, echo, or bridge to a
//! target), pairs the two legs, relays progress, answers, failures, hangups
//! and hold between them, and refuses what it must (limits, per-source
//! rate, draining) with 503 + Retry-After. Sans-IO like the session layer
//! below it: session events and time in, session commands out.

mod admission;
mod adopt;
mod config;
mod events;
mod fork;
mod incoming;
mod leg;
mod pairing;
mod rate;
mod route;
mod stats;
mod target;
mod transfer;

pub use admission::Admission;
pub use config::{GatewayConfig, Route, RouteAction};
pub use stats::{GatewayStats, SETUP_BUCKETS_MS};

use crate::collections::DeadlineHeap;
use crate::ids::CallId;
use crate::session::Command;
use leg::Leg;
use rustc_hash::FxHashMap;
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// First id of the outbound legs the gateway places (inbound calls count
/// up from 1, API calls from 2^62).
const FIRST_OUTBOUND: u64 = 1 << 61;

/// The B2BUA state machine.
#[derive(Debug)]
pub struct Gateway {
    cfg: GatewayConfig,
    legs: FxHashMap<CallId, Leg>,
    commands: VecDeque<Command>,
    answer_at: DeadlineHeap<CallId>,
    admission: std::sync::Arc<Admission>,
    /// This shard's share of the rate limits.
    rates: rate::Rates,
    /// This shard and the shard count: outbound ids are `shard (mod shards)`.
    shards: u64,
    /// Each route's outbound codecs, built once from its names.
    route_codecs: Vec<Vec<crate::sdp::Codec>>,
    next_id: u64,
    drain_until: Option<Instant>,
    /// The calls a drain outlived have been told to end (once: one that
    /// lingers, a CANCEL waiting for a provisional, ends on its own).
    drain_ended: bool,
    inbound: usize,
    /// Inbound calls whose outbound legs race (a user with several
    /// registered Contacts).
    forks: FxHashMap<CallId, fork::Fork>,
    /// Transfers in progress, by the new leg placed for each.
    transfers: FxHashMap<CallId, transfer::Transfer>,
    /// The instant its legs' arrival times count from.
    epoch: Instant,
    /// The registrar's bindings, for `registered` routes.
    locations: Option<crate::registrar::Locations>,
    stats: GatewayStats,
    failures: std::collections::BTreeMap<crate::status::StatusCode, u64>,
}

impl Gateway {
    /// A gateway with no calls (unsharded).
    #[cfg(feature = "test-exports")]
    pub fn new(cfg: GatewayConfig) -> Self {
        let admission = Admission::new(cfg.max_calls);
        Self::sharded(cfg, std::sync::Arc::new(admission), 0, 1)
    }

    /// Shard `shard` of `shards` of a gateway whose limits are `admission`.
    pub fn sharded(cfg: GatewayConfig, admission: std::sync::Arc<Admission>, shard: usize, shards: usize) -> Self {
        let shards = shards.max(1) as u64;
        Gateway {
            admission,
            rates: rate::Rates::new(cfg.calls_per_source, cfg.max_cps, shards as usize),
            shards,
            route_codecs: cfg
                .routes
                .iter()
                .map(|r| match &r.action {
                    RouteAction::Forward { codecs, .. } if !codecs.is_empty() => crate::sdp::Codec::from_names(codecs),
                    _ => Vec::new(),
                })
                .collect(),
            cfg,
            legs: FxHashMap::default(),
            commands: VecDeque::new(),
            answer_at: DeadlineHeap::default(),
            next_id: FIRST_OUTBOUND - FIRST_OUTBOUND % shards + shard as u64,
            drain_until: None,
            drain_ended: false,
            inbound: 0,
            forks: FxHashMap::default(),
            transfers: FxHashMap::default(),
            epoch: Instant::now(),
            locations: None,
            failures: Default::default(),
            stats: GatewayStats::default(),
        }
    }

    /// The registrar's bindings, which `registered` routes call.
    pub fn set_locations(&mut self, locations: crate::registrar::Locations) {
        self.locations = Some(locations);
    }

    /// The call count and drain this gateway shares with its other
    /// shards, which its UA core reports to OPTIONS.
    pub(crate) fn call_gauge(&self) -> std::sync::Arc<dyn crate::session::CallGauge> {
        self.admission.clone()
    }

    /// Stops admitting calls (503); at `now + grace` ends the ones left.
    pub fn drain(&mut self, now: Instant, grace: Duration) {
        self.drain_until.get_or_insert(now + grace);
        self.admission.set_draining();
        self.stats.draining = true;
    }

    /// Time passed: answer delayed echo calls, end calls a drain outlived.
    pub fn handle_timeout(&mut self, now: Instant) {
        while let Some(id) = self.answer_at.pop_due(now) {
            if self.legs.contains_key(&id) {
                self.commands
                    .push_back(Command::Accept(id, crate::session::MediaMode::Echo));
            }
        }
        if !self.drain_ended && self.drain_until.is_some_and(|t| t <= now) {
            self.drain_ended = true;
            let ids: Vec<CallId> = self.legs.keys().copied().collect();
            self.commands.extend(ids.into_iter().map(Command::End));
        }
    }

    /// When `handle_timeout` is next due.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let drain = self.drain_until.filter(|_| !self.drain_ended && !self.legs.is_empty());
        [self.answer_at.next(), drain].into_iter().flatten().min()
    }

    /// The next command for the session layer.
    pub fn poll_command(&mut self) -> Option<Command> {
        self.commands.pop_front()
    }

    /// Counters.
    pub fn stats(&self) -> GatewayStats {
        GatewayStats {
            active: self.inbound as u64,
            ..self.stats
        }
    }

    /// Outbound legs that failed, by the status they failed with.
    pub fn failures(&self) -> &std::collections::BTreeMap<crate::status::StatusCode, u64> {
        &self.failures
    }

    fn insert(&mut self, id: CallId, leg: Leg) {
        self.inbound += usize::from(leg.inbound);
        self.legs.insert(id, leg);
    }

    pub(crate) fn new_outbound_id(&mut self) -> CallId {
        self.next_id += self.shards;
        CallId(self.next_id)
    }
}
