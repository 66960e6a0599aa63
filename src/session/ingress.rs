//! Bytes in: parse, stamp the Via (received/rport), validate, answer what
//! is malformed, shed new INVITEs under overload, and hand the rest to the
//! transaction layer.

use super::UserAgent;
use crate::ids::{Peer, TransportKind};
use crate::sip::{self, Incoming, Message, Method};
use std::time::{Duration, Instant};

impl UserAgent {
    /// Bytes arrived from `peer`.
    pub fn handle_datagram(&mut self, now: Instant, bytes: &[u8], peer: Peer) {
        self.now = now;
        if self.access.is_blocked(now, peer.addr.ip()) {
            self.ctx.stats.access_dropped += 1;
            return;
        }
        let mut msg = match sip::receive(bytes) {
            Ok(m) => m,
            Err(e) => return self.on_parse_error(e, peer),
        };
        let (reply_to, checked) = stamp_and_validate(&mut msg, peer);
        match checked {
            Ok(core) => {
                let inc = Incoming::new(msg, core);
                if !self.admit_source(now, &inc, peer, reply_to) {
                    return;
                }
                let authenticated = match &inc {
                    Incoming::Request(req) => self.authenticate(now, req, peer, reply_to),
                    Incoming::Response(_) => true,
                };
                if authenticated && !self.shed(&inc, reply_to) {
                    self.ctx.txs.handle_incoming(now, inc, reply_to);
                }
            }
            Err(e) => match msg.method() {
                Some(method) if method != Method::Ack => {
                    self.ctx.stats.bad_answered += 1;
                    let resp = sip::response(&msg, 400, Some(&e.to_string()), None);
                    self.ctx.txs.send_stateless(reply_to, sip::response_bytes(&resp));
                }
                _ => self.ctx.stats.dropped += 1,
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
                self.ctx.stats.bad_answered += 1;
                self.ctx.txs.send_stateless(to, bytes.into());
            }
            None => self.ctx.stats.dropped += 1,
        }
    }

    /// A connection to `peer` could not be made: its client transactions
    /// end now (their calls see a timeout).
    pub fn handle_unreachable(&mut self, now: Instant, peer: Peer) {
        self.now = now;
        self.ctx.txs.transport_failed(peer);
        self.drain(now);
    }

    /// The oldest datagram of a read at `now` waited `delay` in the socket.
    pub fn observe_queue_delay(&mut self, now: Instant, delay: Duration) {
        self.health.shedder.observe(now, delay, self.ctx.cfg.shed_delay);
    }

    /// Whether new INVITEs are being refused for queueing delay.
    pub fn is_shedding(&self) -> bool {
        self.health.shedder.is_on()
    }

    /// The largest queueing delay seen since the last call.
    pub fn take_max_delay(&mut self) -> Duration {
        self.health.shedder.take_max_delay()
    }

    /// While shedding, answers a new INVITE 503 + Retry-After without a
    /// transaction; whether it did.
    fn shed(&mut self, inc: &Incoming, reply_to: Peer) -> bool {
        let Incoming::Request(req) = inc else { return false };
        if !self.health.shedder.is_on()
            || req.method != Method::Invite
            || req.core.to_tag().is_some()
            || self.ctx.txs.has_server_transaction(&req.core)
        {
            return false;
        }
        let resp = self.ctx.stateless_503(&req.req, &req.core);
        self.ctx.stats.overload_rejected += 1;
        self.ctx.stats.shed += 1;
        self.ctx.txs.send_stateless(reply_to, sip::response_bytes(&resp));
        true
    }
}

/// Stamps received/rport on a request's top Via (§18.2.2, RFC 3581) and
/// validates the message; returns where a request's responses go, and
/// the message's core. An unstamped Via is parsed once for both.
fn stamp_and_validate(msg: &mut Message, peer: Peer) -> (Peer, Result<sip::Core, sip::InvalidMessage>) {
    let value = msg.header("Via").filter(|_| msg.method().is_some());
    let Some((value, via)) = value.and_then(|v| Some((v, sip::Via::parse(v)?))) else {
        return (peer, sip::validate(msg));
    };
    let (stamped, route) = sip::stamp_parsed(&via, value, peer.addr);
    let reply_to = match peer.transport {
        TransportKind::Udp => Peer {
            addr: route.unwrap_or(peer.addr),
            ..peer
        },
        TransportKind::Tcp | TransportKind::Tls => peer,
    };
    match stamped {
        None => (reply_to, sip::validate_with(msg, Some(&via))),
        Some(stamped) => {
            msg.replace_first("Via", &stamped);
            (reply_to, sip::validate(msg))
        }
    }
}
