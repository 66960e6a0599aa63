//! What the UA core sends through the table: new client transactions,
//! answers to server transactions, and transaction-less messages.

use super::client_invite::ClientInvite;
use super::client_non_invite::ClientNonInvite;
use super::tx::Tx;
use super::{Out, Transactions, Transmit, TxKey};
use crate::ids::{Peer, TxId};
use crate::sip::{self, Message, Method, Request, Response, Via};
use std::sync::Arc;
use std::time::Instant;

impl Transactions {
    /// Starts a client transaction for `req` (not ACK) towards `peer`.
    pub fn send_request(&mut self, now: Instant, peer: Peer, req: Request) -> TxId {
        if req.method == Method::Invite {
            return self.send_invite(now, peer, Arc::new(Message::of_request(&req)));
        }
        let via = sip::header_in(&req.headers, "Via").unwrap_or_default();
        self.send_request_bytes(now, peer, req.method, via, sip::request_bytes(&req))
    }

    /// Starts a client transaction for a `method` request (not INVITE or
    /// ACK) already written out as `bytes`, whose top Via is `via`.
    pub fn send_request_bytes(
        &mut self,
        now: Instant,
        peer: Peer,
        method: Method,
        via: &str,
        bytes: bytes::Bytes,
    ) -> TxId {
        let branch = Via::parse(via).and_then(|v| v.param("branch")).unwrap_or_default();
        let (id, key) = (self.slots.next_id(), TxKey::client(branch, method));
        let mut out = Out {
            transmits: &mut self.transmits,
            events: &mut self.events,
        };
        let tx = Tx::ClientNonInvite(ClientNonInvite::new(id, now, &self.cfg, peer, bytes, &mut out));
        self.insert(id, key, tx, now);
        id
    }

    /// Starts a client INVITE transaction sharing `req` with its caller
    /// (who keeps it for the dialog).
    pub fn send_invite(&mut self, now: Instant, peer: Peer, req: Arc<Message>) -> TxId {
        let (id, key) = self.next_key(&req);
        let bytes = req.wire();
        let mut out = Out {
            transmits: &mut self.transmits,
            events: &mut self.events,
        };
        let tx = Tx::ClientInvite(ClientInvite::new(id, now, &self.cfg, peer, req, bytes, &mut out));
        self.insert(id, key, tx, now);
        id
    }

    /// The id and matching key of a new client transaction for `req`.
    fn next_key(&mut self, req: &Message) -> (TxId, TxKey) {
        let branch = req
            .header("Via")
            .and_then(|v| Via::parse(v).and_then(|v| v.param("branch")))
            .unwrap_or_default();
        (self.slots.next_id(), TxKey::client(branch, Method::Invite))
    }

    /// Sends a message outside any transaction (the ACK for a 2xx, a 2xx
    /// retransmission, a stateless 400).
    pub fn send_stateless(&mut self, peer: Peer, bytes: bytes::Bytes) {
        self.transmits.push_back(Transmit { peer, bytes });
    }

    /// Answers INVITE server transaction `tx` once, as a stateless UAS
    /// would (§8.2.7), and forgets it: no retransmission, no wait for the
    /// ACK (which then matches nothing and is dropped), no Timer H — for
    /// refusals under overload. False (nothing sent) when it is not an
    /// INVITE transaction that has sent only its 100.
    pub fn respond_once(&mut self, tx: TxId, resp: &Response) -> bool {
        let peer = match self.slots.get(tx).map(|s| &s.tx) {
            Some(Tx::ServerInvite(t)) if t.only_trying() => t.peer(),
            _ => return false,
        };
        let slot = self.slots.remove(tx).expect("invariant: looked up above");
        self.keys.remove(&slot.key);
        self.send_stateless(peer, sip::response_bytes(resp));
        true
    }

    /// The user has given up on client INVITE transaction `tx`: without a
    /// final response within 64·T1 it ends (RFC 3261 §9.1).
    pub fn abandon(&mut self, now: Instant, tx: TxId) {
        if let Some(Tx::ClientInvite(t)) = self.slots.get_mut(tx).map(|s| &mut s.tx) {
            t.abandon(now, &self.cfg);
            self.rearm(tx);
        }
    }

    /// Answers server transaction `tx`; returns the bytes sent, `None` when
    /// it is gone or no longer takes this response.
    pub fn respond(&mut self, now: Instant, tx: TxId, resp: Response) -> Option<bytes::Bytes> {
        self.respond_bytes(now, tx, resp.status_code.code(), sip::response_bytes(&resp))
    }

    /// Answers server transaction `tx` with a response of `status`
    /// already written out as `bytes`; as [`Transactions::respond`].
    pub fn respond_bytes(&mut self, now: Instant, tx: TxId, status: u16, bytes: bytes::Bytes) -> Option<bytes::Bytes> {
        let slot = self.slots.get_mut(tx)?;
        let sent = bytes.clone();
        let mut out = Out {
            transmits: &mut self.transmits,
            events: &mut self.events,
        };
        let done = match &mut slot.tx {
            Tx::ServerInvite(t) => t.respond(now, &self.cfg, status, bytes, &mut out),
            Tx::ServerNonInvite(t) => t.respond(now, &self.cfg, status, bytes, &mut out),
            _ => false,
        };
        self.rearm(tx);
        done.then_some(sent)
    }
}
