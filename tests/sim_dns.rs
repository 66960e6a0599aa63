//! RFC 3263 server location in simulated time, through the gateway:
//! caller UA -> gateway (route to `sip:trunk.sim`) -> the servers the
//! simulated DNS names for it: the callee UA (addr(2)), a silent address
//! (addr(5): a dead server) or a hand-written peer there. SRV order,
//! failover on Timer B and on 503, a dead server remembered for
//! `failed_for` (not tried once per call), answers cached by TTL, and a
//! lookup that fails or never answers failing its leg with a status.
//! The real DNS (hickory's server, over loopback) is in dns.rs.

mod sim;

use rvoip::test_exports::gateway::{GatewayConfig, RouteAction};
use rvoip::test_exports::ids::{CallId, TransportKind};
use rvoip::test_exports::locate::LocateError;
use rvoip::test_exports::session::{Command, EndReason, MediaMode, SessionEvent};
use rvoip::test_exports::status::StatusCode;
use sim::{CALLEE, CALLER, DnsAnswer, GW, Net, addr, forward_to, raw, srv, wait_for};
use std::time::Duration;

const SECOND: Duration = Duration::from_secs(1);
const HOUR: Duration = Duration::from_secs(3600);

/// A gateway forwarding every call to `uri`.
fn route_to(uri: &str) -> GatewayConfig {
    let mut gw = forward_to(addr(2), &[]);
    if let RouteAction::Forward { uri: target, .. } = &mut gw.routes[0].action {
        *target = uri.into();
    }
    gw
}

/// The bridge with the route to `sip:trunk.sim`, whose servers are
/// `servers` (one SRV set).
fn net_with(seed: u64, servers: DnsAnswer) -> Net {
    let mut net = Net::bridge(seed, route_to("sip:trunk.sim"));
    net.dns.insert("trunk.sim".into(), servers);
    net
}

/// The caller places call number `n` through the gateway.
fn call(net: &mut Net, n: u64) -> CallId {
    let id = CallId(1 << 40 | n);
    let uri = format!("sip:bob@{}", addr(1));
    net.command(CALLER, Command::Call(id, uri, TransportKind::Udp));
    id
}

/// INVITEs that reached `to` for distinct Call-IDs.
fn calls_at(net: &Net, to: std::net::SocketAddr) -> usize {
    let mut ids: Vec<&str> = net
        .received(to, "INVITE ")
        .iter()
        .map(|s| raw::header(&s.text, "Call-ID"))
        .collect();
    ids.dedup();
    ids.len()
}

#[test]
fn a_dead_first_server_costs_one_timer_b_then_is_tried_last() {
    let (dead, alive) = (addr(5), addr(2));
    let mut net = net_with(
        1,
        DnsAnswer::Servers(vec![vec![srv(20, 0, alive), srv(10, 0, dead)]], HOUR),
    );
    let first = call(&mut net, 1);
    net.wait_received(dead, "INVITE ", 1, SECOND);
    let b = net.wait_incoming(CALLEE, Duration::from_secs(40));
    // The lookup took 5 ms; Timer B is 64·T1 = 32 s after the first INVITE.
    let at = net.elapsed();
    assert!(
        at >= Duration::from_secs(32) && at < Duration::from_secs(33),
        "failover at {at:?}"
    );
    assert!(
        net.received(dead, "INVITE ").len() >= 6,
        "retransmitted to the dead server until Timer B"
    );
    net.command(CALLEE, Command::Accept(b, MediaMode::None));
    wait_for!(net, CALLER, SECOND, SessionEvent::Answered(i) if *i == first);

    // The next calls go straight to the live server: the dead one is
    // remembered, and the name is not looked up again (TTL one hour).
    for n in 2..=4 {
        let id = call(&mut net, n);
        let b = net.wait_incoming(CALLEE, SECOND);
        net.command(CALLEE, Command::Accept(b, MediaMode::None));
        wait_for!(net, CALLER, SECOND, SessionEvent::Answered(i) if *i == id);
    }
    assert_eq!(calls_at(&net, dead), 1, "the dead server saw the first call only");
    assert_eq!(net.lookups.len(), 1, "one lookup, then the cache");

    // After failed_for (60 s by default) it is first again.
    net.run_for(Duration::from_secs(61));
    call(&mut net, 5);
    net.run_for(SECOND);
    assert_eq!(calls_at(&net, dead), 2, "tried again once its failure is forgotten");
    assert!(net.media_errors.is_empty(), "{:?}", net.media_errors);
}

#[test]
fn a_503_fails_over_at_once_and_is_not_remembered() {
    let busy = addr(5);
    let mut net = net_with(
        2,
        DnsAnswer::Servers(vec![vec![srv(10, 0, busy), srv(20, 0, addr(2))]], HOUR),
    );
    for n in 1..=2 {
        let id = call(&mut net, n);
        let invite = net.wait_received(busy, "INVITE ", n as usize, SECOND);
        net.send(
            busy,
            addr(1),
            raw::reply(&invite, "503 Service Unavailable", "x", "", ""),
        );
        let b = net.wait_incoming(CALLEE, SECOND);
        net.command(CALLEE, Command::Accept(b, MediaMode::None));
        wait_for!(net, CALLER, SECOND, SessionEvent::Answered(i) if *i == id);
    }
    assert_eq!(calls_at(&net, busy), 2, "each call asks the first server first");
    assert_eq!(
        net.sent(addr(1), "SIP/2.0 503").len(),
        0,
        "the caller never hears the 503"
    );
}

#[test]
fn srv_weights_spread_calls_over_equal_priorities() {
    let (a, b) = (addr(2), addr(3));
    let mut net = net_with(3, DnsAnswer::Servers(vec![vec![srv(10, 3, a), srv(10, 1, b)]], HOUR));
    net.add(sim::ua_config(b, 33), None);
    for n in 1..=40 {
        call(&mut net, n);
    }
    net.run_for(SECOND);
    let (to_a, to_b) = (calls_at(&net, a), calls_at(&net, b));
    assert_eq!(to_a + to_b, 40);
    assert!(to_a > to_b && to_b > 0, "weights 3:1 gave {to_a}:{to_b}");
}

#[test]
fn a_lookup_that_fails_or_never_answers_fails_the_leg() {
    for (seed, answer, status, within) in [
        (
            4,
            DnsAnswer::Fails(LocateError::NotFound("trunk.sim".into())),
            StatusCode::SERVICE_UNAVAILABLE,
            SECOND,
        ),
        (
            5,
            DnsAnswer::Fails(LocateError::Dns("trunk.sim".into(), "truncated".into())),
            StatusCode::SERVICE_UNAVAILABLE,
            SECOND,
        ),
        (
            6,
            DnsAnswer::Silent,
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(6),
        ),
        (
            7,
            DnsAnswer::Servers(Vec::new(), HOUR),
            StatusCode::SERVICE_UNAVAILABLE,
            SECOND,
        ),
    ] {
        let mut net = net_with(seed, answer);
        let id = call(&mut net, 1);
        wait_for!(net, CALLER, within, SessionEvent::Failed(i, s) if *i == id && *s == status);
        net.run_for(Duration::from_secs(40));
        for i in 0..3 {
            assert_eq!(net.load(i), (0, 0), "seed {seed}: node {i} holds nothing");
        }
    }
}

#[test]
fn a_call_ended_while_its_target_is_looked_up_ends_at_once() {
    let mut net = net_with(8, DnsAnswer::Silent);
    let id = call(&mut net, 1);
    net.run_for(SECOND);
    assert_eq!(net.lookups.len(), 1);
    net.command(CALLER, Command::End(id));
    wait_for!(net, CALLER, SECOND, SessionEvent::Ended(i, EndReason::Cancelled) if *i == id);
    net.run_for(Duration::from_secs(40));
    assert!(
        net.received(addr(2), "INVITE").is_empty(),
        "nothing sent after the lookup's time"
    );
    assert_eq!(net.load(GW), (0, 0));
}

#[test]
fn a_redirect_to_a_host_name_is_looked_up_then_followed() {
    let redirector = addr(5);
    let mut net = Net::bridge(9, forward_to(redirector, &[]));
    net.dns.insert(
        "pbx.sim".into(),
        DnsAnswer::Servers(vec![vec![srv(0, 0, addr(2))]], HOUR),
    );
    let id = call(&mut net, 1);
    let invite = net.wait_received(redirector, "INVITE ", 1, SECOND);
    let contact = "Contact: <sip:carol@pbx.sim>\r\n";
    net.send(
        redirector,
        addr(1),
        raw::reply(&invite, "302 Moved Temporarily", "r", contact, ""),
    );
    let SessionEvent::Incoming(b, info) = wait_for!(net, CALLEE, SECOND, SessionEvent::Incoming(..)) else {
        unreachable!()
    };
    assert_eq!(info.uri(), "sip:carol@pbx.sim", "the Request-URI is the Contact's");
    net.command(CALLEE, Command::Accept(b, MediaMode::None));
    wait_for!(net, CALLER, SECOND, SessionEvent::Answered(i) if *i == id);
    assert_eq!(net.lookups.len(), 1);
}

#[test]
fn a_plain_call_to_a_name_and_its_failover_order_in_naptr_groups() {
    // No gateway: a UA's own call; two groups (as NAPTR would give), the
    // first group's only server silent: the second group's server answers.
    let mut net = Net::new(3, 10);
    let groups = vec![vec![srv(0, 0, addr(5))], vec![srv(0, 0, addr(1))]];
    net.dns.insert("peer.sim".into(), DnsAnswer::Servers(groups, HOUR));
    let id = CallId(1 << 40 | 1);
    net.command(0, Command::Call(id, "sip:bob@peer.sim".into(), TransportKind::Udp));
    let b = net.wait_incoming(1, Duration::from_secs(40));
    net.command(1, Command::Accept(b, MediaMode::None));
    wait_for!(net, 0, SECOND, SessionEvent::Answered(i) if *i == id);
    assert!(!net.received(addr(5), "INVITE ").is_empty(), "the first group first");
}

#[test]
fn a_registrar_named_by_dns_is_located_before_its_registers() {
    use rvoip::test_exports::session::{RegistrationConfig, RegistrationState, UaConfig};
    let registrar = addr(5);
    let mut net = Net::new(0, 11);
    let servers = vec![vec![srv(0, 0, registrar)]];
    net.dns.insert(
        "registrar.sim".into(),
        DnsAnswer::Servers(servers, Duration::from_secs(30)),
    );
    let reg = |registrar: &str| RegistrationConfig {
        aor: "sip:alice@sim".into(),
        registrar: registrar.into(),
        credentials: None,
        expires: 600,
        contact_user: String::new(),
    };
    let cfg = UaConfig {
        registrations: vec![reg("sip:registrar.sim"), reg("sip:nowhere.sim")],
        ..sim::ua_config(addr(0), 11)
    };
    net.add(cfg, None);
    let register = net.wait_received(registrar, "REGISTER ", 1, SECOND);
    assert!(register.starts_with("REGISTER sip:registrar.sim SIP/2.0"), "{register}");
    let contact = format!("Contact: {};expires=600\r\n", raw::header(&register, "Contact"));
    net.send(registrar, addr(0), raw::reply(&register, "200 OK", "r", &contact, ""));
    net.run_for(SECOND);
    let (_, states) = net.ep(0).registrations(0).expect("states");
    assert!(
        matches!(states[0].1, RegistrationState::Registered { expires: 600, .. }),
        "{states:?}"
    );
    assert!(
        matches!(states[1].1, RegistrationState::Failed { status, .. } if status == StatusCode::SERVICE_UNAVAILABLE),
        "a registrar DNS does not know fails with 503 (retried later): {:?}",
        states[1].1
    );
    // The refresh, at about half the expiry, after the answer's TTL (30
    // s) ran out: located again first.
    net.wait_received(registrar, "REGISTER ", 2, Duration::from_secs(400));
    let asked = |host: &str| net.lookups.iter().filter(|(_, q, _)| q.host == host).count();
    assert_eq!(asked("registrar.sim"), 2);
}

#[test]
fn a_dialog_whose_contact_names_a_host_sends_its_requests_where_dns_says() {
    // A hand-written caller at addr(5) whose Contact names caller.sim,
    // which DNS puts at addr(6): the callee's BYE goes there.
    let (me, at) = (addr(5), addr(6));
    let mut net = Net::new(2, 12);
    net.dns
        .insert("caller.sim".into(), DnsAnswer::Servers(vec![vec![srv(0, 0, at)]], HOUR));
    let offer = raw::sdp(40000, 0, "PCMU/8000");
    let invite = String::from_utf8(raw::invite(me, addr(1), "bob", "named-1", "n1", &offer)).unwrap();
    let invite = invite.replace(&format!("Contact: <sip:peer@{me}>"), "Contact: <sip:peer@caller.sim>");
    net.send(me, addr(1), invite.into_bytes());
    let id = net.wait_incoming(1, SECOND);
    net.command(1, Command::Accept(id, MediaMode::None));
    let ok = net.wait_received(me, "SIP/2.0 200", 1, SECOND);
    let ack = raw::in_dialog("ACK", me, addr(1), "named-1", raw::header(&ok, "To"), 1, "a1");
    net.send(me, addr(1), ack);
    net.run_for(SECOND);
    net.command(1, Command::End(id));
    net.wait_received(at, "BYE ", 1, SECOND);
    assert!(net.received(me, "BYE ").is_empty(), "not to where the INVITE came from");
    assert_eq!(net.lookups.len(), 1);
}
