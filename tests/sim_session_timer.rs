//! Session timers (RFC 4028) in simulated time: two UAs agree an interval
//! and the caller refreshes at half of it, for hours, with no event
//! reaching the application; a peer that should refresh and does not has
//! the call ended by a BYE at the interval less a third (or 32 s); a
//! session interval below our Min-SE gets 422 naming it, an unreadable
//! one 400, `Require: timer` is honoured; our INVITE or refresh refused
//! with 422 is sent again with the interval asked, and its Min-SE; and through a gateway each leg
//! keeps its own timer, no refresh crossing to the other leg.

mod sim;

use rvoip::test_exports::ids::{CallId, TransportKind};
use rvoip::test_exports::session::{Command, EndReason, MediaMode, SessionEvent};
use sim::raw::{self, header};
use sim::{CALLEE, CALLER, GW, Net, addr, forward_to, wait_for};
use std::time::Duration;

const SECOND: Duration = Duration::from_secs(1);

/// re-INVITEs (CSeq above 1) `from` sent.
fn refreshes(net: &Net, from: std::net::SocketAddr) -> Vec<String> {
    net.sent(from, "INVITE")
        .into_iter()
        .filter(|s| !header(&s.text, "CSeq").starts_with("1 "))
        .map(|s| s.text.clone())
        .collect()
}

#[test]
fn two_uas_agree_and_the_caller_refreshes_at_half_the_interval_for_hours() {
    let mut net = Net::new(2, 41);
    let a = CallId(1 << 40 | 1);
    net.command(0, Command::Call(a, format!("sip:bob@{}", addr(1)), TransportKind::Udp));
    let b = net.wait_incoming(1, SECOND);
    let invite = net.sent(addr(0), "INVITE")[0].text.clone();
    assert_eq!(header(&invite, "Session-Expires"), "1800");
    assert_eq!(
        (header(&invite, "Min-SE"), header(&invite, "Supported")),
        ("90", "100rel, timer")
    );
    net.command(1, Command::Accept(b, MediaMode::None));
    wait_for!(net, 0, SECOND, SessionEvent::Answered(i) if *i == a);
    wait_for!(net, 1, SECOND, SessionEvent::Answered(i) if *i == b);
    let ok = net.sent(addr(1), "SIP/2.0 200")[0].text.clone();
    assert_eq!(header(&ok, "Session-Expires"), "1800;refresher=uac", "{ok}");
    assert_eq!(header(&ok, "Require"), "timer");
    net.take_events(0);
    net.take_events(1);
    net.run_for(Duration::from_secs(3700));
    let sent = refreshes(&net, addr(0));
    assert_eq!(sent.len(), 4, "at 900, 1800, 2700 and 3600 s");
    assert!(
        sent.iter()
            .all(|r| header(r, "Session-Expires") == "1800;refresher=uac")
    );
    assert!(refreshes(&net, addr(1)).is_empty(), "the callee does not refresh");
    assert!(net.sent(addr(0), "BYE").is_empty() && net.sent(addr(1), "BYE").is_empty());
    let (ev0, ev1) = (net.take_events(0), net.take_events(1));
    assert!(
        ev0.is_empty() && ev1.is_empty(),
        "refreshes are not events: {ev0:?} {ev1:?}"
    );
}

#[test]
fn a_peer_that_does_not_refresh_has_its_call_ended() {
    let mut net = Net::new(1, 42);
    let a = CallId(7);
    net.command(0, Command::Call(a, format!("sip:bob@{}", addr(5)), TransportKind::Udp));
    let inv = net.sent(addr(0), "INVITE")[0].text.clone();
    // The peer takes the refreshes on itself, at 120 s, and never sends one.
    let extra = "Session-Expires: 120;refresher=uas\r\nRequire: timer\r\nContact: <sip:peer@127.0.0.1:5065>\r\n";
    net.send(
        addr(5),
        addr(0),
        raw::reply(&inv, "200 OK", "p", extra, &raw::sdp(4000, 0, "PCMU/8000")),
    );
    wait_for!(net, 0, SECOND, SessionEvent::Answered(i) if *i == a);
    let answered = net.elapsed();
    let ended = wait_for!(net, 0, Duration::from_secs(200), SessionEvent::Ended(i, _) if *i == a);
    assert!(
        matches!(ended, SessionEvent::Ended(_, EndReason::SessionExpired)),
        "{ended:?}"
    );
    let at = net.elapsed() - answered;
    assert!(
        at >= Duration::from_secs(88) && at < Duration::from_secs(89),
        "BYE at 120 - 32 s: {at:?}"
    );
    assert_eq!(net.sent(addr(0), "BYE").len(), 1);
    assert!(refreshes(&net, addr(0)).is_empty(), "not ours to refresh");
}

#[test]
fn short_or_unreadable_intervals_are_refused_and_require_timer_is_honoured() {
    let mut net = Net::new(2, 43);
    let sdp = raw::sdp(4000, 0, "PCMU/8000");
    let with = |call: &str, headers: &str| {
        let inv = String::from_utf8(raw::invite(addr(5), addr(1), "bob", call, call, &sdp)).unwrap();
        inv.replacen("Contact:", &format!("{headers}Contact:"), 1).into_bytes()
    };
    net.send(addr(5), addr(1), with("short", "Session-Expires: 30\r\n"));
    net.send(addr(5), addr(1), with("junk", "Session-Expires: soon\r\n"));
    net.send(
        addr(5),
        addr(1),
        with(
            "req",
            "Session-Expires: 600;refresher=uac\r\nSupported: timer\r\nRequire: timer\r\n",
        ),
    );
    net.run_for(Duration::from_millis(100));
    let to_peer: Vec<String> = net.sent(addr(1), "SIP/2.0").iter().map(|s| s.text.clone()).collect();
    let of = |call: &str| {
        let mut finals = to_peer
            .iter()
            .filter(|t| header(t, "Call-ID") == call && !t.starts_with("SIP/2.0 100"));
        finals.next_back().cloned().unwrap_or_default()
    };
    assert!(
        of("short").starts_with("SIP/2.0 422 Session Interval Too Small"),
        "{}",
        of("short")
    );
    assert_eq!(header(&of("short"), "Min-SE"), "90");
    assert!(
        of("junk").starts_with("SIP/2.0 400 Session-Expires is not a number"),
        "{}",
        of("junk")
    );
    assert!(
        of("req").is_empty(),
        "timer is supported, the call offered: {}",
        of("req")
    );
    let b = net.incoming(1);
    net.command(1, Command::Accept(b, MediaMode::None));
    net.run_for(Duration::from_millis(100));
    let ok = net.sent(addr(1), "SIP/2.0 200")[0].text.clone();
    assert_eq!(header(&ok, "Session-Expires"), "600;refresher=uac");
}

#[test]
fn our_invite_refused_with_422_is_sent_again_with_the_interval_asked() {
    let mut net = Net::new(1, 44);
    let a = CallId(8);
    net.command(0, Command::Call(a, format!("sip:bob@{}", addr(5)), TransportKind::Udp));
    let inv = net.sent(addr(0), "INVITE")[0].text.clone();
    net.send(
        addr(5),
        addr(0),
        raw::reply(&inv, "422 Session Interval Too Small", "p", "Min-SE: 3600\r\n", ""),
    );
    net.run_for(Duration::from_millis(100));
    let invites = net.sent(addr(0), "INVITE");
    assert_eq!(invites.len(), 2, "sent again once");
    let again = invites[1].text.clone();
    assert_eq!(header(&again, "Session-Expires"), "3600");
    assert_eq!(
        header(&again, "Min-SE"),
        "3600",
        "the 422's Min-SE, larger than ours (§7.4)"
    );
    assert_eq!(header(&again, "CSeq"), "2 INVITE");
    assert_eq!(header(&again, "Call-ID"), header(&inv, "Call-ID"));
    net.send(
        addr(5),
        addr(0),
        raw::reply(&again, "422 Session Interval Too Small", "p", "Min-SE: 7200\r\n", ""),
    );
    let failed = wait_for!(net, 0, SECOND, SessionEvent::Failed(i, _) if *i == a);
    assert!(
        matches!(failed, SessionEvent::Failed(_, s) if s.code() == 422),
        "not a third time: {failed:?}"
    );
}

#[test]
fn a_refresh_refused_with_422_is_sent_again_with_the_peers_min_se() {
    let mut net = Net::new(1, 46);
    let a = CallId(9);
    net.command(0, Command::Call(a, format!("sip:bob@{}", addr(5)), TransportKind::Udp));
    let inv = net.sent(addr(0), "INVITE")[0].text.clone();
    let extra = format!(
        "Session-Expires: 120;refresher=uac\r\nRequire: timer\r\nContact: <sip:peer@{}>\r\n",
        addr(5)
    );
    let sdp = raw::sdp(4000, 0, "PCMU/8000");
    net.send(addr(5), addr(0), raw::reply(&inv, "200 OK", "p", &extra, &sdp));
    wait_for!(net, 0, SECOND, SessionEvent::Answered(i) if *i == a);
    // Each refresh once, however often UDP retransmitted it.
    let distinct = |net: &Net| {
        let mut sent = refreshes(net, addr(0));
        sent.dedup_by(|a, b| header(a, "CSeq") == header(b, "CSeq"));
        sent
    };
    net.run_for(Duration::from_secs(60) + Duration::from_millis(100));
    let sent = distinct(&net);
    assert_eq!(sent.len(), 1, "one refresh, at half of 120 s");
    assert_eq!(header(&sent[0], "Min-SE"), "90", "ours");
    let refused = raw::reply(&sent[0], "422 Session Interval Too Small", "p", "Min-SE: 600\r\n", "");
    net.send(addr(5), addr(0), refused);
    net.run_for(Duration::from_millis(100));
    let sent = distinct(&net);
    assert_eq!(sent.len(), 2, "sent again at once");
    assert_eq!(header(&sent[1], "Session-Expires"), "600;refresher=uac");
    assert_eq!(header(&sent[1], "Min-SE"), "600", "the 422's, larger than ours (§7.4)");
    let ok = format!(
        "Session-Expires: 600;refresher=uac\r\nRequire: timer\r\nContact: <sip:peer@{}>\r\n",
        addr(5)
    );
    net.send(addr(5), addr(0), raw::reply(&sent[1], "200 OK", "p", &ok, &sdp));
    net.run_for(Duration::from_secs(301));
    let sent = distinct(&net);
    assert_eq!(sent.len(), 3, "the next refresh, at half of 600 s");
    assert_eq!(header(&sent[2], "Min-SE"), "600", "and every later request of the call");
}

#[test]
fn through_a_gateway_each_leg_keeps_its_own_timer() {
    let mut net = Net::bridge(45, forward_to(addr(CALLEE as u16), &[]));
    let a = CallId(1 << 40 | 9);
    net.command(
        CALLER,
        Command::Call(a, format!("sip:bob@{}", addr(GW as u16)), TransportKind::Udp),
    );
    let b = net.wait_incoming(CALLEE, SECOND);
    net.command(CALLEE, Command::Accept(b, MediaMode::None));
    wait_for!(net, CALLER, SECOND, SessionEvent::Answered(i) if *i == a);
    wait_for!(net, CALLEE, SECOND, SessionEvent::Answered(i) if *i == b);
    net.take_events(CALLER);
    net.take_events(CALLEE);
    net.run_for(Duration::from_secs(1000));
    // The caller refreshes its leg, the gateway the callee's (as its UAC).
    assert_eq!(refreshes(&net, addr(CALLER as u16)).len(), 1);
    let gw_refreshes = refreshes(&net, addr(GW as u16));
    assert_eq!(
        gw_refreshes.len(),
        1,
        "the gateway's own refresh of the callee's leg, not the caller's relayed"
    );
    assert!(refreshes(&net, addr(CALLEE as u16)).is_empty());
    let (ev0, ev2) = (net.take_events(CALLER), net.take_events(CALLEE));
    assert!(ev0.is_empty() && ev2.is_empty(), "{ev0:?} {ev2:?}");
    assert!(net.sent(addr(GW as u16), "BYE").is_empty());
}
