//! Nothing in the clear that asked not to be, in simulated time: a route
//! to a `sips:` target, or one with `;transport=tls`, cannot be reached
//! without TLS (not built yet), so the call fails with a clear status and
//! not one datagram goes to the target; a bare URI's `;transport=tcp` is
//! honoured (it used to be read as a header parameter and dropped); a
//! caller behind NAT (a private Contact) gets its BYE where it came from.

mod sim;

use rvoip::test_exports::gateway::RouteAction;
use rvoip::test_exports::ids::{CallId, TransportKind};
use rvoip::test_exports::session::{Command, SessionEvent};
use rvoip::test_exports::status::StatusCode;
use sim::{CALLER, Net, addr, forward_to, wait_for};
use std::time::Duration;

const SECOND: Duration = Duration::from_secs(1);

#[test]
fn a_secure_target_fails_the_call_and_nothing_leaves_in_plaintext() {
    for (n, target) in [
        format!("sips:bob@{}", addr(7)),
        format!("sip:bob@{};transport=tls", addr(7)),
        format!("<sips:{}>", addr(7)),
    ]
    .into_iter()
    .enumerate()
    {
        let mut gw = forward_to(addr(7), &[]);
        if let RouteAction::Forward { uri, .. } = &mut gw.routes[0].action {
            *uri = target.clone();
        }
        let mut net = Net::bridge(95 + n as u64, gw);
        let a = CallId(30 + n as u64);
        net.command(
            CALLER,
            Command::Call(a, format!("sip:bob@{}", addr(1)), TransportKind::Udp),
        );
        let failed = wait_for!(net, CALLER, 5 * SECOND, SessionEvent::Failed(i, _) if *i == a);
        assert!(
            matches!(failed, SessionEvent::Failed(_, s) if s == StatusCode::BAD_GATEWAY),
            "{target}: {failed:?}"
        );
        net.run_for(SECOND);
        assert!(
            net.received(addr(7), "").is_empty(),
            "{target}: something went to the target"
        );
    }
}

#[test]
fn a_bare_uris_transport_tcp_is_honoured() {
    let mut gw = forward_to(addr(2), &[]);
    if let RouteAction::Forward { uri, .. } = &mut gw.routes[0].action {
        *uri = format!("sip:bob@{};transport=tcp", addr(2));
    }
    let mut net = Net::bridge(99, gw);
    net.command(
        CALLER,
        Command::Call(CallId(40), format!("sip:bob@{}", addr(1)), TransportKind::Udp),
    );
    let invite = net.wait_received(addr(2), "INVITE", 1, SECOND);
    assert!(
        sim::raw::header(&invite, "Via").starts_with("SIP/2.0/TCP"),
        "the gateway's INVITE goes over TCP:\n{invite}"
    );
}

/// A caller behind NAT: its Contact names a private address it cannot be
/// reached at, its INVITE came from elsewhere. Our BYE goes to where it
/// came from, not to the Contact.
#[test]
fn a_bye_to_a_caller_behind_nat_goes_where_it_came_from() {
    let mut net = Net::new(1, 100);
    net.add(sim::ua_config(addr(1), 101), None);
    let peer = addr(5);
    let invite = String::from_utf8(sim::raw::invite(
        peer,
        addr(1),
        "bob",
        "nat-1",
        "nat1",
        &sim::raw::sdp(7000, 0, "PCMU/8000"),
    ))
    .unwrap()
    .replace(
        &format!("Contact: <sip:peer@{peer}>"),
        "Contact: <sip:peer@10.0.0.9:5060>",
    );
    net.send(peer, addr(1), invite.into_bytes());
    let id = net.wait_incoming(1, SECOND);
    net.command(1, Command::Accept(id, rvoip::test_exports::session::MediaMode::None));
    let ok = net.wait_received(peer, "SIP/2.0 200", 1, SECOND);
    let ack = sim::raw::in_dialog("ACK", peer, addr(1), "nat-1", sim::raw::header(&ok, "To"), 1, "natack");
    net.send(peer, addr(1), ack);
    net.run_for(Duration::from_millis(100));
    net.command(1, Command::End(id));
    let bye = net.wait_received(peer, "BYE", 1, SECOND);
    assert!(
        bye.starts_with("BYE sip:peer@10.0.0.9:5060"),
        "the Request-URI stays the Contact:\n{bye}"
    );
}
