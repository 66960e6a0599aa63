//! The order one request tries a target's servers in: groups as DNS gave
//! them (NAPTR order), within a group SRV priority (lowest first) and,
//! among equal priorities, RFC 2782's weighted draw, so that requests
//! spread over the servers in proportion to their weights; each server's
//! addresses in turn. Peers that failed lately go last (RFC 3263 §4.3
//! leaves their memory to the client), keeping their order.

use super::{LocateError, Query, ServerSet};
use crate::ids::{Peer, TransportKind};
use rand::Rng;
use rand::rngs::SmallRng;
use rustc_hash::FxHashMap;
use std::time::Instant;

/// Peers tried for one request at most.
pub const MAX_PEERS: usize = 16;

/// The peers of `set` in the order one request tries them, only those
/// `usable` accepts, each once, those `failed` names last.
pub fn order(
    set: &ServerSet,
    rng: &mut impl Rng,
    usable: impl Fn(&Peer) -> bool,
    failed: impl Fn(&Peer) -> bool,
) -> Vec<Peer> {
    let mut peers: Vec<Peer> = Vec::new();
    for group in &set.groups {
        let mut left: Vec<usize> = (0..group.len()).collect();
        // Stable: equal priorities keep DNS's order before the draw.
        left.sort_by_key(|&i| group[i].priority);
        while !left.is_empty() {
            let priority = group[left[0]].priority;
            let same = left.iter().take_while(|&&i| group[i].priority == priority).count();
            let mut class: Vec<usize> = left.drain(..same).collect();
            while !class.is_empty() {
                let server = &group[class.remove(draw(&class, |i| group[i].weight, rng))];
                for &addr in &server.addrs {
                    let peer = Peer {
                        transport: server.transport,
                        addr,
                    };
                    if usable(&peer) && !peers.contains(&peer) {
                        peers.push(peer);
                    }
                }
            }
        }
    }
    // Stable: the failed keep their order among themselves.
    peers.sort_by_key(|p| failed(p));
    peers.truncate(MAX_PEERS);
    peers
}

/// `set` in the order one request tries it: only the peers we can use
/// (TLS when it is on, our address family), those failed until after
/// `now` last.
pub(super) fn usable_order(
    set: &ServerSet,
    rng: &mut SmallRng,
    failed: &FxHashMap<Peer, Instant>,
    (tls, families): (bool, super::Families),
    now: Instant,
    query: &Query,
) -> super::locator::Located {
    let usable = |p: &Peer| (tls || p.transport != TransportKind::Tls) && families.reach(p.addr.ip());
    let failed = |p: &Peer| failed.get(p).is_some_and(|until| *until > now);
    let peers = order(set, rng, usable, failed);
    if peers.is_empty() {
        return Err(LocateError::Unusable(query.host.clone()));
    }
    Ok(peers)
}

/// RFC 2782's selection: the zero weights first, a running sum of the
/// weights, the first whose sum reaches a number drawn from 0..=total.
/// The position in `class` of the one chosen.
fn draw(class: &[usize], weight: impl Fn(usize) -> u16, rng: &mut impl Rng) -> usize {
    let total: u32 = class.iter().map(|&i| u32::from(weight(i))).sum();
    if total == 0 {
        return 0;
    }
    let pick = rng.gen_range(0..=total);
    let zeros = class.iter().enumerate().filter(|&(_, &i)| weight(i) == 0);
    let weighted = class.iter().enumerate().filter(|&(_, &i)| weight(i) != 0);
    let mut sum = 0;
    for (pos, &i) in zeros.chain(weighted) {
        sum += u32::from(weight(i));
        if sum >= pick {
            return pos;
        }
    }
    class.len() - 1
}

#[cfg(test)]
mod tests;
