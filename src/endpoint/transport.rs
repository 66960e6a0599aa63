//! What the transport reports beside messages (a peer it could not
//! reach), and which shard a message goes to.

use super::Endpoint;
use crate::ids::Peer;
use std::time::Instant;

impl Endpoint {
    /// A connection to `peer` could not be made (refused, or its TLS
    /// handshake failed): the requests waiting on it fail now rather than
    /// at Timer B or F, so a call fails over (or its caller hears) at once.
    pub fn handle_unreachable(&mut self, now: Instant, peer: Peer) {
        self.ua.handle_unreachable(now, peer);
        self.settle(now);
    }

    /// The signalling shard (of `shards`) that owns the message in
    /// `bytes`: calls are split between shards by Call-ID.
    pub fn shard_of(bytes: &[u8], shards: usize) -> usize {
        crate::sip::shard_of_message(bytes, shards)
    }
}
