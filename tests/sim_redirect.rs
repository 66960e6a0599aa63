//! A 3xx on the gateway's outbound leg is followed (RFC 3261 §8.1.3.4),
//! in simulated time with default timers: caller UA -> gateway -> a
//! hand-written redirector at addr(5), whose Contacts name the callee UA
//! (addr(2)), the redirector itself, a silent address or unreachable
//! ones. The caller hears only how the last target ends. One redirect
//! over real sockets stays in redirect.rs.

mod sim;

use rvoip::test_exports::ids::{CallId, TransportKind};
use rvoip::test_exports::session::{Command, EndReason, MediaMode, SessionEvent, UaConfig};
use rvoip::test_exports::status::StatusCode;
use sim::raw::{self, header};
use sim::{CALLEE, CALLER, GW, Net, addr, forward_to, ua_config, wait_for};
use std::net::SocketAddr;
use std::time::Duration;

const SECOND: Duration = Duration::from_secs(1);

/// The redirector.
fn redirector() -> SocketAddr {
    addr(5)
}

/// Caller -> gateway (following `max_redirects`) -> the redirector; the
/// caller's call to `user` placed and its first INVITE at the redirector:
/// (net, call, that INVITE).
fn setup(seed: u64, max_redirects: u8, user: &str) -> (Net, CallId, String) {
    let mut net = Net::bridge(seed, forward_to(redirector(), &[]));
    let cfg = UaConfig {
        max_redirects,
        ..ua_config(addr(1), seed + 1)
    };
    net.replace(GW, cfg, Some(forward_to(redirector(), &[])));
    let id = CallId(1 << 40 | 1);
    net.command(
        CALLER,
        Command::Call(id, format!("sip:{user}@{}", addr(1)), TransportKind::Udp),
    );
    let invite = net.wait_received(redirector(), "INVITE ", 1, SECOND);
    (net, id, invite)
}

/// The redirector answers `invite` with a 302 naming `contacts`.
fn moved(net: &mut Net, invite: &str, contacts: &str) {
    let contact = format!("Contact: {contacts}\r\n");
    net.send(
        redirector(),
        addr(1),
        raw::reply(invite, "302 Moved Temporarily", "r1", &contact, ""),
    );
}

/// The redirector answers `invite` with a final `status`.
fn refuse(net: &mut Net, invite: &str, status: &str) {
    net.send(redirector(), addr(1), raw::reply(invite, status, "t2", "", ""));
}

#[test]
fn a_302_is_followed_to_the_best_reachable_contact() {
    let (mut net, id, invite) = setup(1, 3, "carol");
    // The highest q names a host the DNS does not know (looked up, then
    // skipped), so the one with an address is taken.
    let target = format!("sip:carol@{}", addr(2));
    let contacts = format!("<sip:carol@pbx.invalid>;q=0.9, <{target}>;q=0.5, <sip:x@127.0.0.1:9>;q=0.1");
    moved(&mut net, &invite, &contacts);
    let ack = net.wait_received(redirector(), "ACK ", 1, SECOND);
    assert_eq!(header(&ack, "CSeq"), "1 ACK", "the 302 is acknowledged");

    let SessionEvent::Incoming(b, info) = wait_for!(net, CALLEE, SECOND, SessionEvent::Incoming(..)) else {
        unreachable!()
    };
    assert_eq!(info.uri(), target, "the Request-URI is the Contact's");
    assert_eq!(info.to(), header(&invite, "To"), "To stays the first INVITE's");
    let second = net.received(addr(2), "INVITE")[0].text.clone();
    for h in ["From", "Call-ID"] {
        assert_eq!(header(&second, h), header(&invite, h), "{h} stays the first INVITE's");
    }
    assert_eq!(header(&second, "CSeq"), "2 INVITE", "the next CSeq");
    assert_ne!(header(&second, "Via"), header(&invite, "Via"), "a new branch");
    net.command(CALLEE, Command::Accept(b, MediaMode::None));
    wait_for!(net, CALLER, SECOND, SessionEvent::Answered(i) if *i == id);
    wait_for!(net, CALLEE, SECOND, SessionEvent::Answered(i) if *i == b);
    assert!(
        net.received("127.0.0.1:9".parse().unwrap(), "").is_empty(),
        "the worse Contact is never tried"
    );
    assert_eq!(net.nodes[GW].ep.stats().0.redirects_followed, 1);
    assert_eq!(
        net.sent(addr(1), "SIP/2.0 3").len(),
        0,
        "the caller never hears the 302"
    );

    net.command(CALLER, Command::End(id));
    wait_for!(net, CALLEE, SECOND, SessionEvent::Ended(i, EndReason::RemoteBye) if *i == b);
    wait_for!(net, CALLER, SECOND, SessionEvent::Ended(i, EndReason::LocalBye) if *i == id);
    net.run_for(Duration::from_secs(40));
    for i in 0..3 {
        assert_eq!(net.load(i), (0, 0), "node {i}");
    }
    assert!(net.media_errors.is_empty(), "{:?}", net.media_errors);
}

#[test]
fn with_redirects_off_the_caller_gets_480() {
    let (mut net, id, invite) = setup(2, 0, "dan");
    moved(&mut net, &invite, &format!("<sip:dan@{}>", addr(2)));
    wait_for!(net, CALLER, SECOND, SessionEvent::Failed(i, StatusCode::TEMPORARILY_UNAVAILABLE) if *i == id);
    assert!(net.received(addr(2), "").is_empty(), "not followed");
    assert_eq!(net.nodes[GW].ep.stats().0.redirects_followed, 0);
}

#[test]
fn redirect_loops_stop_after_max_redirects() {
    let (mut net, id, first) = setup(3, 2, "eve");
    // The redirector sends every INVITE back to itself: 1 + 2 hops.
    let mut invites = vec![first];
    for n in 1..=3 {
        let invite = net.wait_received(redirector(), "INVITE ", n, SECOND);
        moved(&mut net, &invite, &format!("<sip:eve@{}>", redirector()));
        invites.push(invite);
    }
    wait_for!(net, CALLER, SECOND, SessionEvent::Failed(i, StatusCode::TEMPORARILY_UNAVAILABLE) if *i == id);
    let cseqs: Vec<&str> = invites[1..].iter().map(|m| header(m, "CSeq")).collect();
    assert_eq!(cseqs, ["1 INVITE", "2 INVITE", "3 INVITE"], "the next CSeq per hop");
    assert!(
        invites
            .iter()
            .all(|m| header(m, "Call-ID") == header(&invites[0], "Call-ID")),
        "one Call-ID"
    );
    net.run_for(Duration::from_secs(40));
    assert_eq!(net.received(redirector(), "INVITE ").len(), 3, "no fourth hop");
    assert_eq!(net.received(redirector(), "ACK ").len(), 3, "every 302 ACKed");
    assert_eq!(net.load(GW), (0, 0));
}

#[test]
fn a_target_that_fails_gives_way_to_the_next_contact() {
    let (mut net, id, invite) = setup(4, 3, "fay");
    let target = format!("sip:fay@{}", addr(2));
    // The better Contact is the redirector itself, which then says busy.
    let contacts = format!("<{target}>;q=0.5, <sip:fay-busy@{}>;q=0.9", redirector());
    moved(&mut net, &invite, &contacts);
    let second = net.wait_received(redirector(), "INVITE ", 2, SECOND);
    assert!(
        second.starts_with(&format!("INVITE sip:fay-busy@{} ", redirector())),
        "q=0.9 first: {second}"
    );
    assert_eq!(header(&second, "CSeq"), "2 INVITE");
    refuse(&mut net, &second, "486 Busy Here");
    let ack = net.wait_received(redirector(), "ACK ", 2, SECOND);
    assert_eq!(header(&ack, "CSeq"), "2 ACK", "the 486 is acknowledged");

    let SessionEvent::Incoming(b, info) = wait_for!(net, CALLEE, SECOND, SessionEvent::Incoming(..)) else {
        unreachable!()
    };
    assert_eq!(info.uri(), target);
    assert_eq!(header(&net.received(addr(2), "INVITE")[0].text, "CSeq"), "3 INVITE");
    net.command(CALLEE, Command::Accept(b, MediaMode::None));
    wait_for!(net, CALLER, SECOND, SessionEvent::Answered(i) if *i == id);
    assert_eq!(
        net.gateway_stats(GW).outbound_failed,
        0,
        "a target's failure is not the call's"
    );
    net.command(CALLER, Command::End(id));
    wait_for!(net, CALLER, SECOND, SessionEvent::Ended(i, _) if *i == id);
    net.run_for(Duration::from_secs(40));
    for i in 0..3 {
        assert_eq!(net.load(i), (0, 0), "node {i}");
    }
}

#[test]
fn a_6xx_from_a_target_ends_the_search() {
    let (mut net, id, invite) = setup(5, 3, "gus");
    let contacts = format!("<sip:gus@{}>;q=0.9, <sip:gus@{}>;q=0.5", redirector(), addr(2));
    moved(&mut net, &invite, &contacts);
    let second = net.wait_received(redirector(), "INVITE ", 2, SECOND);
    refuse(&mut net, &second, "603 Decline");
    wait_for!(net, CALLER, SECOND, SessionEvent::Failed(i, StatusCode::DECLINE) if *i == id);
    net.run_for(Duration::from_secs(40));
    assert!(
        net.received(addr(2), "").is_empty(),
        "§21.6: a 6xx is global, no other Contact is tried"
    );
    assert_eq!(net.load(GW), (0, 0));
}

#[test]
fn a_target_that_never_answers_gives_way_after_timer_b() {
    let (mut net, id, invite) = setup(6, 3, "hal");
    let silent = addr(6);
    let target = format!("sip:hal@{}", addr(2));
    moved(
        &mut net,
        &invite,
        &format!("<sip:hal@{silent}>;q=0.9, <{target}>;q=0.5"),
    );
    let first = net.wait_received(silent, "INVITE ", 1, SECOND);
    assert_eq!(header(&first, "CSeq"), "2 INVITE");
    let tried_at = net.sent(addr(1), "INVITE").last().unwrap().at;
    let SessionEvent::Incoming(b, info) = net.wait_event(CALLEE, Duration::from_secs(40), |e| {
        matches!(e, SessionEvent::Incoming(..))
    }) else {
        unreachable!()
    };
    let gave_up = net.received(addr(2), "INVITE")[0].at - tried_at;
    assert_eq!(gave_up, Duration::from_secs(32), "Timer B (64·T1) on the silent target");
    assert_eq!(
        net.received(silent, "INVITE ").len(),
        7,
        "Timer A retransmissions until then"
    );
    assert_eq!(info.uri(), target);
    assert_eq!(info.to(), header(&invite, "To"));
    net.command(CALLEE, Command::Accept(b, MediaMode::None));
    wait_for!(net, CALLER, SECOND, SessionEvent::Answered(i) if *i == id);
    assert_eq!(
        net.sent(addr(0), "INVITE").len(),
        1,
        "the caller waited (100 Trying) without retransmitting"
    );
}
