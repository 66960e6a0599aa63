//! Calls taken over from a node that died (issue #19), in simulated
//! time: caller (node 0) -> gateway g1 (node 1) -> callee (node 2), and a
//! second gateway g2 (node 3). g1's snapshot of the answered bridge is
//! what Redis would hold; g1 then goes silent and g2 adopts the call: it
//! re-INVITEs both peers with its own Contact and media address, relays
//! the BYE that follows, and its call record names both nodes.

mod sim;

use rvoip::media::MediaCommand;
use rvoip::test_exports::ids::CallId;
use rvoip::test_exports::session::{CallSnapshot, Command, EndReason, ReplicaOp, SessionEvent, UaConfig};
use sim::raw::header;
use sim::{CALLEE, CALLER, GW, Net, addr, forward_to, ua_config, wait_for};
use std::time::Duration;

const SECOND: Duration = Duration::from_secs(1);
const G2: usize = 3;

/// A gateway node named `node` at addr(`n`).
fn node_config(n: u16, node: &str, seed: u64) -> UaConfig {
    UaConfig {
        node: Some(node.into()),
        ..ua_config(addr(n), seed)
    }
}

/// Caller -> g1 -> callee, answered, and g2 standing by: (net, caller's
/// id, callee's id).
fn answered(seed: u64) -> (Net, CallId, CallId) {
    let routes = forward_to(addr(2), &[]);
    let mut net = Net::bridge(seed, routes.clone());
    net.replace(GW, node_config(1, "g1", seed + 1), Some(routes.clone()));
    net.add(node_config(3, "g2", seed + 3), Some(routes));
    let a = CallId(1 << 40 | 1);
    let b = net.call_through_gateway(a);
    // The caller's ACK reaches g1.
    net.run_for(SECOND);
    (net, a, b)
}

/// Node `i`'s replica changes so far.
fn replica(net: &mut Net, i: usize) -> Vec<ReplicaOp> {
    std::iter::from_fn(|| net.ep(i).poll_replica()).collect()
}

/// g1's latest snapshot of the call, as Redis would hold it (JSON); then
/// g1 is cut off (it died).
fn kill_g1(net: &mut Net) -> CallSnapshot {
    kill_g1_keyed(net).1
}

/// [`kill_g1`], with the snapshot's key.
fn kill_g1_keyed(net: &mut Net) -> (u64, CallSnapshot) {
    let ops = replica(net, GW);
    let (key, snap) = ops
        .into_iter()
        .filter_map(|op| match op {
            ReplicaOp::Put(k, _, s) => Some((k, *s)),
            ReplicaOp::Delete(_) => None,
        })
        .next_back()
        .expect("g1 wrote a snapshot of the answered call");
    let json = serde_json::to_string(&snap).expect("a snapshot is JSON");
    let snap: CallSnapshot = serde_json::from_str(&json).expect("and back");
    let g1 = addr(1);
    net.drop_if = Some(Box::new(move |s| s.from == g1 || s.to == g1));
    (key, snap)
}

#[test]
fn a_bridge_is_snapshotted_with_both_dialogs_and_dropped_when_it_ends() {
    let (mut net, a, _) = answered(11);
    let ops = replica(&mut net, GW);
    let Some(ReplicaOp::Put(key, _, snap)) = ops.last() else {
        panic!("a snapshot once answered: {ops:?}");
    };
    assert_eq!(snap.nodes, ["g1"]);
    let [inb, out] = &snap.legs;
    assert!(inb.uas && !out.uas, "the incoming leg first");
    // The dialogs as the peers know them: the INVITEs' Call-IDs and tags.
    let invite_to_callee = net
        .sent(addr(1), "INVITE")
        .into_iter()
        .next()
        .expect("an INVITE")
        .text
        .clone();
    assert_eq!(out.call_id, header(&invite_to_callee, "Call-ID"));
    let invite_from_caller = net
        .sent(addr(0), "INVITE")
        .into_iter()
        .next()
        .expect("an INVITE")
        .text
        .clone();
    assert_eq!(inb.call_id, header(&invite_from_caller, "Call-ID"));
    assert!(inb.remote_sdp.contains("m=audio") && inb.local_sdp.contains("m=audio"));
    assert!(inb.answer_ms.is_some() && out.answer_ms.is_some());
    let key = *key;
    net.command(CALLER, Command::End(a));
    net.run_for(SECOND);
    assert!(
        replica(&mut net, GW).contains(&ReplicaOp::Delete(key)),
        "the snapshot is dropped at hangup"
    );
}

#[test]
fn a_node_taking_over_reinvites_both_legs_and_relays_the_bye() {
    let (mut net, a, b) = answered(12);
    let snap = kill_g1(&mut net);
    let snap_legs = snap.legs.clone();
    net.command(G2, Command::Adopt(Box::new(snap)));
    // Both peers take g2's re-INVITE: its Contact, its media address.
    let reinvites: Vec<String> = net.sent(addr(3), "INVITE").iter().map(|s| s.text.clone()).collect();
    assert_eq!(reinvites.len(), 2, "{reinvites:?}");
    for r in &reinvites {
        assert!(header(r, "Contact").contains(&addr(3).to_string()), "{r}");
        assert!(r.contains(&format!("c=IN IP4 {}", addr(3).ip())), "{r}");
        // The dialog as g1 left it: same Call-ID and tags, a CSeq past
        // any g1 used, the SDP's session id kept and its version next.
        let call_id = header(r, "Call-ID");
        let leg = snap_legs
            .iter()
            .find(|l| l.call_id == call_id)
            .expect("a leg of the snapshot");
        assert!(header(r, "From").contains(&leg.local_tag) && header(r, "To").contains(&leg.remote_tag));
        let cseq: u32 = header(r, "CSeq")
            .split(' ')
            .next()
            .and_then(|n| n.parse().ok())
            .expect("a CSeq");
        assert!(cseq > leg.local_seq + 1, "{cseq} after {}", leg.local_seq);
        let origin = |sdp: &str| {
            sdp.lines()
                .find(|l| l.starts_with("o="))
                .map(|l| l.split(' ').map(str::to_owned).collect::<Vec<_>>())
        };
        let (old, new) = (origin(&leg.local_sdp).expect("o="), origin(r).expect("o="));
        assert_eq!(old[1], new[1], "session id kept");
        assert_eq!(
            old[2].parse::<u64>().unwrap() + 1,
            new[2].parse::<u64>().unwrap(),
            "version next"
        );
    }
    let taken = |e: &SessionEvent| matches!(e, SessionEvent::TakenOver(_));
    net.wait_event(G2, SECOND, taken);
    net.wait_event(G2, SECOND, taken);
    assert_eq!(net.gateway_stats(G2).taken_over, 1);
    // g2's media call: both legs on g2's ports, towards the peers as before.
    let bridge = net.media_commands(G2).find_map(|c| match c {
        MediaCommand::AddCall { a, b, .. } => Some((*a, b.expect("two legs"))),
        _ => None,
    });
    assert!(bridge.is_some(), "g2 runs the media");
    // The caller hangs up: its BYE goes to g2 (the re-INVITE's Contact),
    // which hangs up the callee.
    net.command(CALLER, Command::End(a));
    wait_for!(net, CALLEE, SECOND, SessionEvent::Ended(i, EndReason::RemoteBye) if *i == b);
    assert!(net.sent(addr(3), "BYE").iter().any(|s| s.to == addr(2)));
    let record = net.wait_event(G2, 5 * SECOND, |e| matches!(e, SessionEvent::Record(_)));
    let SessionEvent::Record(r) = record else {
        unreachable!()
    };
    assert_eq!(r.nodes, ["g1", "g2"]);
    assert_eq!(r.legs.len(), 2);
    assert!(r.legs.iter().all(|l| l.answer_ms.is_some()));
}

#[test]
fn a_claimed_call_whose_reinvite_fails_is_ended_on_both_legs() {
    let (mut net, a, _) = answered(13);
    let snap = kill_g1(&mut net);
    // The callee is unreachable too: g2's re-INVITE to it times out.
    let (g1, callee) = (addr(1), addr(2));
    net.drop_if = Some(Box::new(move |s| s.from == g1 || s.to == g1 || s.to == callee));
    net.command(G2, Command::Adopt(Box::new(snap)));
    // The caller's leg is taken over, then hung up once the callee's fails.
    wait_for!(net, CALLER, 60 * SECOND, SessionEvent::Ended(i, EndReason::RemoteBye) if *i == a);
    assert!(net.sent(addr(3), "BYE").iter().any(|s| s.to == addr(0)));
    assert_eq!(net.load(G2).0, 0, "g2 keeps no call");
}

#[test]
fn a_snapshot_of_a_dialog_the_node_has_is_not_taken_twice() {
    let (mut net, _, _) = answered(14);
    let snap = kill_g1(&mut net);
    net.command(G2, Command::Adopt(Box::new(snap.clone())));
    net.command(G2, Command::Adopt(Box::new(snap)));
    assert_eq!(net.sent(addr(3), "INVITE").len(), 2, "one re-INVITE per leg, once");
    assert_eq!(net.load(G2).0, 2);
}

#[test]
fn a_node_whose_calls_were_taken_while_it_lapsed_drops_them_without_a_word() {
    let (mut net, a, b) = answered(15);
    let (key, snap) = kill_g1_keyed(&mut net);
    net.command(G2, Command::Adopt(Box::new(snap)));
    let taken = |e: &SessionEvent| matches!(e, SessionEvent::TakenOver(_));
    net.wait_event(G2, SECOND, taken);
    net.wait_event(G2, SECOND, taken);
    // g1 was alive all along (its heartbeat had only lapsed): Redis tells
    // it which of its calls were claimed.
    net.drop_if = None;
    let sent_before = net.log.iter().filter(|s| s.from == addr(1)).count();
    net.command(GW, Command::Disown(key));
    let record = net.wait_event(GW, SECOND, |e| matches!(e, SessionEvent::Record(_)));
    let SessionEvent::Record(r) = record else {
        unreachable!()
    };
    assert!(r.legs.iter().all(|l| l.end == "taken_over_elsewhere"), "{:?}", r.legs);
    assert_eq!(net.load(GW).0, 0, "g1 keeps no leg");
    assert_eq!(
        net.log.iter().filter(|s| s.from == addr(1)).count(),
        sent_before,
        "g1 sent nothing"
    );
    // The call goes on through g2.
    net.command(CALLER, Command::End(a));
    wait_for!(net, CALLEE, SECOND, SessionEvent::Ended(i, EndReason::RemoteBye) if *i == b);
}
