//! A worker's calls as the kernel forwards them: which directions have
//! an entry in the program's map, and how many of their packets the
//! worker has counted.

use super::super::counters::WorkerCounters;
use super::super::relay::{KernelPlan, Relay};
use crate::media::Side;
use crate::media::kernel::{ForwardEntry, ForwardMap};
use crate::media::rtp::header;
use std::collections::HashMap;
use std::net::{SocketAddr, SocketAddrV4};
use std::sync::atomic::Ordering::Relaxed;

/// One direction forwarded in the kernel: from `peer` to our `local`.
#[derive(Debug, Clone, Copy)]
struct Forwarded {
    local: SocketAddrV4,
    peer: SocketAddrV4,
    /// The source's SSRC the entry's offsets are for.
    in_ssrc: u32,
    /// Its packets already in the worker's counters.
    seen: u64,
}

/// The worker's handle on the forwarding map, and its calls' entries
/// (indexed by the side the packets come from).
pub struct KernelOffload {
    map: ForwardMap,
    calls: HashMap<u64, [Option<Forwarded>; 2]>,
}

/// Counts `n` packets the kernel forwarded as received and sent.
fn count(counters: &WorkerCounters, n: u64) {
    if n > 0 {
        counters.packets_in.fetch_add(n, Relaxed);
        counters.packets_out.fetch_add(n, Relaxed);
    }
}

impl KernelOffload {
    /// Over the program's map.
    pub fn new(map: ForwardMap) -> Self {
        KernelOffload {
            map,
            calls: HashMap::new(),
        }
    }

    /// Has the kernel forward what reaches our `local` socket on leg
    /// `side` of `call` as `plan` says, from our `from` socket of the
    /// other leg. IPv4 and bound addresses only, not loopback (the
    /// program is not attached there); false when not installed (the
    /// worker relays it).
    pub fn install(&mut self, call: u64, side: Side, local: SocketAddr, from: SocketAddr, plan: KernelPlan) -> bool {
        let (SocketAddr::V4(local), SocketAddr::V4(peer), SocketAddr::V4(from), SocketAddr::V4(to)) =
            (local, plan.peer, from, plan.dest)
        else {
            return false;
        };
        if [local, from]
            .iter()
            .any(|a| a.ip().is_unspecified() || a.ip().is_loopback())
        {
            return false;
        }
        let in_ssrc = plan.rewrite.in_ssrc;
        let entry = ForwardEntry::new(from, to, Some(plan.rewrite));
        if let Err(e) = self.map.install(local, peer, entry) {
            tracing::debug!("call {call}: kernel forwarding not installed: {e}");
            return false;
        }
        self.calls.entry(call).or_default()[side.index()] = Some(Forwarded {
            local,
            peer,
            in_ssrc,
            seen: 0,
        });
        true
    }

    /// Packets the kernel forwarded from leg `side` of `call` since the
    /// last look, counted in `counters`; `None`: not forwarded there.
    pub fn poll(&mut self, call: u64, side: Side, counters: &WorkerCounters) -> Option<u64> {
        let f = self.calls.get_mut(&call)?[side.index()].as_mut()?;
        let packets = match self.map.get(f.local, f.peer) {
            Ok(Some(e)) => e.packets(),
            _ => f.seen,
        };
        let new = packets.saturating_sub(f.seen);
        f.seen = packets;
        count(counters, new);
        Some(new)
    }

    /// Whether the worker must take `call` back before it handles `pkt`
    /// from `src` on leg `side`: RTP that changes the stream the kernel
    /// forwards (a new SSRC from the peer of a forwarded direction, or a
    /// new source the leg would now latch to). What the kernel passed up
    /// for other reasons (an unmapped payload type, a malformed packet, no
    /// route) leaves the stream as it is: the worker handles it with the
    /// same offsets and the call stays in the kernel.
    pub fn takes_back(&self, call: u64, side: Side, src: SocketAddr, pkt: &[u8], relay: &Relay, now_us: u64) -> bool {
        let Some(dirs) = self.calls.get(&call) else {
            return false;
        };
        if pkt.len() < 12 || header::is_rtcp(pkt) {
            return false;
        }
        let new_ssrc = |f: &Forwarded| SocketAddr::V4(f.peer) == src && header::ssrc(pkt) != f.in_ssrc;
        dirs[side.index()].as_ref().is_some_and(new_ssrc) || relay.would_relatch(side, src, now_us)
    }

    /// Takes `call`'s directions back: their entries removed, each stream
    /// going on after what the kernel sent (a packet forwarded between
    /// the last read and the removal is missed in the numbering kept,
    /// which only matters at the next change of source).
    pub fn reclaim(&mut self, call: u64, relay: &mut Relay, now_us: u64, counters: &WorkerCounters) {
        let Some(dirs) = self.calls.remove(&call) else {
            return;
        };
        for (f, side) in dirs.iter().zip([Side::A, Side::B]) {
            let Some(f) = f else { continue };
            match self.map.remove(f.local, f.peer) {
                Ok(Some(e)) => {
                    relay.resume_from_kernel(side, e.packets(), e.bytes(), e.last_sent(), now_us);
                    count(counters, e.packets().saturating_sub(f.seen));
                }
                Ok(None) => {}
                Err(e) => tracing::debug!("call {call}: kernel forwarding not removed: {e}"),
            }
        }
    }
}
