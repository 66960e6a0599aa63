//! Following a redirect (RFC 3261 §8.1.3.4): a 3xx to our INVITE sends the
//! same offer, Call-ID, From and To to the Contacts it names, best `q`
//! first, each with the next CSeq and a new branch, as one more
//! transaction of the same call. The Contacts not yet tried are the call's
//! target set: when a target fails (a 3xx not followed, 4xx, 5xx, or no
//! answer before Timer B) the next is tried; a 6xx (global failure) or a
//! CANCEL stops. Only Contacts we can reach without DNS are candidates,
//! and only `max_redirects` 3xx are followed per call; when nothing is
//! left the call ends with the last failure, as before.

use super::{CallState, UserAgent};
use crate::ids::{CallId, Peer};
use crate::sip::{self, Header, Incoming, Request};
use rsip::headers::UntypedHeader;
use std::sync::Arc;
use std::time::Instant;

/// Contacts taken from one 3xx at most.
const MAX_CONTACTS: usize = 8;

impl UserAgent {
    /// Sends call `id`'s INVITE on to the best target `resp` (a 3xx)
    /// names, keeping the rest ahead of older targets; false when it names
    /// none we can reach, or the call has used up its redirects.
    pub(super) fn follow_redirect(&mut self, now: Instant, id: CallId, resp: &Incoming) -> bool {
        let Some(call) = self.calls.get_mut(&id) else {
            return false;
        };
        if call.cancel_requested || call.redirects >= self.cfg.max_redirects {
            return false;
        }
        let found = contacts(resp, call.peer);
        if found.is_empty() {
            return false;
        }
        call.redirects += 1;
        call.targets.splice(0..0, found);
        self.stats.redirects_followed += 1;
        self.try_next_target(now, id)
    }

    /// Sends call `id`'s INVITE to the next target of its target set;
    /// false when none is left (or the call is being cancelled).
    pub(super) fn try_next_target(&mut self, now: Instant, id: CallId) -> bool {
        loop {
            let Some(call) = self.calls.get_mut(&id) else {
                return false;
            };
            if call.cancel_requested || call.targets.is_empty() {
                return false;
            }
            let (uri, peer) = call.targets.remove(0);
            let Some(invite) = call.request.clone() else {
                return false;
            };
            let via = self.via(peer.transport);
            let contact = self.contact(peer.transport);
            // A target whose request cannot be built is skipped.
            let Some(req) = redirected(&invite, uri, &via, &contact) else {
                continue;
            };
            let req = Arc::new(req);
            let tx = self.txs.send_invite(now, peer, req.clone());
            let call = self.calls.get_mut(&id).expect("invariant: looked up above");
            if let Some(old) = call.invite_tx.replace(tx) {
                self.tx_calls.remove(&old);
            }
            self.tx_calls.insert(tx, id);
            call.request = Some(req);
            call.peer = peer;
            call.state = CallState::Calling;
            call.remote_sdp = None;
            return true;
        }
    }
}

/// The Contacts of a 3xx we can reach, highest `q` (1.0 when absent)
/// first, equals in their order, at most [`MAX_CONTACTS`].
fn contacts(resp: &Incoming, current: Peer) -> Vec<(rsip::Uri, Peer)> {
    let mut found: Vec<(f32, rsip::Uri, Peer)> = Vec::new();
    for value in sip::headers(&resp.msg, "Contact").flat_map(sip::split_list) {
        let q = sip::header_param(value, "q").map_or(Some(1.0), |q| q.parse::<f32>().ok());
        let Some(q) = q.filter(|q| (0.0..=1.0).contains(q)) else {
            continue;
        };
        let uri = sip::uri_of(value);
        let (Some(peer), Ok(parsed)) = (sip::uri_peer(uri, current.transport), sip::parse_uri(uri)) else {
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

/// `invite` re-addressed to `uri`: a new top Via, the next CSeq, our
/// Contact for the new transport; the rest (offer included) unchanged.
fn redirected(invite: &Request, uri: rsip::Uri, via: &str, contact: &str) -> Option<Request> {
    let cseq = sip::header_in(&invite.headers, "CSeq")?
        .split_whitespace()
        .next()?
        .parse::<u32>()
        .ok()?
        .checked_add(1)?;
    let mut req = invite.clone();
    req.uri = uri;
    for h in req.headers.iter_mut() {
        match h {
            Header::Via(v) => v.replace(via),
            Header::CSeq(v) => {
                let mut value = String::with_capacity(16);
                sip::push_u64(&mut value, u64::from(cseq));
                value.push_str(" INVITE");
                v.replace(value);
            }
            Header::Contact(v) => v.replace(contact),
            _ => {}
        }
    }
    Some(req)
}
