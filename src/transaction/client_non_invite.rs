//! Non-INVITE client transaction (RFC 3261 §17.1.2): Trying, Proceeding,
//! Completed, Terminated; Timers E, F and K.

use super::{Backoff, Out, TimerConfig, TxEvent};
use crate::ids::{Peer, TxId};
use crate::sip::IncomingResponse;
use bytes::Bytes;
use std::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Trying,
    Proceeding,
    Completed,
    Terminated,
}

/// One outgoing non-INVITE request (BYE, OPTIONS, CANCEL, INFO…).
#[derive(Debug)]
pub struct ClientNonInvite {
    id: TxId,
    peer: Peer,
    bytes: Bytes,
    state: State,
    timer_e: Option<Backoff>,
    timer_f: Option<Instant>,
    timer_k: Option<Instant>,
}

impl ClientNonInvite {
    /// Sends the request and arms Timers E (unreliable only) and F.
    pub fn new(id: TxId, now: Instant, cfg: &TimerConfig, peer: Peer, bytes: Bytes, out: &mut Out) -> Self {
        out.send(peer, &bytes);
        let reliable = peer.transport.is_reliable();
        ClientNonInvite {
            id,
            peer,
            bytes,
            state: State::Trying,
            timer_e: (!reliable).then(|| Backoff::start(now, cfg.t1, Some(cfg.t2))),
            timer_f: Some(now + cfg.t64()),
            timer_k: None,
        }
    }

    /// A response matched this transaction.
    pub fn handle_response(&mut self, now: Instant, cfg: &TimerConfig, resp: IncomingResponse, out: &mut Out) {
        let provisional = resp.code() < 200;
        match (self.state, provisional) {
            (State::Trying | State::Proceeding, true) => {
                if self.state == State::Trying
                    && let Some(e) = self.timer_e.as_mut()
                {
                    e.interval = cfg.t2;
                    e.next = e.next.max(now);
                }
                self.state = State::Proceeding;
                out.events.push_back(TxEvent::Response { tx: self.id, resp });
            }
            (State::Trying | State::Proceeding, false) => {
                self.state = State::Completed;
                self.timer_e = None;
                self.timer_f = None;
                self.bytes = Bytes::new(); // never resent from here
                self.timer_k = Some(now + cfg.t4_or_zero(self.peer.transport.is_reliable()));
                out.events.push_back(TxEvent::Response { tx: self.id, resp });
            }
            _ => {}
        }
    }

    /// The transport could not reach its peer: over, with an unreachable
    /// event, unless a final response came.
    pub fn transport_failed(&mut self, to: Peer, out: &mut Out) {
        if to == self.peer && matches!(self.state, State::Trying | State::Proceeding) {
            self.state = State::Terminated;
            out.events.push_back(TxEvent::Unreachable { tx: self.id });
        }
    }

    /// Fires whichever of Timers E, F and K are due.
    pub fn handle_timeout(&mut self, now: Instant, out: &mut Out) {
        if let Some(e) = self.timer_e.as_mut().filter(|e| e.next <= now) {
            out.send(self.peer, &self.bytes);
            e.advance(now);
        }
        if self.timer_f.is_some_and(|f| f <= now) {
            self.state = State::Terminated;
            out.events.push_back(TxEvent::Timeout { tx: self.id });
        }
        if self.timer_k.is_some_and(|k| k <= now) {
            self.state = State::Terminated;
        }
    }

    /// The next instant any timer is due.
    pub fn deadline(&self) -> Option<Instant> {
        if self.state == State::Terminated {
            return None;
        }
        [self.timer_e.map(|e| e.next), self.timer_f, self.timer_k]
            .into_iter()
            .flatten()
            .min()
    }

    /// Whether the transaction is over and may be removed.
    pub fn is_terminated(&self) -> bool {
        self.state == State::Terminated
    }
}
