//! Following a redirect (RFC 3261 §8.1.3.4): a 3xx to our INVITE sends the
//! same offer, Call-ID, From and To to the Contacts it names, best `q`
//! first, each with the next CSeq and a new branch, as one more
//! transaction of the same call. The Contacts not yet tried are the call's
//! target set: when a target fails (a 3xx not followed, 4xx, 5xx, or no
//! answer before Timer B) the next is tried; a 6xx (global failure) or a
//! CANCEL stops. Only Contacts we can reach without DNS are candidates,
//! and only `max_redirects` 3xx are followed per call; when nothing is
//! left the call ends with the last failure.

use super::{Call, Invite};
use crate::ids::Peer;
use crate::session::context::CallContext;
use crate::sip::{self, IncomingResponse};
use std::time::Instant;

/// Contacts taken from one 3xx at most.
const MAX_CONTACTS: usize = 8;

/// The targets a call's redirects named, not tried yet.
#[derive(Debug, Default, Clone)]
pub(super) struct TargetSet {
    /// Redirects (3xx) followed so far.
    followed: u8,
    /// Best first.
    pending: Vec<(rsip::Uri, Peer)>,
}

impl Call {
    /// Sends the INVITE on to the best target `resp` (a 3xx) names, keeping
    /// the rest ahead of older targets; false when it names none we can
    /// reach, or the call has used up its redirects.
    pub(super) fn follow_redirect(&mut self, ctx: &mut CallContext, now: Instant, resp: &IncomingResponse) -> bool {
        if self.cancel_requested || self.targets.followed >= ctx.cfg.max_redirects {
            return false;
        }
        let found = contacts(ctx, resp, self.peer);
        if found.is_empty() {
            return false;
        }
        self.targets.followed += 1;
        self.targets.pending.splice(0..0, found);
        ctx.stats.redirects_followed += 1;
        self.try_next_target(ctx, now)
    }

    /// Sends the INVITE to the next target of the target set; false when
    /// none is left (or the call is being cancelled).
    pub(super) fn try_next_target(&mut self, ctx: &mut CallContext, now: Instant) -> bool {
        let Invite::Sent { req: invite, tx: old } = &self.invite else {
            return false;
        };
        let (invite, old) = (invite.clone(), *old);
        while !self.cancel_requested && !self.targets.pending.is_empty() {
            let (uri, peer) = self.targets.pending.remove(0);
            // Our offer's SDES keys never go where they may not.
            if !self.offer_may_go(peer.transport) {
                tracing::warn!(call = %self.id, %uri, "redirect target skipped: our offer's SRTP keys would go in clear");
                continue;
            }
            let via = ctx.via(peer.transport);
            let contact = ctx.contact(peer.transport);
            // A target whose request cannot be built is skipped.
            let Some(req) = super::reissue::reissued(&invite, Some(uri), &via, &contact, None) else {
                continue;
            };
            self.client_auth.new_target();
            self.reissue(ctx, now, old, peer, req);
            return true;
        }
        false
    }
}

/// The Contacts of a 3xx we can reach, highest `q` (1.0 when absent)
/// first, equals in their order, at most [`MAX_CONTACTS`].
fn contacts(ctx: &CallContext, resp: &IncomingResponse, current: Peer) -> Vec<(rsip::Uri, Peer)> {
    let mut found: Vec<(f32, rsip::Uri, Peer)> = Vec::new();
    for value in resp.headers("Contact").flat_map(sip::split_list) {
        let q = sip::header_param(value, "q").map_or(Some(1.0), |q| q.parse::<f32>().ok());
        let Some(q) = q.filter(|q| (0.0..=1.0).contains(q)) else {
            continue;
        };
        let uri = sip::uri_of(value);
        let (Some(peer), Ok(parsed)) = (ctx.reachable(uri, current.transport), sip::parse_uri(uri)) else {
            continue;
        };
        found.push((q, parsed, peer));
        if found.len() == MAX_CONTACTS {
            break;
        }
    }
    // Stable: equal q keep the order the 3xx gave them.
    found.sort_by(|a, b| b.0.total_cmp(&a.0));
    found.into_iter().map(|(_, uri, peer)| (uri, peer)).collect()
}
