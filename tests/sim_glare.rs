//! re-INVITE races in simulated time (default timers, T1 = 500 ms): glare
//! — both ends re-INVITE at once, each answers 491 and retries after the
//! back-off of RFC 3261 §14.1 — between two UAs and across a gateway;
//! and, each in a minimal form, three re-INVITE races that
//! `sim_gateway.rs`'s lossy bridge found in the session layer (fixed).

mod sim;

use rvoip::test_exports::ids::{CallId, TransportKind};
use rvoip::test_exports::session::{Command, EndReason, MediaMode, SessionEvent};
use sim::raw::{self, header};
use sim::{CALLEE, CALLER, Net, addr, forward_to, wait_for};
use std::net::SocketAddr;
use std::time::Duration;

const SECOND: Duration = Duration::from_secs(1);

/// A connected call from node `from` to `to_addr` (a UA or the gateway
/// bridging to `callee`), answered at `callee`: (caller's id, callee's id).
fn connect(net: &mut Net, from: usize, to_addr: SocketAddr, callee: usize) -> (CallId, CallId) {
    let a = CallId(1 << 40 | 1);
    net.command(from, Command::Call(a, format!("sip:bob@{to_addr}"), TransportKind::Udp));
    let b = net.wait_incoming(callee, SECOND);
    net.command(callee, Command::Accept(b, MediaMode::None));
    wait_for!(net, from, SECOND, SessionEvent::Answered(i) if *i == a);
    wait_for!(net, callee, SECOND, SessionEvent::Answered(i) if *i == b);
    (a, b)
}

/// Every 491 on the wire, with the delay until its recipient re-INVITEd
/// again in that dialog and whether the recipient owns the Call-ID (sent
/// its first INVITE): (recipient, owner, delay).
fn retries_after_491(net: &Net) -> Vec<(SocketAddr, bool, Duration)> {
    let mut out = Vec::new();
    for refusal in net.log.iter().filter(|s| s.first_line().starts_with("SIP/2.0 491")) {
        let (who, call) = (refusal.to, header(&refusal.text, "Call-ID"));
        let arrived = refusal.arrival.expect("the 491 arrived");
        let owner = net
            .log
            .iter()
            .find(|s| header(&s.text, "Call-ID") == call && header(&s.text, "CSeq") == "1 INVITE")
            .is_some_and(|first| first.from == who);
        let retry = net.log.iter().find(|s| {
            s.from == who
                && s.at >= arrived
                && s.first_line().starts_with("INVITE")
                && header(&s.text, "Call-ID") == call
        });
        let retry = retry.unwrap_or_else(|| panic!("{who} never retried after its 491"));
        out.push((who, owner, retry.at - arrived));
    }
    out
}

/// The RFC 3261 §14.1 back-off: 2.1–4 s for the Call-ID's owner, 0–2 s
/// for the other end.
fn assert_backoff(retries: &[(SocketAddr, bool, Duration)]) {
    for &(who, owner, delay) in retries {
        let window = if owner {
            Duration::from_millis(2100)..=Duration::from_secs(4)
        } else {
            Duration::ZERO..=Duration::from_secs(2)
        };
        assert!(
            window.contains(&delay),
            "{who} (owner: {owner}) retried after {delay:?}"
        );
    }
}

/// Node `i` saw its own hold succeed and the peer's hold, for call `id`.
fn assert_both_held(net: &mut Net, i: usize, id: CallId) {
    let ev = net.take_events(i);
    assert!(
        ev.iter().any(|e| matches!(e, SessionEvent::Held(x) if *x == id)),
        "node {i}: {ev:?}"
    );
    assert!(
        ev.iter().any(|e| matches!(e, SessionEvent::PeerHeld(x) if *x == id)),
        "node {i}: {ev:?}"
    );
}

#[test]
fn both_ends_hold_at_once_each_gets_491_and_retries_in_its_window() {
    for seed in 1..=10 {
        let mut net = Net::new(2, seed);
        let (a, b) = connect(&mut net, 0, addr(1), 1);
        // Both hold at once: the re-INVITEs cross.
        net.command(0, Command::Hold(a));
        net.command(1, Command::Hold(b));
        net.run_for(Duration::from_millis(100));
        assert_eq!(
            net.sent(addr(0), "SIP/2.0 491").len(),
            1,
            "the caller refuses the callee's"
        );
        assert_eq!(
            net.sent(addr(1), "SIP/2.0 491").len(),
            1,
            "the callee refuses the caller's"
        );
        assert!(
            net.take_events(0).is_empty() && net.take_events(1).is_empty(),
            "neither is held yet"
        );
        // The callee (not the Call-ID's owner) retries within 2 s, the
        // caller after 2.1–4 s: both done by 4.1 s.
        net.run_for(Duration::from_secs(4));
        assert_both_held(&mut net, 0, a);
        assert_both_held(&mut net, 1, b);
        let retries = retries_after_491(&net);
        assert_eq!(retries.len(), 2, "seed {seed}: {retries:?}");
        assert_backoff(&retries);
        assert_eq!(
            net.sent(addr(0), "INVITE").len(),
            3,
            "the INVITE, the refused and the retried re-INVITE"
        );
        assert_eq!(
            net.sent(addr(1), "INVITE").len(),
            2,
            "the refused and the retried re-INVITE"
        );
        net.command(0, Command::End(a));
        net.run_for(Duration::from_secs(40));
        assert_eq!((net.load(0), net.load(1)), ((0, 0), (0, 0)), "seed {seed}");
    }
}

/// Through a gateway the holds cross on one leg: the gateway relays the
/// caller's hold to the callee at the moment the callee's own hold
/// reaches it. That leg's 491s are retried in their windows (the gateway
/// owns the callee leg's Call-ID), and in the end each UA holds and is
/// held.
#[test]
fn both_ends_hold_at_once_through_the_gateway() {
    for seed in 1..=10 {
        let mut net = Net::bridge(seed, forward_to(addr(2), &[]));
        let (a, b) = connect(&mut net, CALLER, addr(1), CALLEE);
        net.command(CALLER, Command::Hold(a));
        net.command(CALLEE, Command::Hold(b));
        net.run_for(Duration::from_secs(10));
        let retries = retries_after_491(&net);
        let mut who: Vec<_> = retries.iter().map(|&(w, owner, _)| (w, owner)).collect();
        who.sort();
        assert_eq!(
            who,
            [(addr(1), true), (addr(2), false)],
            "seed {seed}: glare on the callee's leg"
        );
        assert_backoff(&retries);
        assert_both_held(&mut net, CALLER, a);
        assert_both_held(&mut net, CALLEE, b);
        assert!(net.media_errors.is_empty(), "{:?}", net.media_errors);
        net.command(CALLEE, Command::End(b));
        wait_for!(net, CALLER, SECOND, SessionEvent::Ended(i, EndReason::RemoteBye) if *i == a);
        net.run_for(Duration::from_secs(40));
        for i in 0..3 {
            assert_eq!(net.load(i), (0, 0), "seed {seed}: node {i}");
        }
    }
}

/// A UA calling a hand-written peer at addr(5), answered: (net, call).
fn call_raw_peer(seed: u64) -> (Net, CallId) {
    let mut net = Net::new(1, seed);
    let id = CallId(7);
    net.command(0, Command::Call(id, format!("sip:bob@{}", addr(5)), TransportKind::Udp));
    let inv = net.wait_received(addr(5), "INVITE", 1, SECOND);
    let contact = format!("Contact: <sip:peer@{}>\r\n", addr(5));
    net.send(
        addr(5),
        addr(0),
        raw::reply(&inv, "200 OK", "peer", &contact, &raw::sdp(4000, 0, "PCMU/8000")),
    );
    wait_for!(net, 0, SECOND, SessionEvent::Answered(i) if *i == id);
    (net, id)
}

/// A re-INVITE that overtakes the ACK of the previous 2xx is refused by
/// our UAS with 500 and a Retry-After (§14.2); our UAC retries after it.
/// (Found by sim_gateway's lossy bridge: the hold was dropped, without
/// an event, and through a gateway the legs disagreed.)
#[test]
fn a_reinvite_refused_500_with_retry_after_is_retried() {
    let (mut net, id) = call_raw_peer(30);
    net.command(0, Command::Hold(id));
    let reinvite = net.wait_received(addr(5), "INVITE", 2, SECOND);
    assert!(reinvite.contains("a=sendonly"));
    let refusal = raw::reply(&reinvite, "500 Server Internal Error", "peer", "Retry-After: 1\r\n", "");
    net.send(addr(5), addr(0), refusal);
    let refused_at = net.elapsed();
    let retry = net.wait_received(addr(5), "INVITE", 3, Duration::from_secs(10));
    let sent = net.sent(addr(0), "INVITE")[2].at - net.start;
    assert!(sent >= refused_at + SECOND, "not before Retry-After");
    assert!(
        retry.contains("a=sendonly") && header(&retry, "CSeq") == "3 INVITE",
        "{retry}"
    );
    let contact = format!("Contact: <sip:peer@{}>\r\n", addr(5));
    net.send(
        addr(5),
        addr(0),
        raw::reply(&retry, "200 OK", "peer", &contact, &raw::sdp(4000, 0, "PCMU/8000")),
    );
    wait_for!(net, 0, SECOND, SessionEvent::Held(i) if *i == id);
}

/// §13.2.2.4: the UAC ACKs every 2xx it receives, retransmissions
/// included. For a re-INVITE only the first 2xx is ACKed: once handled,
/// its transaction is forgotten (reinvite.rs removes it from `tx_calls`),
/// and the retransmissions the transaction passes up (RFC 6026 Accepted)
/// are dropped in `on_response`. One lost ACK and the peer, resending its
/// 2xx in vain, hangs up after 64·T1 (sim_gateway's lossy bridge, seeds
/// 101, 104, 105, 108, 109, 112, 116, 118, 119).
#[test]
fn a_retransmitted_2xx_to_a_reinvite_is_acked_again() {
    let mut net = Net::new(2, 31);
    let (a, b) = connect(&mut net, 0, addr(1), 1);
    let mut lost = false;
    net.drop_if = Some(Box::new(move |s| {
        let first = !lost && header(&s.text, "CSeq") == "2 ACK";
        lost |= first;
        first
    }));
    net.command(0, Command::Hold(a));
    wait_for!(net, 0, SECOND, SessionEvent::Held(i) if *i == a);
    net.run_for(Duration::from_secs(40));
    let acks = net
        .sent(addr(0), "ACK")
        .into_iter()
        .filter(|s| header(&s.text, "CSeq") == "2 ACK")
        .count();
    assert!(acks >= 2, "the retransmitted 200 is ACKed again ({acks} ACK)");
    let ended: Vec<_> = net
        .events
        .iter()
        .filter(|(_, e)| matches!(e, SessionEvent::Ended(..)))
        .collect();
    assert!(ended.is_empty(), "the call survives one lost ACK: {ended:?}");
    let _ = b;
}

/// A re-INVITE whose 2xx is lost while the call is hung up: the peer ends
/// the call and stops resending its 2xx, and our INVITE client
/// transaction, in Proceeding after the peer's 100 (no Timer B there),
/// waits for a final response forever — a transaction leaked per such
/// call (sim_gateway's lossy bridge with the two bugs above worked
/// around: seeds 108 and 116 leave one on the gateway).
#[test]
fn a_reinvite_in_progress_when_the_call_ends_leaves_no_transaction() {
    let mut net = Net::new(2, 32);
    let (a, _b) = connect(&mut net, 0, addr(1), 1);
    net.drop_if = Some(Box::new(|s| {
        s.first_line().starts_with("SIP/2.0 200") && header(&s.text, "CSeq") == "2 INVITE"
    }));
    net.command(0, Command::Hold(a));
    // The 100 Trying has come back; the 200 was lost.
    net.run_until_true(SECOND, |net| !net.received(addr(0), "SIP/2.0 100").is_empty());
    net.command(0, Command::End(a));
    net.run_for(Duration::from_secs(100));
    assert!(
        net.take_events(1)
            .iter()
            .any(|e| matches!(e, SessionEvent::Ended(_, EndReason::RemoteBye)))
    );
    assert_eq!(net.load(1), (0, 0));
    assert_eq!(net.load(0), (0, 0), "the re-INVITE's transaction is gone with its call");
}

/// A peer that refuses every re-INVITE with `500` and `Retry-After: 0`
/// gets three retries, at least a second apart (not a tight loop), and
/// then the hold is reported failed with the peer's status; the call goes
/// on.
#[test]
fn a_hold_refused_again_and_again_is_retried_three_times_then_reported_failed() {
    let (mut net, id) = call_raw_peer(33);
    net.command(0, Command::Hold(id));
    let mut refused_at = Vec::new();
    for n in 1..=4 {
        let reinvite = net.wait_received(addr(5), "INVITE", n + 1, Duration::from_secs(5));
        refused_at.push(net.elapsed());
        let refusal = raw::reply(&reinvite, "500 Server Internal Error", "peer", "Retry-After: 0\r\n", "");
        net.send(addr(5), addr(0), refusal);
    }
    let failed = wait_for!(net, 0, SECOND, SessionEvent::HoldFailed(..));
    assert!(
        matches!(failed, SessionEvent::HoldFailed(i, s) if i == id && s.code() == 500),
        "{failed:?}"
    );
    net.run_for(Duration::from_secs(20));
    assert_eq!(
        net.received(addr(5), "INVITE").len(),
        5,
        "the INVITE and four re-INVITEs, no more"
    );
    for pair in refused_at.windows(2) {
        assert!(
            pair[1] - pair[0] >= SECOND,
            "retried no sooner than 1 s: {refused_at:?}"
        );
    }
    assert!(
        !net.take_events(0).iter().any(|e| matches!(e, SessionEvent::Ended(..))),
        "the call goes on"
    );
}
