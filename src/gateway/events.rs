//! Session events in, commands out: admission and routing of new calls,
//! and everything one leg does that the other must hear.

use super::{Gateway, Leg, RouteAction, route};
use crate::ids::CallId;
use crate::session::{Command, IncomingInfo, MediaMode, Outbound, SessionEvent};
use crate::status::StatusCode;
use std::time::Instant;

impl Gateway {
    /// A session event. Incoming calls are the gateway's and are consumed;
    /// every other event is acted on and handed back for observers.
    pub fn on_event(&mut self, now: Instant, ev: SessionEvent) -> Option<SessionEvent> {
        match &ev {
            SessionEvent::Incoming(a, info) => {
                self.on_incoming(now, *a, info);
                return None;
            }
            SessionEvent::Ringing(b) => self.tell_inbound(*b, Command::Ring),
            SessionEvent::EarlyMedia(b) => self.tell_inbound(*b, Command::EarlyMedia),
            SessionEvent::Answered(b) => {
                if let Some(l) = self.legs.get(b).filter(|l| !l.inbound && l.other.is_some()) {
                    self.stats.bridged_answered += 1;
                    let ms = now.saturating_duration_since(l.since).as_millis() as u64;
                    self.stats.setup_sum_ms += ms;
                    for (n, le) in self.stats.setup_le.iter_mut().zip(super::SETUP_BUCKETS_MS) {
                        *n += u64::from(ms <= le);
                    }
                }
                self.tell_inbound(*b, |a| Command::Accept(a, MediaMode::None));
            }
            SessionEvent::PeerHeld(x) => self.tell_other(*x, Command::Hold),
            SessionEvent::PeerResumed(x) => self.tell_other(*x, Command::Resume),
            SessionEvent::Failed(b, code) => {
                if self.legs.contains_key(b) {
                    self.stats.outbound_failed += 1;
                    *self.failures.entry(*code).or_default() += 1;
                }
                let status = route::caller_status(*code);
                self.tell_inbound(*b, |a| Command::Reject(a, status));
                self.forget(*b);
            }
            SessionEvent::Ended(x, _) => {
                self.tell_other(*x, Command::End);
                self.forget(*x);
            }
            SessionEvent::Held(_)
            | SessionEvent::Resumed(_)
            | SessionEvent::HoldFailed(..)
            | SessionEvent::Record(_) => {}
        }
        Some(ev)
    }

    fn on_incoming(&mut self, now: Instant, a: CallId, info: &IncomingInfo) {
        use super::admission::Denied;
        let refuse = if self.drain_until.is_some() {
            Some(&mut self.stats.drain_rejected)
        } else {
            match self.admission.admit(info.peer.addr.ip(), now) {
                Ok(()) => None,
                Err(Denied::OverLimit) => Some(&mut self.stats.over_limit),
                Err(Denied::RateLimited) => Some(&mut self.stats.rate_limited),
                Err(Denied::OverRate) => Some(&mut self.stats.over_rate),
            }
        };
        if let Some(counter) = refuse {
            *counter += 1;
            return self
                .commands
                .push_back(Command::Reject(a, StatusCode::SERVICE_UNAVAILABLE));
        }
        let (index, user) = route::find(&self.cfg.routes, &info.uri, info.peer.addr.ip());
        let action = index.map(|i| &self.cfg.routes[i].action);
        match action {
            None | Some(RouteAction::Reject(_)) => {
                self.stats.route_rejected += 1;
                self.admission.release();
                let status = match action {
                    Some(RouteAction::Reject(s)) => *s,
                    _ => StatusCode::NOT_FOUND,
                };
                self.commands.push_back(Command::Reject(a, status));
            }
            Some(RouteAction::Echo { answer_after }) => {
                let answer_after = *answer_after;
                self.stats.echoed += 1;
                self.insert(
                    a,
                    Leg {
                        other: None,
                        inbound: true,
                        since: now,
                    },
                );
                if self.cfg.echo_ring {
                    self.commands.push_back(Command::Ring(a));
                }
                if answer_after.is_zero() {
                    self.commands.push_back(Command::Accept(a, MediaMode::Echo));
                } else {
                    self.answer_at.push(now + answer_after, a);
                }
            }
            Some(RouteAction::Forward {
                uri,
                transport,
                credentials,
                ..
            }) => {
                let i = index.expect("invariant: an action comes from a route");
                let out = Outbound {
                    uri: route::target_uri(uri, &user),
                    transport: *transport,
                    codecs: self.route_codecs[i].clone(),
                    from_user: route::user_of(&info.from),
                    media: MediaMode::None,
                    credentials: credentials.clone(),
                };
                self.stats.bridged += 1;
                let b = self.new_outbound_id();
                self.insert(
                    a,
                    Leg {
                        other: Some(b),
                        inbound: true,
                        since: now,
                    },
                );
                self.insert(
                    b,
                    Leg {
                        other: Some(a),
                        inbound: false,
                        since: now,
                    },
                );
                self.commands.push_back(Command::Bridge {
                    b,
                    a,
                    out: Box::new(out),
                });
            }
        }
    }

    /// Sends `cmd` to the inbound partner of outbound leg `b`.
    fn tell_inbound(&mut self, b: CallId, cmd: impl FnOnce(CallId) -> Command) {
        if let Some(Leg {
            other: Some(a),
            inbound: false,
            ..
        }) = self.legs.get(&b)
        {
            self.commands.push_back(cmd(*a));
        }
    }

    /// Sends `cmd` to the partner of `x`, whichever leg it is.
    fn tell_other(&mut self, x: CallId, cmd: impl FnOnce(CallId) -> Command) {
        if let Some(other) = self.legs.get(&x).and_then(|l| l.other) {
            self.commands.push_back(cmd(other));
        }
    }

    /// A leg has gone: drop it and its partner's link to it.
    fn forget(&mut self, x: CallId) {
        let Some(leg) = self.legs.remove(&x) else { return };
        self.inbound -= usize::from(leg.inbound);
        if leg.inbound {
            self.admission.release();
        }
        if let Some(l) = leg.other.and_then(|o| self.legs.get_mut(&o)) {
            l.other = None;
        }
    }
}
