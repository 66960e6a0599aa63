//! Non-INVITE server transaction (RFC 3261 §17.2.2): Trying, Proceeding,
//! Completed (Timer J), Terminated.

use super::{Out, TimerConfig};
use crate::ids::Peer;
use bytes::Bytes;
use std::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Trying,
    Proceeding,
    Completed,
    Terminated,
}

/// One incoming non-INVITE request awaiting or holding its answer.
#[derive(Debug)]
pub struct ServerNonInvite {
    peer: Peer,
    state: State,
    last: Option<Bytes>,
    timer_j: Option<Instant>,
}

impl ServerNonInvite {
    /// A new request arrived from `peer`; responses go to `peer`.
    pub fn new(peer: Peer) -> Self {
        ServerNonInvite {
            peer,
            state: State::Trying,
            last: None,
            timer_j: None,
        }
    }

    /// A retransmission of the request: resend the last response, if any.
    pub fn handle_retransmission(&mut self, out: &mut Out) {
        if let (State::Proceeding | State::Completed, Some(last)) = (self.state, &self.last) {
            out.send(self.peer, last);
        }
    }

    /// The TU answers; returns false when the transaction was already done.
    pub fn respond(&mut self, now: Instant, cfg: &TimerConfig, status: u16, bytes: Bytes, out: &mut Out) -> bool {
        if matches!(self.state, State::Completed | State::Terminated) {
            return false;
        }
        out.send(self.peer, &bytes);
        self.last = Some(bytes);
        if status >= 200 {
            self.state = State::Completed;
            let j = if self.peer.transport.is_reliable() {
                std::time::Duration::ZERO
            } else {
                cfg.t64()
            };
            self.timer_j = Some(now + j);
        } else {
            self.state = State::Proceeding;
        }
        true
    }

    /// Fires Timer J.
    pub fn handle_timeout(&mut self, now: Instant) {
        if self.timer_j.is_some_and(|j| j <= now) {
            self.state = State::Terminated;
        }
    }

    /// The next instant Timer J is due.
    pub fn deadline(&self) -> Option<Instant> {
        self.timer_j.filter(|_| self.state != State::Terminated)
    }

    /// Whether a final response was sent.
    pub fn is_answered(&self) -> bool {
        matches!(self.state, State::Completed | State::Terminated)
    }

    /// Whether the transaction is over and may be removed.
    pub fn is_terminated(&self) -> bool {
        self.state == State::Terminated
    }
}
