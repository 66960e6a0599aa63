//! Health for a dispatcher in front of gateway nodes (Kamailio's
//! dispatcher counts only a 200 to its OPTIONS probe as up): an
//! out-of-dialog OPTIONS is answered 200 while the gateway admits calls,
//! and 503 + Retry-After while it is at `max_calls`, drains or sheds
//! load; both answers carry `X-Load: calls=N;max=M;state=S`. In
//! simulated time, a hand-written prober at addr(5).

mod sim;

use rvoip::test_exports::gateway::{GatewayConfig, Route, RouteAction};
use rvoip::test_exports::ids::{CallId, TransportKind};
use rvoip::test_exports::session::{Command, EndReason, SessionEvent, UaConfig};
use rvoip::test_exports::status::StatusCode;
use sim::raw::header;
use sim::{CALLER, GW, Net, addr, ua_config, wait_for};
use std::net::SocketAddr;
use std::time::Duration;

const SECOND: Duration = Duration::from_secs(1);
const PROBER: u16 = 5;

fn echo_gateway(max_calls: usize) -> GatewayConfig {
    GatewayConfig {
        routes: vec![Route {
            capture_dir: None,
            transfer: false,
            user_prefix: String::new(),
            domain: None,
            sources: Vec::new(),
            action: RouteAction::Echo {
                answer_after: Duration::ZERO,
            },
        }],
        max_calls,
        ..Default::default()
    }
}

/// Sends an OPTIONS probe (Call-ID `call`) from the prober to `to` and
/// returns the first line and the `Retry-After` and `X-Load` values of
/// its answer.
fn probe(net: &mut Net, to: SocketAddr, call: &str) -> (String, String, String) {
    let me = addr(PROBER);
    let text = format!(
        "OPTIONS sip:{to} SIP/2.0\r\nVia: SIP/2.0/UDP {me};branch=z9hG4bK{call}\r\nMax-Forwards: 70\r\n\
         From: <sip:ds@{me}>;tag=f-{call}\r\nTo: <sip:{to}>\r\nCall-ID: {call}\r\nCSeq: 1 OPTIONS\r\n\
         Content-Length: 0\r\n\r\n"
    );
    net.send(me, to, text.into_bytes());
    net.run_for(Duration::from_millis(50));
    let answers = net.received(me, "SIP/2.0");
    let answer = answers
        .iter()
        .find(|s| header(&s.text, "Call-ID") == call)
        .unwrap_or_else(|| panic!("no answer to {call}"));
    let t = &answer.text;
    let first = t.lines().next().unwrap_or_default().to_owned();
    (first, header(t, "Retry-After").into(), header(t, "X-Load").into())
}

fn call(net: &mut Net, n: u64) -> CallId {
    let id = CallId(1 << 40 | n);
    net.command(
        CALLER,
        Command::Call(id, format!("sip:echo@{}", addr(1)), TransportKind::Udp),
    );
    id
}

#[test]
fn options_is_200_while_admitting_503_at_max_calls_and_while_draining() {
    let mut net = Net::bridge(61, echo_gateway(1));
    let gw = addr(1);
    let (status, retry, load) = probe(&mut net, gw, "p1");
    assert_eq!((status.as_str(), retry.as_str()), ("SIP/2.0 200 OK", ""));
    assert_eq!(load, "calls=0;max=1;state=admitting");

    // One call up: the gateway is full.
    let first = call(&mut net, 1);
    wait_for!(net, CALLER, SECOND, SessionEvent::Answered(i) if *i == first);
    let (status, retry, load) = probe(&mut net, gw, "p2");
    assert!(status.starts_with("SIP/2.0 503"), "{status}");
    assert_eq!(retry, "5");
    assert_eq!(load, "calls=1;max=1;state=full");
    // And an INVITE now would be refused, as the probe said.
    let second = call(&mut net, 2);
    wait_for!(net, CALLER, SECOND, SessionEvent::Failed(i, StatusCode::SERVICE_UNAVAILABLE) if *i == second);

    // The call ends: admitting again.
    net.command(CALLER, Command::End(first));
    wait_for!(net, CALLER, SECOND, SessionEvent::Ended(i, EndReason::LocalBye) if *i == first);
    let (status, _, load) = probe(&mut net, gw, "p3");
    assert_eq!(
        (status.as_str(), load.as_str()),
        ("SIP/2.0 200 OK", "calls=0;max=1;state=admitting")
    );

    // Draining (SIGTERM): 503 from then on, though nothing is up.
    let now = net.now;
    net.ep(GW).drain(now, SECOND);
    let (status, retry, load) = probe(&mut net, gw, "p4");
    assert!(status.starts_with("SIP/2.0 503"), "{status}");
    assert_eq!((retry.as_str(), load.as_str()), ("5", "calls=0;max=1;state=draining"));

    // A plain UA (the caller) reports its own sessions and limit.
    let (status, _, load) = probe(&mut net, addr(0), "p5");
    assert_eq!(
        (status.as_str(), load.as_str()),
        ("SIP/2.0 200 OK", "calls=0;max=1000;state=admitting")
    );
}

#[test]
fn options_is_503_while_shedding_load_and_200_once_the_queue_is_gone() {
    let mut net = Net::bridge(62, echo_gateway(100));
    let cfg = UaConfig {
        shed_delay: Some(Duration::from_millis(100)),
        ..ua_config(addr(1), 63)
    };
    net.replace(GW, cfg, Some(echo_gateway(100)));
    let gw = addr(1);
    // Datagrams waiting 300 ms in the socket, for longer than 100 ms.
    let now = net.now;
    net.ep(GW).handle_queue_delay(now, Duration::from_millis(300));
    let (status, _, load) = probe(&mut net, gw, "s1");
    assert_eq!(
        (status.as_str(), load.as_str()),
        ("SIP/2.0 200 OK", "calls=0;max=100;state=admitting"),
        "a burst is not overload"
    );
    net.run_for(Duration::from_millis(100));
    let now = net.now;
    net.ep(GW).handle_queue_delay(now, Duration::from_millis(300));
    let (status, retry, load) = probe(&mut net, gw, "s2");
    assert!(status.starts_with("SIP/2.0 503"), "{status}");
    assert_eq!((retry.as_str(), load.as_str()), ("5", "calls=0;max=100;state=shedding"));

    // The first read under the limit ends shedding.
    let now = net.now;
    net.ep(GW).handle_queue_delay(now, Duration::from_millis(1));
    let (status, _, load) = probe(&mut net, gw, "s3");
    assert_eq!(
        (status.as_str(), load.as_str()),
        ("SIP/2.0 200 OK", "calls=0;max=100;state=admitting")
    );
}
