//! What every call acts through, shared by all of them: the transaction
//! table, our own address as text, the seeded random source, the RTP port
//! pool, the indexes from transactions and dialogs to calls, the call
//! timer heap and the output queues. A call method takes `&mut
//! CallContext` beside `&mut self`; the UA core keeps the calls apart
//! from it so both can be borrowed at once.

use super::index::CallIndex;
use super::local::LocalText;
use super::{PortPool, SessionEvent, UaConfig, UaStats};
use crate::collections::DeadlineHeap;
use crate::ids::{CallId, Peer, TxId};
use crate::media::MediaCommand;
use crate::sip::{self, Request};
use crate::transaction::Transactions;
use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Instant;

/// How a call's media must follow a change of its SDP.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum MediaChange {
    /// Hand the call to the media plane if it is not there yet.
    Start,
    /// Update its leg (or start it, after a late offer or a bridge's
    /// second leg).
    Update,
}

/// The shared half of the UA core.
#[derive(Debug)]
pub(crate) struct CallContext {
    pub(super) cfg: UaConfig,
    local: LocalText,
    pub(super) txs: Transactions,
    rng: SmallRng,
    pub(super) ports: PortPool,
    /// Which call a dialog or a transaction belongs to.
    pub(super) index: CallIndex,
    /// Calls with a timer armed, at their earliest (see `CallTimers`).
    pub(super) timers: DeadlineHeap<CallId>,
    pub(super) events: VecDeque<SessionEvent>,
    pub(super) media: VecDeque<MediaCommand>,
    /// Calls whose SDP changed since the UA last looked.
    pub(super) media_changes: VecDeque<(CallId, MediaChange)>,
    pub(super) stats: UaStats,
    /// BYEs of ended calls with credentials, until their final response.
    pub(super) byes: super::byes::Byes,
    /// Server location (RFC 3263): cached answers, lookups in flight.
    pub(super) locator: crate::locate::Locator,
    /// Snapshots of bridges for the cluster's replica (issue #19).
    pub(super) replica: super::snapshot::Replica,
}

impl CallContext {
    pub fn new(cfg: UaConfig) -> Self {
        CallContext {
            local: LocalText::new(&cfg),
            txs: Transactions::new(cfg.timers),
            // Shards share a seed: each its own stream, or their branches,
            // tags and Call-IDs would repeat one another's.
            rng: SmallRng::seed_from_u64(cfg.seed ^ (cfg.shard as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)),
            ports: PortPool::new(cfg.ports, cfg.media_workers, cfg.shard, cfg.shards),
            index: CallIndex::default(),
            timers: DeadlineHeap::default(),
            events: VecDeque::new(),
            media: VecDeque::new(),
            media_changes: VecDeque::new(),
            stats: UaStats::default(),
            byes: Default::default(),
            locator: crate::locate::Locator::new(cfg.dns.clone(), cfg.tls_local.is_some(), cfg.families(), cfg.seed),
            replica: super::snapshot::Replica {
                on: cfg.node.is_some(),
                ..Default::default()
            },
            cfg,
        }
    }

    /// A fresh random token (tags, branches, Call-IDs).
    pub fn token(&mut self) -> String {
        sip::new_token(&mut self.rng)
    }

    /// A fresh random tag of ours: a token with no room to spare (a
    /// call keeps it as a `Box<str>`, taken over without a copy).
    pub fn tag(&mut self) -> String {
        let mut s = String::with_capacity(16);
        sip::push_token(&mut s, &mut self.rng);
        s
    }

    /// A new Call-ID that hashes to this shard, so the replies come here.
    pub fn new_call_id(&mut self) -> String {
        loop {
            let mut c = self.token();
            c.push('@');
            c.push_str(&self.local.ip);
            if sip::shard_of(c.as_bytes(), self.cfg.shards) == self.cfg.shard {
                return c;
            }
        }
    }

    /// A random SDP session id.
    pub fn session_id(&mut self) -> u64 {
        u64::from(self.rng.r#gen::<u32>())
    }

    /// A random number in `range` (glare back-off).
    pub fn random(&mut self, range: std::ops::RangeInclusive<u64>) -> u64 {
        self.rng.gen_range(range)
    }

    /// Our `host:port` as text, as `peer` reaches it.
    pub fn hostport(&self, peer: Peer) -> &str {
        self.local.hostport(peer.addr.ip())
    }

    /// [`via`](Self::via) written into `buf`, for a request written at
    /// once (no string of its own).
    pub fn via_in<'b>(&mut self, peer: Peer, buf: &'b mut super::local::ViaText) -> &'b str {
        self.local.via_in(peer.transport, peer.addr.ip(), &mut self.rng, buf)
    }

    /// A new Via value for a request to `peer` (its transport, and our
    /// address of its IP family).
    pub fn via(&mut self, peer: Peer) -> String {
        self.local.via(peer.transport, peer.addr.ip(), &mut self.rng)
    }

    /// Our Contact for `peer`.
    pub fn contact(&self, peer: Peer) -> std::sync::Arc<str> {
        self.local.contact(peer.transport, peer.addr.ip())
    }

    /// The media worker (port shard) whose ports call `id`'s media uses.
    pub fn worker_of(&self, id: CallId) -> usize {
        crate::media::worker_of(id.0, self.cfg.shards, self.cfg.media_workers)
    }

    /// Starts a client transaction for call `owner`'s `req` (not ACK,
    /// not INVITE); its events go to that call.
    pub fn send_request(&mut self, now: Instant, owner: CallId, peer: Peer, req: Request) -> TxId {
        let tx = self.txs.send_request(now, peer, req);
        self.index.watch(tx, owner);
        tx
    }

    /// Starts call `owner`'s INVITE client transaction.
    pub fn send_invite(&mut self, now: Instant, owner: CallId, peer: Peer, req: Arc<sip::Message>) -> TxId {
        let tx = self.txs.send_invite(now, peer, req);
        self.index.watch(tx, owner);
        tx
    }

    /// Wakes call `id` at `at` (for whichever of its timers is due then).
    pub fn arm(&mut self, id: CallId, at: Instant) {
        self.timers.push(at, id);
    }

    /// Call `id`'s SDP changed: its media must follow.
    pub fn media_changed(&mut self, id: CallId, change: MediaChange) {
        self.media_changes.push_back((id, change));
        self.replica_changed(id);
    }

    /// Call `id` changed what its snapshot holds (issue #19).
    pub fn replica_changed(&mut self, id: CallId) {
        if self.replica.on {
            self.replica.dirty.push(id);
        }
    }

    /// Gives table memory back after a load peak.
    pub fn shrink(&mut self) {
        self.txs.shrink();
        self.timers.shrink();
        self.index.shrink();
    }
}
