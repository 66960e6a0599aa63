//! The UA core: owns every call and what they share, and routes each
//! input — a message (through the transaction layer), a command, a timer,
//! a media event — to the call it belongs to.

use super::call::Call;
use super::context::CallContext;
use super::health::Health;
use super::records::Records;
use super::{Command, EndReason, Outbound, SessionEvent, UaConfig, UaStats};
use crate::ids::CallId;
use crate::transaction::Transmit;
use rustc_hash::FxHashMap;
use std::time::{Duration, Instant, SystemTime};

/// The sans-IO SIP user agent core.
#[derive(Debug)]
pub(crate) struct UserAgent {
    pub(super) ctx: CallContext,
    /// Ids are our own counters (FxHash is safe); calls are boxed so a
    /// growing table moves pointers, not whole calls.
    pub(super) calls: FxHashMap<CallId, Box<Call>>,
    pub(super) records: Records,
    pub(super) health: Health,
    /// Digest authentication of new INVITEs, when configured.
    pub(super) authenticator: Option<crate::auth::Authenticator>,
    /// Who may talk to us, by source address.
    pub(super) access: crate::access::Access,
    /// Our registrations to trunks.
    pub(super) registrations: super::registrations::Registrations,
    /// The id of the next incoming call (`shard (mod shards)`).
    pub(super) next_call: u64,
    /// The time of the latest input.
    pub(super) now: Instant,
    /// When the tables are next checked for memory to give back.
    next_shrink: Instant,
    /// Applications' audio queues and captures, until a call's media starts.
    pub(super) requests: super::media_requests::MediaRequests,
    /// Outgoing calls waiting for their target's name to be looked up.
    pub(super) placing: FxHashMap<CallId, super::placing::Placing>,
    /// Media calls that transfers left to another call (media key to call).
    pub(super) media_alias: FxHashMap<CallId, CallId>,
}

impl UserAgent {
    /// A UA core with no calls, started at `now`, when the wall clock
    /// read `wall` (call records carry wall-clock times).
    pub fn new(cfg: UaConfig, now: Instant, wall: SystemTime) -> Self {
        let authenticator = cfg.auth.as_ref().map(|a| crate::auth::Authenticator::new(a, now));
        let access = crate::access::Access::new(cfg.access.clone());
        let registrations = cfg.registrations.clone();
        let mut ua = UserAgent {
            authenticator,
            access,
            registrations: Default::default(),
            next_call: (cfg.shards.max(1) + cfg.shard) as u64,
            ctx: CallContext::new(cfg),
            calls: FxHashMap::default(),
            records: Records::new(now, wall),
            health: Health::default(),
            now,
            next_shrink: now,
            requests: Default::default(),
            placing: FxHashMap::default(),
            media_alias: FxHashMap::default(),
        };
        ua.records.set_node(ua.ctx.cfg.node.clone());
        ua.add_registrations(registrations, now);
        ua
    }

    /// A command from the API.
    pub fn handle_command(&mut self, now: Instant, cmd: Command) {
        self.now = now;
        match cmd {
            Command::Ring(id) => self.with_call(id, |c, ctx| c.ring(ctx, now)),
            // Only a gateway takes calls over (`Endpoint`).
            Command::Adopt(_) => {}
            Command::Disown(key) => self.disown(CallId(key)),
            Command::Audio(id, attach) => _ = self.requests.audio.insert(id, attach),
            Command::Capture(id, tap) => self.capture(id, tap),
            Command::SendDtmf(id, digits) => self.send_dtmf(id, digits),
            Command::SendDigit(id, digit) => self.send_digit(id, digit),
            Command::SendInfo(id, ct, body) => self.with_call(id, |c, ctx| c.send_info(ctx, now, &ct, &body)),
            Command::Accept(id, mode) => self.accept(now, id, mode),
            Command::Reject(id, status) => self.with_call(id, |c, ctx| c.reject(ctx, now, status)),
            Command::End(id) if self.end_placing(id) => {}
            Command::End(id) => self.with_call(id, |c, ctx| c.hang_up(ctx, now)),
            Command::Hold(id) => self.with_call(id, |c, ctx| c.request_hold(ctx, now, true)),
            Command::Resume(id) => self.with_call(id, |c, ctx| c.request_hold(ctx, now, false)),
            Command::Call(id, uri, transport) => {
                self.place(now, id, id, &Outbound::to(uri, transport));
            }
            Command::Place(id, out) => {
                self.place(now, id, id, &out);
            }
            Command::Bridge { b, a, out } => self.bridge(now, b, a, out),
            Command::EarlyMedia(a) => self.early_media(now, a),
            Command::Fork { b, a, out } => _ = self.fork_leg(now, b, a, out),
            Command::Join { a, b } => self.join(a, b),
            cmd => self.transfer_command(now, cmd),
        }
        self.drain(now);
    }

    /// Time passed: fire due timers.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.now = now;
        self.ctx.txs.handle_timeout(now);
        while let Some((at, id)) = self.ctx.timers.pop_due_entry(now) {
            self.with_call(id, |c, ctx| c.handle_timers(ctx, now, at));
        }
        self.locate_timeouts(now);
        self.registration_timers(now);
        if now >= self.next_shrink {
            self.next_shrink = now + Duration::from_secs(5);
            self.ctx.shrink();
            crate::collections::shrink_map(&mut self.calls);
            self.records.shrink();
            if let Some(r) = self.ctx.cfg.registrar.as_ref().filter(|_| self.ctx.cfg.shard == 0) {
                r.locations.purge(now);
            }
        }
        self.drain(now);
    }

    /// Runs `f` on call `id` (if it exists), then lets its media follow
    /// any change of its SDP and removes it if `f` ended it.
    pub(super) fn with_call(&mut self, id: CallId, f: impl FnOnce(&mut Call, &mut CallContext)) {
        let Some(call) = self.calls.get_mut(&id) else { return };
        f(call, &mut self.ctx);
        let ended = call.take_ended();
        self.sync_media();
        if let Some(ev) = ended {
            self.finish(id, ev);
        }
    }

    /// Removes a call that ended with `event` and reports it.
    pub(super) fn finish(&mut self, id: CallId, event: SessionEvent) {
        let Some(call) = self.calls.remove(&id) else { return };
        self.requests.forget(id);
        if let Some(key) = call.media_key().filter(|k| self.media_alias.get(k) == Some(&id)) {
            self.media_alias.remove(&key);
        }
        self.ctx.ports.give_back(self.now, call.port());
        let media_removed = self.stop_media(&call);
        let record = self.records.close(&call, &event, self.now, media_removed);
        if let Some(parts) = call.dialog_parts() {
            self.ctx.index.remove_dialog(parts);
        }
        // A transaction of ours still waiting for a final response (a
        // re-INVITE in flight) would otherwise wait for ever.
        for tx in call.transactions() {
            self.ctx.index.forget(tx);
            self.ctx.txs.abandon(self.now, tx);
        }
        if matches!(
            event,
            SessionEvent::Failed(..) | SessionEvent::Ended(_, EndReason::Rejected(_))
        ) {
            self.ctx.stats.calls_failed += 1;
        }
        self.ctx.events.push_back(event);
        self.ctx
            .events
            .extend(record.map(|r| SessionEvent::Record(Box::new(r))));
    }

    /// The next message to send.
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.ctx.txs.poll_transmit()
    }

    /// The next event for the API.
    pub fn poll_event(&mut self) -> Option<SessionEvent> {
        self.ctx.events.pop_front()
    }

    /// When `handle_timeout` is next due.
    pub fn poll_timeout(&self) -> Option<Instant> {
        // Every 5 s at most, also to give table memory back after a peak.
        [
            self.ctx.txs.poll_timeout(),
            self.ctx.timers.next(),
            self.registrations.next(),
            self.ctx.locator.poll_timeout(),
            Some(self.next_shrink),
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Counters, with live call and transaction numbers.
    pub fn stats(&self) -> (UaStats, usize, usize) {
        (self.ctx.stats, self.calls.len(), self.ctx.txs.len())
    }
}
