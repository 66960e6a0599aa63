//! The UA core: owns the transaction table and every call, and turns
//! datagrams, commands and time into transmits and events.

use super::{Call, Command, EndReason, PortPool, SessionEvent, UaConfig, UaStats};
use crate::dialog;
use crate::ids::{CallId, TransportKind, TxId};
use crate::sip::{self, Request};
use crate::transaction::{DeadlineHeap, Transactions, Transmit, TxEvent};
use rand::SeedableRng;
use rand::rngs::SmallRng;
use rustc_hash::FxHashMap;
use std::collections::{HashMap, VecDeque};
use std::time::Instant;

/// The sans-IO SIP user agent core.
#[derive(Debug)]
pub struct UserAgent {
    pub(super) cfg: UaConfig,
    pub(super) local: super::local::LocalText,
    pub(super) txs: Transactions,
    /// Ids are our own counters (FxHash is safe); calls are boxed so a
    /// growing table moves pointers, not ~1.3 KB calls.
    pub(super) calls: FxHashMap<CallId, Box<Call>>,
    pub(super) dialogs: HashMap<(String, String), CallId>,
    pub(super) tx_calls: FxHashMap<TxId, CallId>,
    pub(super) events: VecDeque<SessionEvent>,
    pub(super) media: VecDeque<crate::media::MediaCommand>,
    pub(super) heap: DeadlineHeap<CallId>,
    pub(super) rng: SmallRng,
    pub(super) ports: PortPool,
    pub(super) next_call: u64,
    pub(super) stats: UaStats,
    pub(super) records: FxHashMap<CallId, super::record::CallRecord>,
    /// The time of the latest input.
    pub(super) now: Instant,
    /// When the tables are next checked for memory to give back.
    pub(super) next_shrink: Instant,
    /// An instant and the wall-clock time it was (for call records).
    pub(super) epoch: (Instant, std::time::SystemTime),
    pub(super) overload: super::overload::Shedder,
}

impl UserAgent {
    /// A UA core with no calls, started at `now`, when the wall clock
    /// read `wall` (call records carry wall-clock times).
    pub fn new(cfg: UaConfig, now: Instant, wall: std::time::SystemTime) -> Self {
        UserAgent {
            local: super::local::LocalText::new(&cfg),
            txs: Transactions::new(cfg.timers),
            calls: FxHashMap::default(),
            dialogs: HashMap::new(),
            tx_calls: FxHashMap::default(),
            events: VecDeque::new(),
            media: VecDeque::new(),
            heap: DeadlineHeap::default(),
            // Shards share a seed: each its own stream, or their branches,
            // tags and Call-IDs would repeat one another's.
            rng: SmallRng::seed_from_u64(cfg.seed ^ (cfg.shard as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)),
            ports: PortPool::new(cfg.ports, cfg.media_workers, cfg.shard, cfg.shards),
            next_call: (cfg.shards.max(1) + cfg.shard) as u64,
            stats: UaStats::default(),
            records: FxHashMap::default(),
            now,
            next_shrink: now,
            epoch: (now, wall),
            overload: Default::default(),
            cfg,
        }
    }

    /// A command from the API.
    pub fn handle_command(&mut self, now: Instant, cmd: Command) {
        self.now = now;
        match cmd {
            Command::Ring(id) => self.ring(now, id),
            Command::Accept(id, mode) => self.accept(now, id, mode),
            Command::Reject(id, status) => self.reject(now, id, status),
            Command::End(id) => self.end(now, id),
            Command::Hold(id) => self.reinvite(now, id, true),
            Command::Resume(id) => self.reinvite(now, id, false),
            Command::Call(id, uri, transport) => {
                self.make_call(now, id, id, &super::Outbound::to(uri, transport));
            }
            Command::Place(id, out) => {
                self.make_call(now, id, id, &out);
            }
            Command::Bridge { b, a, out } => self.bridge(now, b, a, &out),
            Command::EarlyMedia(a) => self.early_media(now, a),
        }
        self.drain(now);
    }

    /// Time passed: fire due timers.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.now = now;
        self.txs.handle_timeout(now);
        while let Some(id) = self.heap.pop_due(now) {
            self.on_ok_timer(now, id);
            self.on_retry_timer(now, id);
        }
        if now >= self.next_shrink {
            self.next_shrink = now + std::time::Duration::from_secs(5);
            self.txs.shrink();
            self.heap.shrink();
            crate::transaction::shrink_map(&mut self.calls);
            crate::transaction::shrink_map(&mut self.dialogs);
            crate::transaction::shrink_map(&mut self.tx_calls);
            crate::transaction::shrink_map(&mut self.records);
        }
        self.drain(now);
    }

    pub(super) fn drain(&mut self, now: Instant) {
        while let Some(ev) = self.txs.poll_event() {
            match ev {
                TxEvent::Request { tx, req, peer } => self.on_request(now, tx, req, peer),
                TxEvent::Cancel { tx, req, invite } => self.on_cancel(now, tx, req, invite),
                TxEvent::Ack { req } => self.on_ack(now, req),
                TxEvent::Response { tx, resp } => self.on_response(now, tx, resp),
                TxEvent::StrayResponse { resp } => self.on_stray_response(now, resp),
                TxEvent::Timeout { tx } => self.on_tx_timeout(now, tx),
            }
        }
    }

    /// Answers server transaction `tx` for `req` with our `tag`.
    pub(super) fn reply(&mut self, now: Instant, tx: TxId, req: &Request, status: u16, tag: &str) {
        let resp = dialog::response_in(req, status, None, tag, None);
        self.txs.respond(now, tx, resp);
    }

    /// The port shard (media worker) of call `id`'s media.
    pub(super) fn shard(&self, id: CallId) -> usize {
        crate::media::worker_of(id.0, self.cfg.shards, self.cfg.media_workers)
    }

    /// A new Via value for a request over `transport`.
    pub(super) fn via(&mut self, transport: TransportKind) -> String {
        let branch = sip::new_token(&mut self.rng);
        self.local.via(transport, &branch)
    }

    /// Our Contact value for a call over `transport`.
    pub(super) fn contact(&self, transport: TransportKind) -> String {
        self.local.contact(transport)
    }

    /// Removes a call and reports why it ended (`None`: reported already).
    pub(super) fn finish(&mut self, id: CallId, event: Option<SessionEvent>) {
        if let Some(call) = self.calls.remove(&id) {
            self.ports.give_back(self.now, call.port);
            self.stop_media(&call);
            self.close_record(&call, event.as_ref());
            if let Some(d) = &call.dialog {
                self.dialogs.remove(&(d.id.call_id.clone(), d.id.local_tag.clone()));
            }
            if let Some(tx) = call.invite_tx {
                self.tx_calls.remove(&tx);
            }
            if matches!(
                event,
                Some(SessionEvent::Failed(..) | SessionEvent::Ended(_, EndReason::Rejected(_)))
            ) {
                self.stats.calls_failed += 1;
            }
            self.events.extend(event);
        }
    }

    /// The next message to send.
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.txs.poll_transmit()
    }

    /// The next event for the API.
    pub fn poll_event(&mut self) -> Option<SessionEvent> {
        self.events.pop_front()
    }

    /// When `handle_timeout` is next due.
    pub fn poll_timeout(&self) -> Option<Instant> {
        // Every 5 s at most, also to give table memory back after a peak.
        [self.txs.poll_timeout(), self.heap.next(), Some(self.next_shrink)]
            .into_iter()
            .flatten()
            .min()
    }

    /// Counters, with live call and transaction numbers.
    pub fn stats(&self) -> (UaStats, usize, usize) {
        (self.stats, self.calls.len(), self.txs.len())
    }
}
