//! The transaction slab's ids and chunks.

use super::super::{TxKey, server_non_invite::ServerNonInvite, tx::Tx};
use super::*;
use crate::ids::{Peer, TransportKind};
use crate::sip::Method;

fn slot(branch: &str) -> Box<Slot> {
    let peer = Peer {
        transport: TransportKind::Udp,
        addr: "127.0.0.1:5060".parse().unwrap(),
    };
    Box::new(Slot {
        key: TxKey::client(branch, Method::Bye),
        tx: Tx::ServerNonInvite(ServerNonInvite::new(peer)),
        armed: None,
    })
}

/// A slot emptied and filled again gives a new id: the old one finds
/// nothing; the lowest free slot is taken first; `ids` lists the live.
#[test]
fn an_ended_transactions_id_never_finds_the_slots_next_tenant() {
    let mut s = TxSlots::default();
    let put = |s: &mut TxSlots, b: &str| {
        let id = s.next_id();
        s.insert(id, slot(b));
        id
    };
    let ids: Vec<TxId> = (0..200).map(|i| put(&mut s, &format!("b{i}"))).collect();
    let gone = ids[130];
    assert_eq!(s.remove(gone).unwrap().key, TxKey::client("b130", Method::Bye));
    assert!(s.remove(gone).is_none() && s.get(gone).is_none());
    assert!(s.remove(ids[170]).is_some());
    let reused = put(&mut s, "new");
    assert_eq!(reused.0 as u32, gone.0 as u32, "the lowest free slot");
    assert!(s.get(gone).is_none() && s.get_mut(gone).is_none() && s.remove(gone).is_none());
    assert_eq!(s.get(reused).unwrap().key, TxKey::client("new", Method::Bye));
    assert_eq!(s.get(ids[131]).unwrap().key, TxKey::client("b131", Method::Bye));
    let live: Vec<TxId> = (0..200)
        .map(|i| if i == 130 { reused } else { ids[i] })
        .filter(|&id| id != ids[170])
        .collect();
    assert_eq!((s.ids(), s.len()), (live.clone(), 199));
    // Emptied from the top, the chunks go; made again, no old id finds them.
    for &id in live.iter().filter(|id| id.0 as u32 >= 64) {
        assert!(s.remove(id).is_some());
    }
    s.shrink();
    assert_eq!((s.chunks.len(), s.len()), (1, 64));
    let again: Vec<TxId> = (0..100).map(|i| put(&mut s, &format!("c{i}"))).collect();
    assert_eq!(again[0].0 as u32, 64);
    assert!(
        live.iter()
            .filter(|id| id.0 as u32 >= 64)
            .all(|&id| s.get(id).is_none())
    );
}

/// Past 64 chunks (a second word of the chunks' bitmap): the lowest free
/// slot is still found first, and a peak's chunks go back.
#[test]
fn the_lowest_free_slot_is_found_across_many_chunks() {
    let mut s = TxSlots::default();
    let put = |s: &mut TxSlots| {
        let id = s.next_id();
        s.insert(id, slot("b"));
        id
    };
    let ids: Vec<TxId> = (0..70 * CHUNK).map(|_| put(&mut s)).collect();
    for k in [68 * CHUNK + 5, 3 * CHUNK + 9, 68 * CHUNK + 1] {
        assert!(s.remove(ids[k]).is_some());
    }
    let mut later = Vec::new();
    for want in [3 * CHUNK + 9, 68 * CHUNK + 1, 68 * CHUNK + 5, 70 * CHUNK] {
        later.push(put(&mut s));
        assert_eq!(later.last().unwrap().0 as u32 as usize, want);
    }
    for &id in ids[CHUNK..].iter().chain(&later) {
        s.remove(id);
    }
    s.shrink();
    assert_eq!(
        (s.chunks.len(), s.open.len(), s.len()),
        (1, 1, CHUNK),
        "only chunk 0 is in use"
    );
    assert_eq!(put(&mut s).0 as u32 as usize, CHUNK, "a chunk made again");
}
