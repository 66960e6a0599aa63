//! The loop contract of `Endpoint`, the one sans-IO value the driver,
//! the benches and the simulator drive: the ordering rules it keeps so
//! that no driver has to (media before transmit; the B2BUA settles within
//! one input; an incoming call the API cannot take is refused).

mod sim;

use rvoip::media::MediaCommand;
use rvoip::test_exports::endpoint::Endpoint;
use rvoip::test_exports::gateway::{Gateway, GatewayConfig, Route, RouteAction};
use rvoip::test_exports::ids::{Peer, TransportKind};
use rvoip::test_exports::session::SessionEvent;
use std::time::{Instant, SystemTime};

const SDP: &str = "v=0\r\no=peer 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n\
m=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

fn invite(user: &str) -> Vec<u8> {
    format!(
        "INVITE sip:{user}@{gw} SIP/2.0\r\nVia: SIP/2.0/UDP {me};branch=z9hG4bKep1\r\nMax-Forwards: 70\r\n\
         From: <sip:peer@{me}>;tag=p1\r\nTo: <sip:{user}@{gw}>\r\nCall-ID: ep-1\r\nCSeq: 1 INVITE\r\n\
         Contact: <sip:peer@{me}>\r\nContent-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{SDP}",
        SDP.len(),
        gw = sim::addr(1),
        me = sim::addr(5)
    )
    .into_bytes()
}

fn caller() -> Peer {
    Peer {
        transport: TransportKind::Udp,
        addr: sim::addr(5),
    }
}

fn endpoint(gateway: Option<GatewayConfig>) -> Endpoint {
    let cfg = sim::ua_config(sim::addr(1), 7);
    Endpoint::new(cfg, gateway.map(Gateway::new), Instant::now(), SystemTime::UNIX_EPOCH)
}

fn first_lines(ep: &mut Endpoint) -> Vec<String> {
    std::iter::from_fn(|| ep.poll_transmit())
        .map(|t| {
            String::from_utf8_lossy(&t.bytes)
                .lines()
                .next()
                .unwrap_or("")
                .to_owned()
        })
        .collect()
}

#[test]
fn no_transmit_leaves_before_the_media_command_that_binds_its_port() {
    let mut ep = endpoint(Some(GatewayConfig::default())); // echo, rings, answers at once
    ep.handle_datagram(Instant::now(), caller(), &invite("echo"));
    assert!(ep.poll_transmit().is_none(), "the 200 waits for its media command");
    let Some(MediaCommand::AddCall { a, b: None, .. }) = ep.poll_media_command() else {
        panic!("an echo call for the media plane")
    };
    let sent: Vec<String> = std::iter::from_fn(|| ep.poll_transmit())
        .map(|t| String::from_utf8_lossy(&t.bytes).into_owned())
        .collect();
    let ok = sent.iter().find(|m| m.starts_with("SIP/2.0 200")).expect("a 200");
    assert!(
        ok.contains(&format!("m=audio {} ", a.port)),
        "the 200 advertises the port the worker binds:\n{ok}"
    );
    assert!(sent[0].starts_with("SIP/2.0 100") && sent[1].starts_with("SIP/2.0 180"));
}

#[test]
fn a_bridged_invite_goes_out_within_the_input_that_brought_it() {
    let route = Route {
        capture_dir: None,
        transfer: true,
        user_prefix: String::new(),
        domain: None,
        sources: Vec::new(),
        action: RouteAction::Forward {
            uri: format!("sip:{}", sim::addr(2)),
            credentials: None,
            srtp: Default::default(),
            sdes_in_clear: false,
            transport: TransportKind::Udp,
            codecs: Vec::new(),
        },
    };
    let mut ep = endpoint(Some(GatewayConfig {
        routes: vec![route],
        ..GatewayConfig::default()
    }));
    ep.handle_datagram(Instant::now(), caller(), &invite("bob"));
    assert!(ep.poll_media_command().is_none(), "no media before the callee answers");
    let lines = first_lines(&mut ep);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with("SIP/2.0 100"));
    assert!(lines[1].starts_with("INVITE sip:bob@127.0.0.1:5062"), "{lines:?}");
    assert!(ep.poll_event().is_none(), "a routed call never reaches the API");
}

#[test]
fn an_incoming_call_the_api_cannot_take_is_refused_with_503() {
    let mut ep = endpoint(None);
    let now = Instant::now();
    ep.handle_datagram(now, caller(), &invite("alice"));
    let ev = ep.poll_event().expect("an incoming call");
    assert!(matches!(ev, SessionEvent::Incoming(..)));
    first_lines(&mut ep);
    ep.handle_undelivered(now, ev);
    let sent: Vec<String> = std::iter::from_fn(|| ep.poll_transmit())
        .map(|t| String::from_utf8_lossy(&t.bytes).into_owned())
        .collect();
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(
        sent[0].starts_with("SIP/2.0 503") && sent[0].contains("Retry-After: 5"),
        "{}",
        sent[0]
    );
    let (_, calls, _) = ep.stats();
    assert_eq!(calls, 0, "the refused call is gone");
}
