//! The name a TLS server's certificate must show (RFC 5922 §4): the host
//! of the SIP URI DNS located it for (the URI's domain, not an SRV
//! target's host), as a DNS name. An IP-literal URI's server is not
//! here: its address is checked. Kept per address (`Peer` is what a
//! request carries to the transport): every request to a TLS address,
//! a dialog's to its Contact's IP as well, expects the one name it was
//! located for, so a connection checked for one name never carries a
//! request that expects another. One name per address: a second name
//! whose servers include an address already bound to another is not
//! sent there (it is left out of that name's list; 503 when nothing is
//! left). Bindings last the process's life; past [`MAX_NAMES`] new
//! ones are refused the same way (failing closed, never unchecked).

use super::LocateError;
use super::locator::Located;
use crate::ids::{Peer, TransportKind};
use rustc_hash::FxHashMap;
use std::sync::Arc;

/// Addresses bound to a name at most.
pub const MAX_NAMES: usize = 4096;

/// TLS addresses and the name each one's certificate must show.
#[derive(Debug, Default)]
pub struct TlsNames {
    by_peer: FxHashMap<Peer, Arc<str>>,
}

impl TlsNames {
    /// `peers` DNS located for `host`, each TLS one bound to `host`;
    /// those bound to another name (or past the cap) left out.
    pub fn bind(&mut self, host: &str, peers: Vec<Peer>) -> Located {
        let mut kept = Vec::with_capacity(peers.len());
        for peer in peers {
            if peer.transport != TransportKind::Tls {
                kept.push(peer);
                continue;
            }
            match self.by_peer.get(&peer) {
                Some(name) if **name == *host => kept.push(peer),
                Some(name) => tracing::warn!(%peer, host, bound = %name, "TLS address bound to another name: not used"),
                None if self.by_peer.len() >= MAX_NAMES => tracing::warn!(%peer, host, "too many TLS names: not used"),
                None => {
                    self.by_peer.insert(peer, Arc::from(host));
                    kept.push(peer);
                }
            }
        }
        if kept.is_empty() {
            return Err(LocateError::Unusable(host.to_owned()));
        }
        Ok(kept)
    }

    /// The name `peer`'s certificate must show; `None`: its address.
    pub fn name(&self, peer: &Peer) -> Option<Arc<str>> {
        self.by_peer.get(peer).cloned()
    }
}

impl super::Locator {
    /// The name TLS peer `peer`'s certificate must show, when DNS located
    /// it for a name; `None`: its address (an IP-literal URI).
    pub fn tls_name(&self, peer: &Peer) -> Option<Arc<str>> {
        self.names.name(peer)
    }
}

#[cfg(test)]
mod tests;
