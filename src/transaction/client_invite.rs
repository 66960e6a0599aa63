//! INVITE client transaction (RFC 3261 §17.1.1, with RFC 6026's Accepted
//! state): Calling, Proceeding, Completed, Accepted, Terminated.

use super::derived::derived;
use super::{Backoff, Out, TimerConfig, TxEvent};
use crate::ids::{Peer, TxId};
use crate::sip::{IncomingResponse, Message, Method};
use bytes::Bytes;
use std::sync::Arc;
use std::time::Instant;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Calling,
    Proceeding,
    Completed,
    Accepted,
    Terminated,
}

/// One outgoing INVITE.
#[derive(Debug)]
pub struct ClientInvite {
    id: TxId,
    peer: Peer,
    /// The INVITE, parsed and as sent: dropped at the final response
    /// (kept 32 s longer otherwise, for nothing).
    request: Option<Arc<Message>>,
    bytes: Bytes,
    state: State,
    timer_a: Option<Backoff>,
    timer_b: Option<Instant>,
    timer_d: Option<Instant>,
    timer_m: Option<Instant>,
    /// When an abandoned transaction is given up (§9.1): a provisional
    /// does not stop it, as it stops Timer B.
    give_up: Option<Instant>,
    ack: Option<Bytes>,
}

impl ClientInvite {
    /// Sends the INVITE and arms Timers A (unreliable only) and B.
    pub fn new(
        id: TxId,
        now: Instant,
        cfg: &TimerConfig,
        peer: Peer,
        request: Arc<Message>,
        bytes: Bytes,
        out: &mut Out,
    ) -> Self {
        out.send(peer, &bytes);
        let reliable = peer.transport.is_reliable();
        ClientInvite {
            id,
            peer,
            request: Some(request),
            bytes,
            state: State::Calling,
            timer_a: (!reliable).then(|| Backoff::start(now, cfg.t1, None)),
            timer_b: Some(now + cfg.t64()),
            timer_d: None,
            timer_m: None,
            give_up: None,
            ack: None,
        }
    }

    /// The INVITE this transaction sent (a CANCEL copies it, §9.1), until
    /// a final response.
    pub fn request(&self) -> Option<&Message> {
        self.request.as_deref()
    }

    /// Its user has given up on it (cancelled it, or its call ended): if
    /// no final response comes within 64·T1 it is destroyed (§9.1) with a
    /// timeout event, as Timer B would; in Proceeding no timer would end
    /// it otherwise.
    pub fn abandon(&mut self, now: Instant, cfg: &TimerConfig) {
        if matches!(self.state, State::Calling | State::Proceeding) {
            self.give_up.get_or_insert(now + cfg.t64());
        }
    }

    /// The transport could not reach its peer (RFC 3261 §8.1.3.1): over,
    /// with an unreachable event, unless a final response came.
    pub fn transport_failed(&mut self, to: Peer, out: &mut Out) {
        if to == self.peer && matches!(self.state, State::Calling | State::Proceeding) {
            self.state = State::Terminated;
            out.events.push_back(TxEvent::Unreachable { tx: self.id });
        }
    }

    /// Whether a provisional response arrived (a CANCEL may be sent).
    pub fn is_proceeding(&self) -> bool {
        self.state == State::Proceeding
    }

    /// A response matched this transaction.
    pub fn handle_response(&mut self, now: Instant, cfg: &TimerConfig, resp: IncomingResponse, out: &mut Out) {
        let code = resp.code();
        match (self.state, code) {
            (State::Calling | State::Proceeding, 100..=199) => {
                self.state = State::Proceeding;
                self.timer_a = None;
                self.timer_b = None;
                out.events.push_back(TxEvent::Response { tx: self.id, resp });
            }
            (State::Calling | State::Proceeding | State::Accepted, 200..=299) => {
                if self.state != State::Accepted {
                    self.state = State::Accepted;
                    self.timer_m = Some(now + cfg.t64());
                    (self.request, self.bytes) = (None, Bytes::new());
                }
                self.timer_a = None;
                self.timer_b = None;
                self.give_up = None;
                out.events.push_back(TxEvent::Response { tx: self.id, resp });
            }
            (State::Calling | State::Proceeding, 300..) => {
                let to = resp.header("To").unwrap_or_default().to_owned();
                if let Some(invite) = self.request.take() {
                    let bytes = derived(&invite, Method::Ack, Some(&to));
                    out.send(self.peer, &bytes);
                    self.ack = Some(bytes);
                }
                self.bytes = Bytes::new();
                self.state = State::Completed;
                self.timer_a = None;
                self.timer_b = None;
                self.give_up = None;
                self.timer_d = Some(now + cfg.timer_d(self.peer.transport.is_reliable()));
                out.events.push_back(TxEvent::Response { tx: self.id, resp });
            }
            (State::Completed, 300..) => {
                if let Some(ack) = &self.ack {
                    out.send(self.peer, ack);
                }
            }
            _ => {}
        }
    }

    /// Fires whichever of Timers A, B, D and M are due.
    pub fn handle_timeout(&mut self, now: Instant, out: &mut Out) {
        if let Some(a) = self.timer_a.as_mut().filter(|a| a.next <= now) {
            out.send(self.peer, &self.bytes);
            a.advance(now);
        }
        if self.timer_b.is_some_and(|b| b <= now) || self.give_up.is_some_and(|g| g <= now) {
            self.state = State::Terminated;
            out.events.push_back(TxEvent::Timeout { tx: self.id });
        }
        if self.timer_d.is_some_and(|d| d <= now) || self.timer_m.is_some_and(|m| m <= now) {
            self.state = State::Terminated;
        }
    }

    /// The next instant any timer of this transaction is due.
    pub fn deadline(&self) -> Option<Instant> {
        if self.state == State::Terminated {
            return None;
        }
        [
            self.timer_a.map(|a| a.next),
            self.timer_b,
            self.give_up,
            self.timer_d,
            self.timer_m,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Whether the transaction is over and may be removed.
    pub fn is_terminated(&self) -> bool {
        self.state == State::Terminated
    }
}
