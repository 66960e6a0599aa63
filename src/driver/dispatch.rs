//! Call-ID affinity between signalling shards: a message the endpoint
//! says belongs to another shard is handed to it through that shard's
//! bounded queue (overflow counted); TCP connection news reach every
//! shard, since any of them may answer on any connection.

use super::Driver;
use crate::endpoint::Endpoint;
use crate::ids::Peer;
use crate::transport::Inbound;
use bytes::Bytes;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

impl Driver {
    /// The shard that owns `bytes`, when it is not this one.
    fn owner(&self, bytes: &[u8]) -> Option<usize> {
        let n = self.shard.peers.len();
        if n <= 1 {
            return None;
        }
        let k = Endpoint::shard_of(bytes, n);
        (k != self.shard.index).then_some(k)
    }

    fn forward(&self, k: usize, msg: Inbound) {
        if matches!(msg, Inbound::Message(..)) {
            self.stats.handed_over.fetch_add(1, Relaxed);
        }
        if self.shard.peers[k].try_send(msg).is_err() {
            self.stats.shard_overflow.fetch_add(1, Relaxed);
        }
    }

    /// Hands `msg()` to every other shard.
    fn tell_others(&self, msg: impl Fn() -> Inbound) {
        for k in (0..self.shard.peers.len()).filter(|&k| k != self.shard.index) {
            self.forward(k, msg());
        }
    }

    /// A UDP datagram from our socket.
    pub(super) fn on_datagram(&mut self, now: Instant, bytes: &[u8], peer: Peer) {
        tracing::trace!(%peer, "recv\n{}", crate::sip::for_log(bytes));
        match self.owner(bytes) {
            None => self.endpoint.handle_datagram(now, peer, bytes),
            Some(k) => self.forward(k, Inbound::Message(Bytes::copy_from_slice(bytes), peer)),
        }
    }

    /// News from the TCP tasks (only the first shard hears them).
    pub(super) fn on_inbound(&mut self, msg: Inbound) {
        match msg {
            Inbound::Message(bytes, peer) => match self.owner(&bytes) {
                None => {
                    tracing::trace!(%peer, "recv\n{}", crate::sip::for_log(&bytes));
                    self.endpoint.handle_datagram(Instant::now(), peer, &bytes)
                }
                Some(k) => self.forward(k, Inbound::Message(bytes, peer)),
            },
            Inbound::Connected(addr, tx) => {
                self.tell_others(|| Inbound::Connected(addr, tx.clone()));
                self.io.tcp.insert(addr, tx);
            }
            Inbound::Closed(addr) => {
                self.tell_others(|| Inbound::Closed(addr));
                self.io.tcp.remove(addr);
            }
            Inbound::Unreachable(peer) => {
                self.tell_others(|| Inbound::Unreachable(peer));
                self.io.tcp.remove(peer);
                self.endpoint.handle_unreachable(Instant::now(), peer);
            }
        }
    }

    /// What another shard handed over: ours by Call-ID, or TCP news.
    pub(super) fn on_forwarded(&mut self, msg: Inbound) {
        match msg {
            Inbound::Message(bytes, peer) => {
                tracing::trace!(%peer, "recv (from another shard)\n{}", crate::sip::for_log(&bytes));
                self.endpoint.handle_datagram(Instant::now(), peer, &bytes)
            }
            Inbound::Connected(addr, tx) => self.io.tcp.adopt(addr, tx),
            Inbound::Closed(addr) => self.io.tcp.remove(addr),
            Inbound::Unreachable(peer) => {
                self.io.tcp.remove(peer);
                self.endpoint.handle_unreachable(Instant::now(), peer);
            }
        }
    }
}
