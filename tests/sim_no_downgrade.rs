//! Nothing in the clear that asked not to be, in simulated time: a route
//! to a `sips:` target, or one with `;transport=tls`, cannot be reached
//! without TLS (not built yet), so the call fails with a clear status and
//! not one datagram goes to the target; a bare URI's `;transport=tcp` is
//! honoured (it used to be read as a header parameter and dropped).

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
