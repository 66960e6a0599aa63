//! Forked early dialogs (RFC 3261 §12.1.2, §13.2.2.4) in simulated time,
//! against a hand-written forking proxy at addr(5) whose callees answer
//! with their own To tags and Contacts (addr(6), addr(7), ...): each tag
//! is an early dialog of its own, reported as a fork; the fork whose 2xx
//! comes first is the call's dialog (ACK and BYE to its Contact, with its
//! tag); another's later 2xx is ACKed and hung up in its own dialog;
//! reliable provisionals are PRACKed per fork, each fork with its own RSeq
//! order and CSeq; the media follow the fork that sent SDP last, then the
//! one that answered. Through the gateway, the caller's one dialog hears
//! each new fork ring.

mod sim;

use rvoip::media::{MediaCommand, Side};
use rvoip::test_exports::ids::{CallId, TransportKind};
use rvoip::test_exports::session::{Command, EndReason, Fork, SessionEvent};
use sim::raw::{self, header};
use sim::{CALLER, GW, Net, addr, forward_to, wait_for};
use std::net::SocketAddr;
use std::time::Duration;

const MS: Duration = Duration::from_millis(1);
const SECOND: Duration = Duration::from_secs(1);

/// The forking proxy.
fn proxy() -> SocketAddr {
    addr(5)
}

/// The Contact of the callee whose To tag is `tag` (`a` at addr(6), `b`
/// at addr(7), ...).
fn callee(tag: &str) -> SocketAddr {
    addr(6 + u16::from(tag.as_bytes()[0] - b'a'))
}

/// Callee `tag`'s response `status` to `req`, with `extra` headers and
/// SDP `body`, sent through the proxy to `to`.
fn answer(net: &mut Net, to: SocketAddr, req: &str, status: &str, tag: &str, extra: &str, body: &str) {
    let contact = format!("Contact: <sip:{tag}@{}>\r\n{extra}", callee(tag));
    net.send(proxy(), to, raw::reply(req, status, tag, &contact, body));
}

/// Node 0 calls the proxy; its INVITE.
fn call(net: &mut Net, id: CallId) -> String {
    net.command(0, Command::Call(id, format!("sip:bob@{}", proxy()), TransportKind::Udp));
    net.sent(addr(0), "INVITE")[0].text.clone()
}

fn forks(ev: &[SessionEvent]) -> Vec<Fork> {
    ev.iter()
        .filter_map(|e| match e {
            SessionEvent::EarlyDialog(_, f) => Some(f.clone()),
            _ => None,
        })
        .collect()
}

#[test]
fn two_forks_ring_and_the_one_that_answers_is_the_calls_dialog() {
    let mut net = Net::new(1, 71);
    let id = CallId(7);
    let inv = call(&mut net, id);
    answer(&mut net, addr(0), &inv, "180 Ringing", "a", "", "");
    answer(&mut net, addr(0), &inv, "180 Ringing", "b", "", "");
    answer(&mut net, addr(0), &inv, "180 Ringing", "a", "", "");
    net.run_for(10 * MS);
    let ev = net.take_events(0);
    let rang = ev.iter().filter(|e| matches!(e, SessionEvent::Ringing(i) if *i == id));
    assert_eq!(rang.count(), 1, "the call rings once: {ev:?}");
    let f = forks(&ev);
    assert_eq!(f.len(), 2, "one per To tag, not per 180: {f:?}");
    assert_eq!((f[0].index, f[0].tag.as_str(), f[0].status), (1, "a", 180));
    assert_eq!((f[1].index, f[1].tag.as_str(), f[1].media), (2, "b", false));

    answer(
        &mut net,
        addr(0),
        &inv,
        "200 OK",
        "b",
        "",
        &raw::sdp(4002, 0, "PCMU/8000"),
    );
    wait_for!(net, 0, SECOND, SessionEvent::Answered(i) if *i == id);
    let acks = net.sent(addr(0), "ACK");
    assert_eq!(acks.len(), 1);
    assert_eq!(acks[0].to, callee("b"), "to the answering fork's Contact");
    assert!(header(&acks[0].text, "To").ends_with("tag=b"));
    assert!(acks[0].first_line().contains(&format!("sip:b@{}", callee("b"))));
    net.command(0, Command::End(id));
    net.run_for(10 * MS);
    let bye = net.sent(addr(0), "BYE")[0];
    assert_eq!(bye.to, callee("b"));
    assert!(header(&bye.text, "To").ends_with("tag=b"), "{}", bye.text);
    assert!(
        net.sent(addr(0), "").iter().all(|s| s.to != callee("a")),
        "fork a is left to the proxy"
    );
}

#[test]
fn reliable_provisionals_of_two_forks_are_pracked_each_in_its_own_dialog() {
    let mut net = Net::new(1, 72);
    let id = CallId(8);
    let inv = call(&mut net, id);
    let rel = |rseq: u32| format!("Require: 100rel\r\nRSeq: {rseq}\r\n");
    answer(&mut net, addr(0), &inv, "180 Ringing", "a", &rel(1), "");
    net.run_for(5 * MS);
    answer(&mut net, addr(0), &inv, "183 Session Progress", "b", &rel(40), "");
    net.run_for(5 * MS);
    answer(&mut net, addr(0), &inv, "180 Ringing", "a", &rel(1), "");
    net.run_for(5 * MS);
    answer(&mut net, addr(0), &inv, "180 Ringing", "a", &rel(2), "");
    net.run_for(10 * MS);
    let pracks: Vec<_> = net.sent(addr(0), "PRACK").into_iter().cloned().collect();
    let seen: Vec<(SocketAddr, &str, &str, &str)> = pracks
        .iter()
        .map(|p| {
            (
                p.to,
                header(&p.text, "To"),
                header(&p.text, "CSeq"),
                header(&p.text, "RAck"),
            )
        })
        .collect();
    assert_eq!(seen.len(), 3, "RSeq 1 of fork a once, not its retransmission: {seen:?}");
    assert_eq!(seen[0].0, callee("a"));
    assert!(seen[0].1.ends_with("tag=a") && seen[0].2 == "2 PRACK" && seen[0].3 == "1 1 INVITE");
    assert_eq!(seen[1].0, callee("b"), "fork b's PRACK goes to its own Contact");
    assert!(seen[1].1.ends_with("tag=b") && seen[1].2 == "2 PRACK" && seen[1].3 == "40 1 INVITE");
    assert!(seen[2].1.ends_with("tag=a") && seen[2].2 == "3 PRACK" && seen[2].3 == "2 1 INVITE");
    for p in &pracks {
        let tag = &header(&p.text, "To")[header(&p.text, "To").len() - 1..];
        net.send(proxy(), addr(0), raw::reply(&p.text, "200 OK", tag, "", ""));
    }

    // Fork b answers; fork a answers too, later: ACKed, then hung up in
    // its own dialog, once, with the CSeq its early dialog reached.
    let sdp = raw::sdp(4002, 0, "PCMU/8000");
    answer(&mut net, addr(0), &inv, "200 OK", "b", "", &sdp);
    wait_for!(net, 0, SECOND, SessionEvent::Answered(i) if *i == id);
    answer(&mut net, addr(0), &inv, "200 OK", "a", "", &sdp);
    net.run_for(600 * MS);
    answer(&mut net, addr(0), &inv, "200 OK", "a", "", &sdp);
    net.run_for(10 * MS);
    let acks = net.sent(addr(0), "ACK");
    let acked: Vec<SocketAddr> = acks.iter().map(|a| a.to).collect();
    assert_eq!(acked, [callee("b"), callee("a"), callee("a")], "every 2xx is ACKed");
    let mut byes: Vec<_> = net.sent(addr(0), "BYE").into_iter().cloned().collect();
    byes.dedup_by(|x, y| header(&x.text, "Via") == header(&y.text, "Via"));
    assert_eq!(byes.len(), 1, "fork a hung up once, not per 2xx: {byes:?}");
    assert_eq!(byes[0].to, callee("a"));
    assert!(header(&byes[0].text, "To").ends_with("tag=a"));
    assert_eq!(header(&byes[0].text, "CSeq"), "4 BYE", "after fork a's PRACKs 2 and 3");

    net.send(proxy(), addr(0), raw::reply(&byes[0].text, "200 OK", "a", "", ""));
    net.command(0, Command::End(id));
    net.run_for(10 * MS);
    let bye = net.sent(addr(0), "BYE").last().cloned().cloned().unwrap();
    assert_eq!(bye.to, callee("b"));
    assert!(header(&bye.text, "To").ends_with("tag=b"));
    assert_eq!(header(&bye.text, "CSeq"), "3 BYE", "after fork b's PRACK 2");
    net.send(proxy(), addr(0), raw::reply(&bye.text, "200 OK", "b", "", ""));
    wait_for!(net, 0, SECOND, SessionEvent::Ended(i, EndReason::LocalBye) if *i == id);
    net.run_for(Duration::from_secs(40));
    assert_eq!(net.load(0), (0, 0));
}

#[test]
fn past_sixteen_forks_provisionals_are_counted_and_ignored() {
    let mut net = Net::new(1, 73);
    let id = CallId(9);
    let inv = call(&mut net, id);
    for n in 0..18u32 {
        let tag = format!("a{n}");
        let contact = format!("Contact: <sip:f@{}>\r\nRequire: 100rel\r\nRSeq: 1\r\n", callee("a"));
        net.send(proxy(), addr(0), raw::reply(&inv, "180 Ringing", &tag, &contact, ""));
    }
    net.run_for(10 * MS);
    let f = forks(&net.take_events(0));
    assert_eq!(f.len(), 16);
    assert_eq!(f[15].index, 16);
    assert_eq!(net.sent(addr(0), "PRACK").len(), 16, "the ignored are not PRACKed");
    let stats = net.nodes[0].ep.stats().0;
    assert_eq!((stats.forks_ignored, stats.forked_calls), (2, 1));
}

#[test]
fn requests_in_a_forks_early_dialog_are_answered_in_it_and_481_once_another_answered() {
    let mut net = Net::new(1, 74);
    let id = CallId(10);
    let inv = call(&mut net, id);
    answer(&mut net, addr(0), &inv, "180 Ringing", "a", "", "");
    answer(&mut net, addr(0), &inv, "180 Ringing", "b", "", "");
    net.run_for(10 * MS);
    let ours = |tag: &str, cseq: u32, branch: &str| {
        let to = header(&inv, "From").to_owned();
        let text = String::from_utf8(raw::in_dialog("INFO", callee("b"), addr(0), "x", &to, cseq, branch)).unwrap();
        let call_id = header(&inv, "Call-ID");
        let from = format!("<sip:bob@{}>;tag={tag}", callee("b"));
        text.replace("Call-ID: x", &format!("Call-ID: {call_id}"))
            .replace(&format!("<sip:peer@{}>;tag=f-x", callee("b")), &from)
            .into_bytes()
    };
    net.send(callee("b"), addr(0), ours("b", 5, "i1"));
    net.send(callee("b"), addr(0), ours("b", 4, "i2"));
    net.send(callee("b"), addr(0), ours("z", 1, "i3"));
    net.run_for(10 * MS);
    let statuses: Vec<String> = net
        .sent(addr(0), "SIP/2.0")
        .iter()
        .map(|s| format!("{} {}", s.first_line(), header(&s.text, "Via")))
        .collect();
    assert_eq!(statuses.len(), 3, "{statuses:?}");
    assert!(statuses[0].starts_with("SIP/2.0 200") && statuses[0].ends_with("z9hG4bKi1"));
    assert!(
        statuses[1].starts_with("SIP/2.0 500"),
        "CSeq 4 after 5 in fork b's dialog"
    );
    assert!(statuses[2].starts_with("SIP/2.0 481"), "no fork z");
    assert!(
        net.take_events(0)
            .iter()
            .any(|e| matches!(e, SessionEvent::Info(i, ..) if *i == id))
    );
    // Fork a answers: fork b's dialog is not the call's.
    answer(
        &mut net,
        addr(0),
        &inv,
        "200 OK",
        "a",
        "",
        &raw::sdp(4001, 0, "PCMU/8000"),
    );
    wait_for!(net, 0, SECOND, SessionEvent::Answered(i) if *i == id);
    net.send(callee("b"), addr(0), ours("b", 6, "i4"));
    net.run_for(10 * MS);
    let last = net.sent(addr(0), "SIP/2.0").last().map(|s| s.text.clone()).unwrap();
    assert!(last.starts_with("SIP/2.0 481") && last.contains("z9hG4bKi4"), "{last}");
}

/// The gateway's media command for the outbound leg's remote address:
/// (when, remote) for each, in order.
fn b_remotes(net: &Net) -> Vec<Option<SocketAddr>> {
    net.media_commands(GW)
        .filter_map(|c| match c {
            MediaCommand::AddCall { b: Some(b), .. } => Some(b.remote),
            MediaCommand::UpdateLeg { side: Side::B, leg, .. } => Some(leg.remote),
            _ => None,
        })
        .collect()
}

#[test]
fn through_the_gateway_early_media_follow_the_fork_that_sent_sdp_then_the_one_that_answers() {
    let mut net = Net::bridge(75, forward_to(proxy(), &[]));
    let id = CallId(1 << 40 | 3);
    net.command(
        CALLER,
        Command::Call(id, format!("sip:bob@{}", addr(1)), TransportKind::Udp),
    );
    let inv = net.wait_received(proxy(), "INVITE ", 1, SECOND);
    let sdp = |port| raw::sdp(port, 0, "PCMU/8000");
    answer(&mut net, addr(1), &inv, "180 Ringing", "a", "", "");
    wait_for!(net, CALLER, SECOND, SessionEvent::Ringing(i) if *i == id);
    answer(&mut net, addr(1), &inv, "183 Session Progress", "b", "", &sdp(4002));
    wait_for!(net, CALLER, SECOND, SessionEvent::EarlyMedia(i) if *i == id);
    net.run_for(10 * MS);
    let remote = |port| Some(SocketAddr::from(([127, 0, 0, 1], port)));
    assert_eq!(b_remotes(&net), [remote(4002)], "fork b's early media");
    answer(&mut net, addr(1), &inv, "183 Session Progress", "a", "", &sdp(4001));
    net.run_for(10 * MS);
    assert_eq!(b_remotes(&net), [remote(4002), remote(4001)], "fork a sent SDP last");
    answer(&mut net, addr(1), &inv, "200 OK", "b", "", &sdp(4002));
    wait_for!(net, CALLER, SECOND, SessionEvent::Answered(i) if *i == id);
    net.run_for(10 * MS);
    assert_eq!(b_remotes(&net).last(), Some(&remote(4002)), "fork b answered");
    let to_caller: Vec<String> = net
        .received(addr(0), "SIP/2.0 1")
        .iter()
        .chain(&net.received(addr(0), "SIP/2.0 2"))
        .map(|s| s.text.clone())
        .filter(|t| !t.starts_with("SIP/2.0 100"))
        .collect();
    let tags: Vec<&str> = to_caller.iter().map(|t| header(t, "To")).collect();
    assert!(
        tags.windows(2).all(|w| w[0] == w[1]),
        "one dialog toward the caller: {tags:?}"
    );
    let firsts: Vec<&str> = to_caller.iter().map(|t| t.lines().next().unwrap()).collect();
    assert_eq!(
        firsts,
        ["SIP/2.0 180 Ringing", "SIP/2.0 183 Session Progress", "SIP/2.0 200 OK"]
    );
    let ack = net.wait_received(callee("b"), "ACK ", 1, SECOND);
    assert!(header(&ack, "To").ends_with("tag=b"));
    net.command(CALLER, Command::End(id));
    let bye = net.wait_received(callee("b"), "BYE ", 1, SECOND);
    assert!(header(&bye, "To").ends_with("tag=b"));
    assert!(net.received(callee("a"), "").is_empty());
    assert!(net.media_errors.is_empty(), "{:?}", net.media_errors);
}

#[test]
fn through_the_gateway_each_new_fork_rings_the_callers_one_dialog() {
    let mut net = Net::bridge(76, forward_to(proxy(), &[]));
    let id = CallId(1 << 40 | 4);
    net.command(
        CALLER,
        Command::Call(id, format!("sip:bob@{}", addr(1)), TransportKind::Udp),
    );
    let inv = net.wait_received(proxy(), "INVITE ", 1, SECOND);
    answer(&mut net, addr(1), &inv, "180 Ringing", "a", "", "");
    answer(&mut net, addr(1), &inv, "180 Ringing", "a", "", "");
    net.run_for(20 * MS);
    answer(&mut net, addr(1), &inv, "180 Ringing", "b", "", "");
    net.run_for(20 * MS);
    let rings = net.received(addr(0), "SIP/2.0 180");
    assert_eq!(rings.len(), 2, "a 180 per new fork, not per 180");
    assert_eq!(header(&rings[0].text, "To"), header(&rings[1].text, "To"));
    // Early media reach the caller: a later fork's ringing is not relayed
    // over them.
    answer(
        &mut net,
        addr(1),
        &inv,
        "183 Session Progress",
        "a",
        "",
        &raw::sdp(4001, 0, "PCMU/8000"),
    );
    net.run_for(20 * MS);
    answer(&mut net, addr(1), &inv, "180 Ringing", "c", "", "");
    net.run_for(20 * MS);
    assert_eq!(net.received(addr(0), "SIP/2.0 180").len(), 2);
    assert_eq!(net.received(addr(0), "SIP/2.0 183").len(), 1);
    net.command(CALLER, Command::End(id));
    wait_for!(net, CALLER, SECOND, SessionEvent::Ended(i, EndReason::Cancelled) | SessionEvent::Failed(i, _) if *i == id);
    assert_eq!(net.received(proxy(), "CANCEL ").len(), 1, "one CANCEL, for every fork");
}
