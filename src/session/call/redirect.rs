//! The Contacts a 3xx names (RFC 3261 §8.1.3.4): those we may send to,
//! best `q` first, at most [`MAX_CONTACTS`].

use crate::ids::Peer;
use crate::sip::{self, IncomingResponse};

/// Contacts taken from one 3xx at most.
const MAX_CONTACTS: usize = 8;

/// The Contacts of a 3xx we may send to (an address, or a host name to
/// look up when its turn comes; TLS only when `tls` is on), highest `q`
/// (1.0 when absent) first, equals in their order, at most
/// [`MAX_CONTACTS`].
pub(super) fn contacts(resp: &IncomingResponse, current: Peer, tls: bool) -> Vec<(rsip::Uri, String)> {
    use crate::locate::{Query, Target};
    let mut found: Vec<(f32, rsip::Uri, String)> = Vec::new();
    for value in resp.headers("Contact").flat_map(sip::split_list) {
        let q = sip::header_param(value, "q").map_or(Some(1.0), |q| q.parse::<f32>().ok());
        let Some(q) = q.filter(|q| (0.0..=1.0).contains(q)) else {
            continue;
        };
        let uri = sip::uri_of(value);
        let secure = match Query::of(uri, current.transport) {
            Some(Target::Peer(peer)) => peer.transport == crate::ids::TransportKind::Tls,
            Some(Target::Name(q)) => q.transport == Some(crate::ids::TransportKind::Tls),
            None => continue,
        };
        let (Ok(parsed), true) = (sip::parse_uri(uri), tls || !secure) else {
            continue;
        };
        found.push((q, parsed, uri.to_owned()));
        if found.len() == MAX_CONTACTS {
            break;
        }
    }
    // Stable: equal q keep the order the 3xx gave them.
    found.sort_by(|a, b| b.0.total_cmp(&a.0));
    found.into_iter().map(|(_, uri, text)| (uri, text)).collect()
}
