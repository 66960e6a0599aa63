//! INVITE server transaction (RFC 3261 §17.2.1 with RFC 6026): Proceeding,
//! Completed (Timers G, H), Confirmed (Timer I), Accepted (Timer L).

use super::{Backoff, Out, TimerConfig, TxEvent};
use crate::ids::{Peer, TxId};
use bytes::Bytes;
use std::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Proceeding,
    Completed,
    Confirmed,
    Accepted,
    Terminated,
}

/// One incoming INVITE.
#[derive(Debug)]
pub struct ServerInvite {
    id: TxId,
    peer: Peer,
    state: State,
    last: Bytes,
    timer_g: Option<Backoff>,
    timer_h: Option<Instant>,
    timer_i: Option<Instant>,
    timer_l: Option<Instant>,
}

impl ServerInvite {
    /// Created on a new INVITE; sends `trying` (the automatic 100, §17.2.1).
    pub fn new(id: TxId, peer: Peer, trying: Bytes, out: &mut Out) -> Self {
        out.send(peer, &trying);
        ServerInvite {
            id,
            peer,
            state: State::Proceeding,
            last: trying,
            timer_g: None,
            timer_h: None,
            timer_i: None,
            timer_l: None,
        }
    }

    /// Whether nothing but the automatic 100 has been sent.
    pub fn only_trying(&self) -> bool {
        self.state == State::Proceeding && self.last.starts_with(b"SIP/2.0 100 ")
    }

    /// Where its responses go.
    pub fn peer(&self) -> Peer {
        self.peer
    }

    /// A retransmitted INVITE: resend the last response unless Accepted
    /// (RFC 6026 §7.1: absorbed; the TU retransmits its 2xx).
    pub fn handle_retransmission(&mut self, out: &mut Out) {
        if matches!(self.state, State::Proceeding | State::Completed) {
            out.send(self.peer, &self.last);
        }
    }

    /// An ACK with this transaction's branch: the ACK for a non-2xx final.
    /// Returns true when it belongs to the TU (an ACK for our 2xx).
    pub fn handle_ack(&mut self, now: Instant, cfg: &TimerConfig) -> bool {
        match self.state {
            State::Completed => {
                self.state = State::Confirmed;
                self.timer_g = None;
                self.timer_h = None;
                self.timer_i = Some(now + cfg.t4_or_zero(self.peer.transport.is_reliable()));
                false
            }
            State::Accepted => true,
            _ => false,
        }
    }

    /// Whether a final response has been sent.
    pub fn is_answered(&self) -> bool {
        !matches!(self.state, State::Proceeding)
    }

    /// The TU answers with `status`; false when the transaction no longer
    /// takes that response.
    pub fn respond(&mut self, now: Instant, cfg: &TimerConfig, status: u16, bytes: Bytes, out: &mut Out) -> bool {
        match (self.state, status) {
            (State::Proceeding, 100..=199) => {}
            (State::Proceeding, 200..=299) => {
                self.state = State::Accepted;
                self.timer_l = Some(now + cfg.t64());
            }
            (State::Accepted, 200..=299) => {}
            (State::Proceeding, _) => {
                self.state = State::Completed;
                let reliable = self.peer.transport.is_reliable();
                self.timer_g = (!reliable).then(|| Backoff::start(now, cfg.t1, Some(cfg.t2)));
                self.timer_h = Some(now + cfg.t64());
            }
            _ => return false,
        }
        out.send(self.peer, &bytes);
        // Accepted never resends (the TU retransmits its 2xx): nothing to
        // keep for Timer L's 32 s.
        self.last = if self.state == State::Accepted {
            Bytes::new()
        } else {
            bytes
        };
        true
    }

    /// Fires whichever of Timers G, H, I and L are due.
    pub fn handle_timeout(&mut self, now: Instant, out: &mut Out) {
        if let Some(g) = self.timer_g.as_mut().filter(|g| g.next <= now) {
            out.send(self.peer, &self.last);
            g.advance(now);
        }
        if self.timer_h.is_some_and(|h| h <= now) {
            self.state = State::Terminated;
            out.events.push_back(TxEvent::Timeout { tx: self.id });
        }
        if self.timer_i.is_some_and(|i| i <= now) || self.timer_l.is_some_and(|l| l <= now) {
            self.state = State::Terminated;
        }
    }

    /// The next instant any timer is due.
    pub fn deadline(&self) -> Option<Instant> {
        if self.state == State::Terminated {
            return None;
        }
        [self.timer_g.map(|g| g.next), self.timer_h, self.timer_i, self.timer_l]
            .into_iter()
            .flatten()
            .min()
    }

    /// Whether the transaction is over and may be removed.
    pub fn is_terminated(&self) -> bool {
        self.state == State::Terminated
    }
}
