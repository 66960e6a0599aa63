//! A new call: admission (limits, rate, drain), its route, and what the
//! route does (reject, echo, bridge to a target, or call the user's
//! registered Contacts).

use super::{Gateway, Leg, RouteAction, route};
use crate::ids::{CallId, TransportKind};
use crate::session::{Command, IncomingInfo, MediaMode, Outbound, SessionEvent};
use crate::status::StatusCode;
use std::time::Instant;

impl Gateway {
    /// Admits and routes a new call: the event for the application when
    /// its route hands it over (`Incoming` with the route's target), or
    /// asks for its capture.
    pub(super) fn on_incoming(&mut self, now: Instant, a: CallId, info: &IncomingInfo) -> Option<SessionEvent> {
        use super::admission::Denied;
        let refuse = if self.drain_until.is_some() {
            Some(&mut self.stats.drain_rejected)
        } else {
            match self.admission.admit(&mut self.rates, info.peer.addr.ip(), now) {
                Ok(()) => None,
                Err(Denied::OverLimit) => Some(&mut self.stats.over_limit),
                Err(Denied::RateLimited) => Some(&mut self.stats.rate_limited),
                Err(Denied::OverRate) => Some(&mut self.stats.over_rate),
            }
        };
        if let Some(counter) = refuse {
            *counter += 1;
            self.commands
                .push_back(Command::Reject(a, StatusCode::SERVICE_UNAVAILABLE));
            return None;
        }
        let (index, user) = route::find(&self.cfg.routes, info.uri(), info.peer.addr.ip());
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
            Some(RouteAction::Application(target)) => {
                let target = target.clone();
                self.insert(a, Leg::new(self.epoch, now, None, true, false));
                let mut info = info.clone();
                info.target = Some(target);
                return Some(SessionEvent::Incoming(a, info));
            }
            Some(RouteAction::Echo { answer_after }) => {
                let answer_after = *answer_after;
                self.stats.echoed += 1;
                self.insert(a, Leg::new(self.epoch, now, None, true, false));
                if self.cfg.echo_ring {
                    self.commands.push_back(Command::Ring(a));
                }
                if answer_after.is_zero() {
                    self.commands.push_back(Command::Accept(a, MediaMode::Echo));
                } else {
                    self.answer_at.push(now + answer_after, a);
                }
            }
            Some(RouteAction::Forward { .. }) => {
                let i = index.expect("invariant: an action comes from a route");
                let out = Outbound {
                    from_user: route::user_of(info.from()),
                    ..self
                        .route_outbound(i, &user)
                        .expect("invariant: a Forward route gives a leg")
                };
                self.bridge_to(now, a, out, self.cfg.routes[i].transfer);
            }
            Some(RouteAction::Registered) => {
                let transfer = index.is_some_and(|i| self.cfg.routes[i].transfer);
                let contacts = self
                    .locations
                    .as_ref()
                    .map(|l| l.lookup(now, &user))
                    .unwrap_or_default();
                let mut outs = contacts.into_iter().map(|b| Outbound {
                    from_user: route::user_of(info.from()),
                    flow: crate::sip::flow_for(&b.contact, b.source),
                    ..Outbound::to(b.contact, TransportKind::Udp)
                });
                match (outs.next(), outs.next()) {
                    (None, _) => {
                        // Not registered (or no such user): 480, as RFC 3261 §10.3 has it.
                        self.stats.route_rejected += 1;
                        self.admission.release();
                        self.commands
                            .push_back(Command::Reject(a, StatusCode::TEMPORARILY_UNAVAILABLE));
                    }
                    (Some(one), None) => self.bridge_to(now, a, one, transfer),
                    (Some(first), Some(second)) => {
                        let all = [first, second].into_iter().chain(outs).collect();
                        self.fork(now, a, all, transfer);
                    }
                }
            }
        }
        // A call the route took (not refused) is captured if it asks.
        let dir = index.and_then(|i| self.cfg.routes[i].capture_dir.clone());
        dir.filter(|_| self.legs.contains_key(&a))
            .map(|dir| SessionEvent::Capture(a, dir, info.call_id().to_owned()))
    }

    /// Bridges inbound call `a` to one outbound leg as `out` says.
    fn bridge_to(&mut self, now: Instant, a: CallId, out: Outbound, transfer: bool) {
        self.stats.bridged += 1;
        let b = self.new_outbound_id();
        let epoch = self.epoch;
        let leg = |other, inbound, refused| {
            let mut leg = Leg::new(epoch, now, Some(other), inbound, transfer);
            leg.refused = refused;
            leg
        };
        self.insert(a, leg(b, true, StatusCode::FORBIDDEN));
        let refused = out.credentials.as_ref().map_or(StatusCode::FORBIDDEN, |c| c.refused());
        self.insert(b, leg(a, false, refused));
        self.commands.push_back(Command::Bridge {
            b,
            a,
            out: Box::new(out),
        });
    }
}
