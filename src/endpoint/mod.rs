//! The signalling plane as one sans-IO value: the UA core ([`crate::session`])
//! and, on a gateway, the B2BUA policy ([`crate::gateway`]) composed in one
//! [`Endpoint`], which the driver, the benches and the simulator all drive.
//!
//! # Loop contract
//!
//! Inputs, each with the time it happened: the `handle_*` methods and
//! [`Endpoint::drain`]. After any input, take the outputs until each poll returns
//! `None` — [`Endpoint::poll_media_command`], [`Endpoint::poll_transmit`],
//! [`Endpoint::poll_event`], [`Endpoint::poll_resolve`] — then sleep until
//! [`Endpoint::poll_timeout`] or the next input.
//!
//! # Ordering rules (kept here, so no driver has to know them)
//!
//! 1. **Media before transmit.** `poll_transmit` returns `None` while a
//!    media command is waiting: a worker is told to bind a call's port
//!    before the 183/200 (or INVITE) that advertises it can leave.
//! 2. **The B2BUA settles within the input.** Every event of the UA core
//!    goes to the gateway first, and the gateway's commands are applied
//!    before the input returns: an INVITE is admitted, routed, and its
//!    outbound INVITE queued within one `handle_datagram`; an answer on
//!    the outbound leg produces the inbound 200 in the same call.
//! 3. **Events after the fact.** The API sees an event only once the gateway
//!    has acted on it; incoming calls a gateway routes are its own and never reach the API.

mod cluster;
mod counters;
mod resolve;
mod transport;
use crate::gateway::Gateway;
use crate::ids::Peer;
use crate::media::{MediaCommand, MediaEvent};
use crate::session::{Command, SessionEvent, UaConfig, UserAgent};
use crate::transaction::Transmit;
use std::collections::VecDeque;
use std::time::{Duration, Instant, SystemTime};

/// One signalling shard's protocol state: UA core plus optional B2BUA.
#[derive(Debug)]
pub struct Endpoint {
    ua: UserAgent,
    gateway: Option<Gateway>,
    /// Events for the API, in order, after the gateway has seen them.
    events: VecDeque<SessionEvent>,
}

impl Endpoint {
    /// The largest message it takes: a read buffer of this size holds any
    /// datagram it could accept.
    pub const MAX_MESSAGE: usize = crate::sip::MAX_MESSAGE;

    /// An endpoint with no calls, started at `now` (`wall` is the wall
    /// clock at that instant, for call records); a gateway when `gateway`
    /// is given (calling the registrar's users), a plain user agent else.
    pub fn new(cfg: UaConfig, mut gateway: Option<Gateway>, now: Instant, wall: SystemTime) -> Self {
        if let (Some(g), Some(r)) = (gateway.as_mut(), cfg.registrar.as_ref()) {
            g.set_locations(r.locations.clone());
        }
        let mut ua = UserAgent::new(cfg, now, wall);
        ua.set_call_gauge(gateway.as_ref().map(Gateway::call_gauge));
        Endpoint {
            ua,
            gateway,
            events: VecDeque::new(),
        }
    }

    /// `bytes` arrived from `peer` (a datagram, or one framed stream
    /// message).
    pub fn handle_datagram(&mut self, now: Instant, peer: Peer, bytes: &[u8]) {
        self.ua.handle_datagram(now, bytes, peer);
        self.settle(now);
    }

    /// Time passed: fire whatever is due at `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.ua.handle_timeout(now);
        if let Some(g) = self.gateway.as_mut() {
            g.handle_timeout(now);
        }
        self.settle(now);
    }

    /// A command from the API.
    pub fn handle_command(&mut self, now: Instant, cmd: Command) {
        match cmd {
            Command::Adopt(snap) => self.adopt(now, &snap),
            cmd => self.ua.handle_command(now, cmd),
        }
        self.settle(now);
    }

    /// An event from a media worker.
    pub fn handle_media_event(&mut self, now: Instant, ev: MediaEvent) {
        self.ua.handle_media_event(now, ev);
        self.settle(now);
    }

    /// The oldest SIP datagram of a read at `now` had waited `delay` in
    /// the socket (load shedding watches this).
    pub fn handle_queue_delay(&mut self, now: Instant, delay: Duration) {
        self.ua.observe_queue_delay(now, delay);
    }

    /// Removes our registrations; a gateway stops admitting calls (503 +
    /// Retry-After, to OPTIONS too) and ends the rest after `grace`.
    pub fn drain(&mut self, now: Instant, grace: Duration) {
        if let Some(g) = self.gateway.as_mut() {
            g.drain(now, grace);
        }
        self.ua.stop_registrations(now);
    }

    /// Our registrations (AOR, state) and their version, if not `since`.
    pub fn registrations(&self, since: u64) -> Option<(u64, Vec<(String, crate::session::RegistrationState)>)> {
        let v = self.ua.registrations_version();
        (v != since).then(|| (v, self.ua.registrations()))
    }

    /// Who may authenticate from now on (a reloaded credentials file);
    /// calls in progress go on.
    pub fn set_credentials(&mut self, credentials: std::sync::Arc<crate::auth::Credentials>) {
        self.ua.set_credentials(credentials);
    }

    /// An event the driver could not hand to the API (its queue was
    /// full): an incoming call nobody will answer is refused with 503.
    pub fn handle_undelivered(&mut self, now: Instant, ev: SessionEvent) {
        if let SessionEvent::Incoming(id, _) = ev {
            self.handle_command(now, Command::Reject(id, crate::status::StatusCode::SERVICE_UNAVAILABLE));
        }
    }

    /// Lets the gateway act on every UA event, and the UA on every gateway
    /// command, until neither has anything new (rule 2).
    fn settle(&mut self, now: Instant) {
        let Some(g) = self.gateway.as_mut() else {
            self.events.extend(std::iter::from_fn(|| self.ua.poll_event()));
            return;
        };
        loop {
            let mut busy = false;
            while let Some(cmd) = g.poll_command() {
                busy = true;
                self.ua.handle_command(now, cmd);
            }
            while let Some(ev) = self.ua.poll_event() {
                busy = true;
                self.events.extend(g.on_event(now, ev));
            }
            if !busy {
                break;
            }
        }
    }

    /// The next command for the media plane.
    pub fn poll_media_command(&mut self) -> Option<MediaCommand> {
        self.ua.poll_media()
    }

    /// The next message to send; `None` while a media command waits to be
    /// taken (rule 1).
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        if self.ua.has_media_command() {
            return None;
        }
        self.ua.poll_transmit()
    }

    /// The next event for the API.
    pub fn poll_event(&mut self) -> Option<SessionEvent> {
        self.events.pop_front()
    }

    /// When [`Endpoint::handle_timeout`] is next due.
    pub fn poll_timeout(&self) -> Option<Instant> {
        let gw = self.gateway.as_ref().and_then(Gateway::poll_timeout);
        [self.ua.poll_timeout(), gw].into_iter().flatten().min()
    }
}
