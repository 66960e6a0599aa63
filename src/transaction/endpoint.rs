//! Matching (which transaction a message belongs to) separated from state
//! (the four machines); the table owns every live transaction.

use super::slots::TxSlots;
use super::tx::Tx;
use super::{Out, TimerConfig, Transmit, TxEvent, TxKey};
use crate::collections::{DeadlineHeap, shrink_map};
use crate::ids::TxId;
use crate::sip::Message;
use std::collections::VecDeque;
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
    pub(super) keys: super::key::KeyMap<TxId>,
    /// By id (an index into a slab); boxed, so that the slab holds
    /// pointers rather than ~300-byte transactions.
    pub(super) slots: TxSlots,
    pub(super) heap: DeadlineHeap<TxId>,
    pub(super) transmits: VecDeque<Transmit>,
    pub(super) events: VecDeque<TxEvent>,
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
        self.stats.created += 1;
        self.keys.insert(key, id);
        self.slots.insert(id, Box::new(Slot { key, tx, armed: None }));
        self.rearm(id);
    }

    /// The INVITE a client transaction sent, while it may still be cancelled.
    pub fn cancellable_invite(&self, tx: TxId) -> Option<&Message> {
        match self.slots.get(tx).map(|s| &s.tx) {
            Some(Tx::ClientInvite(t)) if t.is_proceeding() => t.request(),
            _ => None,
        }
    }

    /// Whether a request belongs to a live server transaction (§17.2.3).
    pub fn has_server_transaction(&self, core: &crate::sip::Core) -> bool {
        self.keys.contains_key(&TxKey::server(core))
    }

    /// Whether server transaction `tx` has sent its final response (or is gone).
    pub fn is_answered(&self, tx: TxId) -> bool {
        match self.slots.get(tx).map(|s| &s.tx) {
            Some(Tx::ServerInvite(t)) => t.is_answered(),
            Some(Tx::ServerNonInvite(t)) => t.is_answered(),
            _ => true,
        }
    }

    /// A connection to `peer` could not be made (refused, TLS handshake
    /// failed): every client transaction waiting on it ends now, as Timer
    /// B or F would end it later (RFC 3261 §18.4 tells the user).
    pub fn transport_failed(&mut self, peer: crate::ids::Peer) {
        for id in self.slots.ids() {
            let Some(slot) = self.slots.get_mut(id) else { continue };
            let mut out = Out {
                transmits: &mut self.transmits,
                events: &mut self.events,
            };
            match &mut slot.tx {
                Tx::ClientInvite(t) => t.transport_failed(peer, &mut out),
                Tx::ClientNonInvite(t) => t.transport_failed(peer, &mut out),
                _ => {}
            }
            self.rearm(id);
        }
    }

    /// Fires every timer due at `now`.
    pub fn handle_timeout(&mut self, now: Instant) {
        while let Some(id) = self.heap.pop_due(now) {
            let Some(slot) = self.slots.get_mut(id) else {
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
        let Some(slot) = self.slots.get_mut(id) else {
            return;
        };
        if slot.tx.is_terminated() {
            let slot = self.slots.remove(id).expect("invariant: slot present");
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

    /// Gives memory back after a load peak.
    pub fn shrink(&mut self) {
        shrink_map(&mut self.keys);
        self.slots.shrink();
        self.heap.shrink();
    }

    /// Live transactions.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// Whether no transaction is live.
    #[cfg(feature = "test-exports")]
    pub fn is_empty(&self) -> bool {
        self.slots.len() == 0
    }

    /// Counters.
    #[cfg(feature = "test-exports")]
    pub fn stats(&self) -> TxStats {
        self.stats
    }
}
