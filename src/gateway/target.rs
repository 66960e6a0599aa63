//! The outbound leg a route gives: a bridged call's, or a transfer's.

use super::{Gateway, RouteAction, route};
use crate::session::Outbound;
use std::net::{IpAddr, Ipv4Addr};
use std::time::Instant;

impl Gateway {
    /// The leg route `i`'s bridge places for Request-URI user `user`
    /// (none unless it bridges to a target).
    pub(super) fn route_outbound(&self, i: usize, user: &str) -> Option<Outbound> {
        let RouteAction::Forward {
            uri,
            transport,
            credentials,
            srtp,
            sdes_in_clear,
            ..
        } = &self.cfg.routes[i].action
        else {
            return None;
        };
        Some(Outbound {
            codecs: self.route_codecs[i].clone(),
            credentials: credentials.clone(),
            srtp: *srtp,
            sdes_in_clear: *sdes_in_clear,
            ..Outbound::to(route::target_uri(uri, user), *transport)
        })
    }

    /// How to call a transfer's `target`, and whether that call may be
    /// transferred in turn: its route's bridge (a route kept for some
    /// sources serves no transfer), or a registered Contact.
    pub(super) fn transfer_target(&self, now: Instant, target: &str) -> Option<(Outbound, bool)> {
        let (index, user) = route::find(&self.cfg.routes, target, IpAddr::V4(Ipv4Addr::UNSPECIFIED));
        let r = &self.cfg.routes[index?];
        let out = match &r.action {
            RouteAction::Forward { .. } => self.route_outbound(index?, &user)?,
            RouteAction::Registered => {
                let b = self.locations.as_ref()?.lookup(now, &user).into_iter().next()?;
                Outbound {
                    flow: crate::sip::flow_for(&b.contact, b.source),
                    ..Outbound::to(b.contact, crate::ids::TransportKind::Udp)
                }
            }
            _ => return None,
        };
        Some((out, r.transfer))
    }
}
