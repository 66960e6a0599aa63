//! Matching (which transaction a message belongs to) separated from state
//! (the four machines); the table owns every live transaction.

use super::client_invite::ClientInvite;
use super::client_non_invite::ClientNonInvite;
use super::tx::Tx;
use super::{DeadlineHeap, Out, TimerConfig, Transmit, TxEvent, TxKey};
use crate::ids::{Peer, TxId};
use crate::sip::{self, Method, Request, Response, SipMessage, Via};
use std::collections::{HashMap, VecDeque};
use std::time::Instant;

#[derive(Debug)]
pub(super) struct Slot {
    pub(super) key: TxKey,
    pub(super) tx: Tx,
    pub(super) armed: Option<Instant>,
}

/// Counters of the transaction layer.
#[derive(Debug, Default, Clone, Copy)]
pub struct TxStats {
    /// Transactions created.
    pub created: u64,
    /// Request or response retransmissions received and absorbed.
    pub absorbed: u64,
    /// Timers B, F and H that fired.
    pub timeouts: u64,
}

/// Every live transaction, keyed per §17.1.3 / §17.2.3.
#[derive(Debug, Default)]
pub struct Transactions {
    pub(super) cfg: TimerConfig,
    pub(super) keys: HashMap<TxKey, TxId>,
    pub(super) slots: HashMap<TxId, Slot>,
    pub(super) heap: DeadlineHeap<TxId>,
    pub(super) transmits: VecDeque<Transmit>,
    pub(super) events: VecDeque<TxEvent>,
    pub(super) next_id: u64,
    pub(super) stats: TxStats,
}

impl Transactions {
    /// An empty table using timer values `cfg`.
    pub fn new(cfg: TimerConfig) -> Self {
        Transactions {
            cfg,
            ..Default::default()
        }
    }

    pub(super) fn insert(&mut self, id: TxId, key: TxKey, tx: Tx, _now: Instant) {
        self.next_id += 1;
        self.stats.created += 1;
        self.keys.insert(key.clone(), id);
        self.slots.insert(
            id,
            Slot {
                key,
                tx,
                armed: None,
            },
        );
        self.rearm(id);
    }

    /// Starts a client transaction for `req` (not ACK) towards `peer`.
    pub fn send_request(&mut self, now: Instant, peer: Peer, req: Request) -> TxId {
        let id = TxId(self.next_id);
        let branch = sip::header(&SipMessage::Request(req.clone()), "Via")
            .and_then(|v| {
                Via::parse(v)
                    .and_then(|v| v.param("branch"))
                    .map(str::to_owned)
            })
            .unwrap_or_default();
        let key = TxKey::client(&branch, req.method);
        let mut out = Out {
            transmits: &mut self.transmits,
            events: &mut self.events,
        };
        let tx = if req.method == Method::Invite {
            let bytes = sip::message_bytes(&mut SipMessage::Request(req.clone()));
            Tx::ClientInvite(ClientInvite::new(
                id, now, &self.cfg, peer, req, bytes, &mut out,
            ))
        } else {
            let bytes = sip::message_bytes(&mut SipMessage::Request(req));
            Tx::ClientNonInvite(ClientNonInvite::new(
                id, now, &self.cfg, peer, bytes, &mut out,
            ))
        };
        self.insert(id, key, tx, now);
        id
    }

    /// Sends a message outside any transaction (the ACK for a 2xx, a 2xx
    /// retransmission, a stateless 400).
    pub fn send_stateless(&mut self, peer: Peer, bytes: bytes::Bytes) {
        self.transmits.push_back(Transmit { peer, bytes });
    }

    /// Answers server transaction `tx`; returns the bytes sent, `None` when
    /// it is gone or no longer takes this response.
    pub fn respond(&mut self, now: Instant, tx: TxId, resp: Response) -> Option<bytes::Bytes> {
        let status = resp.status_code.code();
        let slot = self.slots.get_mut(&tx)?;
        let bytes = sip::message_bytes(&mut SipMessage::Response(resp));
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

    /// The INVITE a client transaction sent, while it may still be cancelled.
    pub fn cancellable_invite(&self, tx: TxId) -> Option<&Request> {
        match self.slots.get(&tx).map(|s| &s.tx) {
            Some(Tx::ClientInvite(t)) if t.is_proceeding() => Some(t.request()),
            _ => None,
        }
    }

    /// Whether server transaction `tx` has sent its final response (or is gone).
    pub fn is_answered(&self, tx: TxId) -> bool {
        match self.slots.get(&tx).map(|s| &s.tx) {
            Some(Tx::ServerInvite(t)) => t.is_answered(),
            Some(Tx::ServerNonInvite(t)) => t.is_answered(),
            _ => true,
        }
    }

    /// Fires every timer due at `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        while let Some(id) = self.heap.pop_due(now) {
            let Some(slot) = self.slots.get_mut(&id) else {
                continue;
            };
            if slot.armed.is_some_and(|at| at > now) {
                continue;
            }
            slot.armed = None;
            let before = self.events.len();
            let mut out = Out {
                transmits: &mut self.transmits,
                events: &mut self.events,
            };
            slot.tx.handle_timeout(now, &mut out);
            self.stats.timeouts += (self.events.len() - before) as u64;
            self.rearm(id);
        }
    }

    pub(super) fn rearm(&mut self, id: TxId) {
        let Some(slot) = self.slots.get_mut(&id) else {
            return;
        };
        if slot.tx.is_terminated() {
            let slot = self.slots.remove(&id).expect("invariant: slot present");
            self.keys.remove(&slot.key);
        } else if let Some(at) = slot.tx.deadline().filter(|at| slot.armed != Some(*at)) {
            slot.armed = Some(slot.armed.map_or(at, |a| a.min(at)));
            self.heap.push(at, id);
        }
    }

    /// The next timer deadline.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.heap.next()
    }

    /// The next message to send.
    pub fn poll_transmit(&mut self) -> Option<Transmit> {
        self.transmits.pop_front()
    }

    /// The next event for the UA core.
    pub fn poll_event(&mut self) -> Option<TxEvent> {
        self.events.pop_front()
    }

    /// Live transactions.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether no transaction is live.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Counters.
    pub fn stats(&self) -> TxStats {
        self.stats
    }
}
