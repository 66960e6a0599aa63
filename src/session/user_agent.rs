//! The UA core: owns the transaction table and every call, and turns
//! datagrams, commands and time into transmits and events.

use super::{Call, Command, EndReason, PortPool, SessionEvent};
use crate::dialog;
use crate::ids::{CallId, Peer, TransportKind, TxId};
use crate::sdp::Codec;
use crate::sip::{self, Incoming, Request, SipMessage};
use crate::transaction::{DeadlineHeap, TimerConfig, Transactions, Transmit, TxEvent};
use rand::SeedableRng;
use rand::rngs::SmallRng;
use std::collections::{HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::time::Instant;

/// Settings of one UA core.
#[derive(Debug, Clone)]
pub struct UaConfig {
    /// The SIP address we advertise in Via and Contact.
    pub local: SocketAddr,
    /// User part of our Contact and From.
    pub user: String,
    /// T1, T2, T4.
    pub timers: TimerConfig,
    /// Address our SDP points media at.
    pub media_addr: IpAddr,
    /// RTP port range `[min, max)`.
    pub ports: (u16, u16),
    /// Codecs we offer and accept, in preference order.
    pub codecs: Vec<Codec>,
    /// Most concurrent calls; beyond it new INVITEs get 503.
    pub max_calls: usize,
    /// Seconds of Retry-After on a 503.
    pub retry_after: u32,
    /// Seed for tags, branches and Call-IDs.
    pub seed: u64,
}

/// Counters of the UA core.
#[derive(Debug, Default, Clone, Copy)]
pub struct UaStats {
    /// Calls created (both directions).
    pub calls_total: u64,
    /// Calls that failed or were rejected.
    pub calls_failed: u64,
    /// Calls answered.
    pub calls_answered: u64,
    /// INVITEs refused with 503 for overload.
    pub overload_rejected: u64,
    /// Malformed messages answered with 4xx/5xx.
    pub bad_answered: u64,
    /// Messages dropped unanswered.
    pub dropped: u64,
}

/// The sans-IO SIP user agent core.
#[derive(Debug)]
pub struct UserAgent {
    pub(super) cfg: UaConfig,
    pub(super) txs: Transactions,
    pub(super) calls: HashMap<CallId, Call>,
    pub(super) dialogs: HashMap<(String, String), CallId>,
    pub(super) tx_calls: HashMap<TxId, CallId>,
    pub(super) events: VecDeque<SessionEvent>,
    pub(super) heap: DeadlineHeap<CallId>,
    pub(super) rng: SmallRng,
    pub(super) ports: PortPool,
    pub(super) next_call: u64,
    pub(super) stats: UaStats,
}

impl UserAgent {
    /// A UA core with no calls.
    pub fn new(cfg: UaConfig) -> Self {
        UserAgent {
            txs: Transactions::new(cfg.timers),
            calls: HashMap::new(),
            dialogs: HashMap::new(),
            tx_calls: HashMap::new(),
            events: VecDeque::new(),
            heap: DeadlineHeap::default(),
            rng: SmallRng::seed_from_u64(cfg.seed),
            ports: PortPool::new(cfg.ports.0, cfg.ports.1),
            next_call: 1,
            stats: UaStats::default(),
            cfg,
        }
    }

    /// Bytes arrived from `peer`.
    pub fn handle_datagram(&mut self, now: Instant, bytes: &[u8], peer: Peer) {
        let mut msg = match sip::parse(bytes) {
            Ok(m) => m,
            Err(e) => return self.on_parse_error(e, peer),
        };
        let reply_to = self.stamp_via(&mut msg, peer);
        match sip::validate(&msg) {
            Ok(core) => self
                .txs
                .handle_incoming(now, Incoming { msg, core }, reply_to),
            Err(e) => match &msg {
                SipMessage::Request(req) if req.method != sip::Method::Ack => {
                    self.stats.bad_answered += 1;
                    let mut resp =
                        SipMessage::Response(sip::response(req, 400, Some(&e.to_string()), None));
                    self.txs
                        .send_stateless(reply_to, sip::message_bytes(&mut resp));
                }
                _ => self.stats.dropped += 1,
            },
        }
        self.drain(now);
    }

    fn on_parse_error(&mut self, e: sip::ParseError, peer: Peer) {
        let reply = e.answerable().and_then(|(raw, status)| {
            let to = raw
                .header("Via")
                .and_then(sip::response_addr)
                .filter(|_| peer.transport == TransportKind::Udp);
            let reply_to = Peer {
                addr: to.unwrap_or(peer.addr),
                ..peer
            };
            sip::response_from_raw(raw, status, &e.to_string()).map(|b| (reply_to, b))
        });
        match reply {
            Some((to, bytes)) => {
                self.stats.bad_answered += 1;
                self.txs.send_stateless(to, bytes.into());
            }
            None => self.stats.dropped += 1,
        }
    }

    /// Stamps received/rport on a request's top Via and returns where its
    /// responses go (§18.2.2, RFC 3581).
    fn stamp_via(&mut self, msg: &mut SipMessage, peer: Peer) -> Peer {
        use rsip::headers::UntypedHeader;
        let SipMessage::Request(req) = msg else {
            return peer;
        };
        let Some(sip::Header::Via(via)) = req
            .headers
            .iter_mut()
            .find(|h| matches!(h, sip::Header::Via(_)))
        else {
            return peer;
        };
        if let Some(stamped) = sip::stamp_received(via.value(), peer.addr) {
            via.replace(stamped);
        }
        match peer.transport {
            TransportKind::Udp => Peer {
                addr: sip::response_addr(via.value()).unwrap_or(peer.addr),
                ..peer
            },
            TransportKind::Tcp => peer,
        }
    }

    /// A command from the API.
    pub fn handle_command(&mut self, now: Instant, cmd: Command) {
        match cmd {
            Command::Ring(id) => self.ring(now, id),
            Command::Accept(id) => self.accept(now, id),
            Command::Reject(id, status) => self.reject(now, id, status),
            Command::End(id) => self.end(now, id),
            Command::Hold(id) => self.reinvite(now, id, true),
            Command::Resume(id) => self.reinvite(now, id, false),
            Command::Call(id, uri, transport) => self.make_call(now, id, &uri, transport),
        }
        self.drain(now);
    }

    /// Time passed: fire due timers.
    pub fn handle_timeout(&mut self, now: Instant) {
        self.txs.handle_timeout(now);
        while let Some(id) = self.heap.pop_due(now) {
            self.on_ok_timer(now, id);
        }
        self.drain(now);
    }

    fn drain(&mut self, now: Instant) {
        while let Some(ev) = self.txs.poll_event() {
            match ev {
                TxEvent::Request { tx, req, peer } => self.on_request(now, tx, req, peer),
                TxEvent::Cancel { tx, req, invite } => self.on_cancel(now, tx, req, invite),
                TxEvent::Ack { req, .. } => self.on_ack(now, req),
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

    /// A new Via value for a request over `transport`.
    pub(super) fn via(&mut self, transport: TransportKind) -> String {
        let branch = sip::new_token(&mut self.rng);
        format!(
            "SIP/2.0/{transport} {};branch={}{branch};rport",
            self.cfg.local,
            sip::MAGIC_COOKIE
        )
    }

    /// Our Contact value for a call over `transport`.
    pub(super) fn contact(&self, transport: TransportKind) -> String {
        match transport {
            TransportKind::Udp => format!("<sip:{}@{}>", self.cfg.user, self.cfg.local),
            TransportKind::Tcp => {
                format!("<sip:{}@{};transport=tcp>", self.cfg.user, self.cfg.local)
            }
        }
    }

    /// Removes a call and reports why it ended (`None`: reported already).
    pub(super) fn finish(&mut self, id: CallId, event: Option<SessionEvent>) {
        if let Some(call) = self.calls.remove(&id) {
            self.ports.give_back(call.port);
            if let Some(d) = &call.dialog {
                self.dialogs
                    .remove(&(d.id.call_id.clone(), d.id.local_tag.clone()));
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
        [self.txs.poll_timeout(), self.heap.next()]
            .into_iter()
            .flatten()
            .min()
    }

    /// Counters, with live call and transaction numbers.
    pub fn stats(&self) -> (UaStats, usize, usize) {
        (self.stats, self.calls.len(), self.txs.len())
    }
}
