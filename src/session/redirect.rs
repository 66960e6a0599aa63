//! Following a redirect (RFC 3261 §8.1.3.4): a 3xx to our INVITE sends the
//! same offer, Call-ID, From and To to the best Contact it names, with the
//! next CSeq and a new branch, as one more transaction of the same call.
//! Only Contacts we can reach without DNS are candidates, and only
//! `max_redirects` hops per call; anything else ends the call with the
//! 3xx, as before.

use super::{CallState, UserAgent};
use crate::ids::{CallId, Peer};
use crate::sip::{self, Header, Incoming, Request};
use rsip::headers::UntypedHeader;
use std::sync::Arc;
use std::time::Instant;

impl UserAgent {
    /// Sends call `id`'s INVITE on to the target `resp` (a 3xx) names;
    /// false when it does not, or the call has used up its hops.
    pub(super) fn follow_redirect(&mut self, now: Instant, id: CallId, resp: &Incoming) -> bool {
        let Some(call) = self.calls.get(&id) else {
            return false;
        };
        if call.cancel_requested || call.redirects >= self.cfg.max_redirects {
            return false;
        }
        let Some(invite) = call.request.clone() else {
            return false;
        };
        let Some((uri, peer)) = best_contact(resp, call.peer) else {
            return false;
        };
        let via = self.via(peer.transport);
        let contact = self.contact(peer.transport);
        let Some(req) = redirected(&invite, uri, &via, &contact) else {
            return false;
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
        call.redirects += 1;
        call.state = CallState::Calling;
        call.remote_sdp = None;
        self.stats.redirects_followed += 1;
        true
    }
}

/// The Contact of a 3xx to try: the highest `q` (1.0 when absent) among
/// those with a SIP URI we can reach, the first of equals.
fn best_contact(resp: &Incoming, current: Peer) -> Option<(rsip::Uri, Peer)> {
    let mut best: Option<(f32, rsip::Uri, Peer)> = None;
    for value in sip::headers(&resp.msg, "Contact").flat_map(sip::split_list) {
        let q = sip::header_param(value, "q").map_or(Some(1.0), |q| q.parse::<f32>().ok());
        let Some(q) = q.filter(|q| (0.0..=1.0).contains(q)) else {
            continue;
        };
        let uri = sip::uri_of(value);
        let (Some(peer), Ok(parsed)) = (sip::uri_peer(uri, current.transport), sip::parse_uri(uri)) else {
            continue;
        };
        if best.as_ref().is_none_or(|(b, ..)| q > *b) {
            best = Some((q, parsed, peer));
        }
    }
    best.map(|(_, uri, peer)| (uri, peer))
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
