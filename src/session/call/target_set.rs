//! Where our INVITE goes next. Redirects (RFC 3261 §8.1.3.4): a 3xx sends
//! the same offer, Call-ID, From and To to the Contacts it names, best `q`
//! first, each with the next CSeq and a new branch, as one more
//! transaction of the same call. The Contacts not yet tried are the call's
//! target set: when a target fails (a 3xx not followed, 4xx, 5xx, or no
//! answer before Timer B) the next is tried; a 6xx (global failure) or a
//! CANCEL stops. Only `max_redirects` 3xx are followed per call; when
//! nothing is left the call ends with the last failure. A Contact naming
//! a host is looked up when its turn comes (the call waits meanwhile).
//! Failover (RFC 3263 §4.3): a target's further servers are tried first
//! when its server does not answer, cannot be reached or says 503.

use super::{Call, Invite};
use crate::collections::{Empty, Rare};
use crate::ids::Peer;
use crate::locate::{LocateError, Waiter};
use crate::session::SessionEvent;
use crate::session::context::CallContext;
use crate::sip::{self, IncomingResponse};
use std::time::Instant;
use thin_vec::ThinVec;

/// The targets a call's redirects named, not tried yet (kept `Rare` in a
/// call: most follow no redirect and fail over nowhere).
#[derive(Debug, Default, Clone)]
pub(super) struct TargetSet {
    /// Redirects (3xx) followed so far.
    followed: u8,
    /// Best first, each with its text (a host name in it is looked up
    /// when its turn comes). `ThinVec`s: a word each in every call.
    pending: ThinVec<(rsip::Uri, String)>,
    /// The current target's further servers, in order (RFC 3263 §4.3).
    alternates: ThinVec<Peer>,
    /// The target whose name is being looked up.
    resolving: Option<Box<rsip::Uri>>,
}

impl Empty for TargetSet {
    const EMPTY: &'static Self = &TargetSet {
        followed: 0,
        pending: ThinVec::new(),
        alternates: ThinVec::new(),
        resolving: None,
    };
}

impl Rare<TargetSet> {
    /// The current target's further servers to fail over to.
    pub fn fail_over_to(&mut self, peers: Vec<Peer>) {
        match self.existing() {
            Some(t) => t.alternates = ThinVec::from(peers),
            None if peers.is_empty() => {}
            None => self.make().alternates = ThinVec::from(peers),
        }
    }
}

impl TargetSet {
    /// Whether the call waits for its next target's name to be looked up.
    pub fn is_resolving(&self) -> bool {
        self.resolving.is_some()
    }
}

impl Call {
    /// Sends the INVITE on to the best target `resp` (a 3xx) names, keeping
    /// the rest ahead of older targets; false when it names none we can
    /// reach, or the call has used up its redirects.
    pub(super) fn follow_redirect(&mut self, ctx: &mut CallContext, now: Instant, resp: &IncomingResponse) -> bool {
        if self.cancel_requested || self.targets.followed >= ctx.cfg.max_redirects {
            return false;
        }
        let found = super::redirect::contacts(resp, self.peer, ctx.cfg.tls_local.is_some());
        if found.is_empty() {
            return false;
        }
        let targets = self.targets.make();
        targets.followed += 1;
        for (i, target) in found.into_iter().enumerate() {
            targets.pending.insert(i, target);
        }
        ctx.stats.redirects_followed += 1;
        self.try_next_target(ctx, now)
    }

    /// RFC 3263 §4.3: the current server did not answer or could not be
    /// reached (`failed`: remembered so), or said 503: the target's next
    /// server, else the next target; false when none is left.
    pub(super) fn fail_over(&mut self, ctx: &mut CallContext, now: Instant, failed: bool) -> bool {
        if failed {
            ctx.locator.mark_failed(now, self.peer);
        }
        let peers = self
            .targets
            .existing()
            .map(|t| Vec::from(std::mem::take(&mut t.alternates)));
        let peers = peers.unwrap_or_default();
        let uri = match &self.invite {
            // The same target again, its Request-URI as it was sent.
            Invite::Sent { req, .. } => req.uri().to_owned(),
            Invite::Received { .. } | Invite::Adopted | Invite::Acked { .. } | Invite::Answered { .. } => {
                return false;
            }
        };
        (!self.cancel_requested && !peers.is_empty() && self.send_to(ctx, now, &uri, peers))
            || self.try_next_target(ctx, now)
    }

    /// Sends the INVITE to the next target of the target set, or starts
    /// looking its name up; false when none is left (or the call is being
    /// cancelled).
    pub(super) fn try_next_target(&mut self, ctx: &mut CallContext, now: Instant) -> bool {
        let Some(targets) = self.targets.existing() else {
            return false;
        };
        targets.alternates.clear();
        while !self.cancel_requested
            && let Some(targets) = self.targets.existing().filter(|t| !t.pending.is_empty())
        {
            let (uri, text) = targets.pending.remove(0);
            let peers = match ctx.locate(now, &text, self.peer.transport, Waiter::Call(self.id)) {
                Ok(Some(peers)) => peers,
                Ok(None) => {
                    self.targets.make().resolving = Some(Box::new(uri));
                    return true;
                }
                Err(_) => continue,
            };
            if self.send_to(ctx, now, &uri_text(&uri), peers) {
                return true;
            }
        }
        false
    }

    /// The servers of the target whose name was being looked up: the
    /// INVITE goes to the first, else to the next target; when none is
    /// left the call fails (503, or 408 when DNS did not answer in time).
    pub fn handle_located(&mut self, ctx: &mut CallContext, now: Instant, found: Result<Vec<Peer>, LocateError>) {
        let Some(uri) = self.targets.existing().and_then(|t| t.resolving.take()) else {
            return;
        };
        let status = match found {
            Ok(peers) => match self.send_to(ctx, now, &uri_text(&uri), peers) {
                true => return,
                false => crate::status::StatusCode::SERVICE_UNAVAILABLE,
            },
            Err(e) => {
                tracing::warn!(call = %self.id, "redirect target skipped: {e}");
                e.status()
            }
        };
        if !self.try_next_target(ctx, now) {
            self.end(SessionEvent::Failed(self.id, status));
        }
    }

    /// Sends the INVITE to `uri` at the first of `peers` our offer may go
    /// to, the rest kept to fail over to; false when there is none.
    fn send_to(&mut self, ctx: &mut CallContext, now: Instant, uri: &str, mut peers: Vec<Peer>) -> bool {
        let Invite::Sent { req: invite, tx: old } = &self.invite else {
            return false;
        };
        let (invite, old) = (invite.clone(), *old);
        // Our offer's SDES keys never go where they may not.
        peers.retain(|p| self.offer_may_go(p.transport));
        if peers.is_empty() {
            tracing::warn!(call = %self.id, %uri, "target skipped: our offer's SRTP keys would go in clear");
            return false;
        }
        let peer = peers.remove(0);
        let via = ctx.via(peer);
        let contact = ctx.contact(peer);
        // A target whose request cannot be built is skipped.
        let Some(req) = super::reissue::reissued(&invite, Some(uri), &via, &contact, &[], &[]) else {
            return false;
        };
        if let Some(auth) = self.client_auth.existing() {
            auth.new_target();
        }
        self.reissue(ctx, now, old, peer, req);
        self.targets.fail_over_to(peers);
        true
    }
}

/// A target's URI as a Request-URI.
fn uri_text(uri: &rsip::Uri) -> String {
    let mut text = String::with_capacity(64);
    sip::push_uri(&mut text, uri);
    text
}
