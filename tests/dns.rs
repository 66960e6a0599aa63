//! RFC 3263 against a real DNS server over loopback (hickory's, started
//! by each test: dns_server/): an API client calls a gateway whose route
//! names `sip:trunk.test`; the zone's NAPTR and SRV records name two
//! servers, the first dead. The call fails over to the second, and the
//! next call goes straight there (the dead server remembered). A name
//! whose answer is empty, truncated (and no TCP to retry on) or loops
//! fails its leg with a final status, never hangs; an API client calls a
//! host name itself. The orders, weights and timers themselves are tested
//! in simulated time (sim_dns.rs).

use rvoip::api::*;

mod dns_server;
mod events;
mod ports;

use events::next;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::UdpSocket;

/// A zone for `test.` with `records` (relative names) after its SOA.
fn zone(records: &str) -> String {
    format!("$ORIGIN test.\n$TTL 60\n@ IN SOA ns.test. admin.test. 1 3600 600 86400 60\n{records}")
}

fn server_cfg(dns: SocketAddr) -> ServerConfig {
    let base = ports::free_block(8);
    ServerConfig {
        sip_addr: "127.0.0.1:0".parse().unwrap(),
        rtp_ports: (base, base + 16),
        media_workers: 1,
        seed: Some(7),
        // Timer B = 64·T1 = 640 ms: a dead UDP server is given up quickly.
        timers: Timers {
            t1: Duration::from_millis(10),
            ..Default::default()
        },
        dns: DnsConfig {
            servers: vec![dns],
            ..Default::default()
        },
        ..Default::default()
    }
}

/// A gateway on loopback routing every call to `uri`, asking DNS at `dns`.
async fn gateway_to(uri: &str, dns: SocketAddr) -> SipGateway {
    let route = Route {
        capture_dir: None,
        transfer: true,
        user_prefix: String::new(),
        domain: None,
        sources: Vec::new(),
        action: RouteAction::Forward {
            uri: uri.into(),
            credentials: None,
            srtp: Default::default(),
            sdes_in_clear: false,
            transport: Transport::Udp,
            codecs: Vec::new(),
        },
    };
    let gw = GatewayConfig {
        routes: vec![route],
        ..Default::default()
    };
    create_gateway(server_cfg(dns), gw).await.unwrap()
}

/// A callee on loopback (UDP and TCP) that answers every call.
async fn callee() -> SipServer {
    let base = ports::free_block(8);
    let cfg = ServerConfig {
        sip_addr: "127.0.0.1:0".parse().unwrap(),
        rtp_ports: (base, base + 16),
        media_workers: 1,
        ..Default::default()
    };
    create_sip_server(cfg).await.unwrap()
}

/// A client calls `sip:bob@` the gateway; the callee answers it: the
/// call's end, with the client's id.
async fn call_answered(c: &mut SipClient, gw: &SipGateway, callee: &mut SipServer) {
    let id = c.make_call(&format!("sip:bob@{}", gw.local_addr())).unwrap();
    let inc = match next(callee).await {
        CallEvent::Incoming(i) => i,
        ev => panic!("expected the call at the live server, got {ev:?}"),
    };
    inc.accept().unwrap();
    assert!(matches!(next(c).await, CallEvent::Answered(i) if i == id));
    c.end_call(id).unwrap();
    assert!(matches!(next(c).await, CallEvent::Ended(i, _) if i == id));
    assert!(matches!(next(callee).await, CallEvent::Answered(_)));
    assert!(matches!(next(callee).await, CallEvent::Ended(..)));
}

/// The Call-IDs of the INVITEs `sock` has received so far.
fn invites_seen(sock: &UdpSocket, seen: &mut Vec<String>) {
    let mut buf = vec![0u8; 65536];
    while let Ok(n) = sock.try_recv(&mut buf) {
        let text = String::from_utf8_lossy(&buf[..n]);
        let call_id = text.lines().find_map(|l| l.strip_prefix("Call-ID: ")).unwrap_or("");
        if text.starts_with("INVITE ") && !seen.iter().any(|s| s == call_id) {
            seen.push(call_id.to_owned());
        }
    }
}

#[tokio::test]
async fn the_first_srv_server_dead_the_call_goes_to_the_second_and_so_do_the_next() {
    // The dead server: a socket that reads and never answers.
    let dead = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let mut alive = callee().await;
    let (dead_port, alive_port) = (dead.local_addr().unwrap().port(), alive.local_addr().port());
    let records = format!(
        "trunk IN NAPTR 10 10 \"s\" \"SIP+D2U\" \"\" _sip._udp.trunk.test.\n\
         _sip._udp.trunk IN SRV 10 0 {dead_port} dead.trunk.test.\n\
         _sip._udp.trunk IN SRV 20 0 {alive_port} alive.trunk.test.\n\
         dead.trunk IN A 127.0.0.1\nalive.trunk IN A 127.0.0.1\n"
    );
    let dns = dns_server::serve("test.", &zone(&records), true).await;
    let gw = gateway_to("sip:trunk.test", dns.addr).await;
    let mut c = create_sip_client(ClientConfig::default()).await.unwrap();
    let mut seen = Vec::new();
    call_answered(&mut c, &gw, &mut alive).await;
    invites_seen(&dead, &mut seen);
    assert_eq!(seen.len(), 1, "the first call tried the dead server first");
    for _ in 0..3 {
        call_answered(&mut c, &gw, &mut alive).await;
    }
    invites_seen(&dead, &mut seen);
    assert_eq!(seen.len(), 1, "the next calls went straight to the live server");
}

#[tokio::test]
async fn a_refused_connection_fails_over_at_once() {
    // NAPTR picks TCP; the first SRV server's port has no listener.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed_port = closed.local_addr().unwrap().port();
    drop(closed);
    let mut alive = callee().await;
    let alive_port = alive.local_addr().port();
    let records = format!(
        "trunk IN NAPTR 10 10 \"s\" \"SIP+D2T\" \"\" _sip._tcp.trunk.test.\n\
         _sip._tcp.trunk IN SRV 10 0 {closed_port} trunk.test.\n\
         _sip._tcp.trunk IN SRV 20 0 {alive_port} trunk.test.\ntrunk IN A 127.0.0.1\n"
    );
    let dns = dns_server::serve("test.", &zone(&records), true).await;
    let gw = gateway_to("sip:trunk.test", dns.addr).await;
    let mut c = create_sip_client(ClientConfig::default()).await.unwrap();
    let id = c.make_call(&format!("sip:bob@{}", gw.local_addr())).unwrap();
    let inc = match next(&mut alive).await {
        CallEvent::Incoming(i) => i,
        ev => panic!("expected the call at the live server, got {ev:?}"),
    };
    assert_eq!(
        inc.uri(),
        "sip:bob@trunk.test",
        "the Request-URI names the host, not the server"
    );
    inc.accept().unwrap();
    assert!(matches!(next(&mut c).await, CallEvent::Answered(i) if i == id));
    c.end_call(id).unwrap();
}

/// Calls `sip:bob@` the gateway routing to `uri`: the status it fails with.
async fn fails_with(uri: &str, dns: SocketAddr) -> StatusCode {
    let gw = gateway_to(uri, dns).await;
    let mut c = create_sip_client(ClientConfig::default()).await.unwrap();
    let id = c.make_call(&format!("sip:bob@{}", gw.local_addr())).unwrap();
    match next(&mut c).await {
        CallEvent::Failed(i, status) if i == id => status,
        ev => panic!("{uri}: expected the call to fail, got {ev:?}"),
    }
}

#[tokio::test]
async fn empty_truncated_and_looping_answers_fail_the_leg() {
    let mut records = String::from(
        "empty IN TXT \"no SIP here\"\n\
         loop1 IN CNAME loop2.test.\nloop2 IN CNAME loop1.test.\n",
    );
    // More addresses than a UDP answer holds: truncated, and this server
    // has no TCP to retry on.
    for i in 1..=200 {
        records += &format!("big IN A 127.0.{}.{}\n", i / 200, i % 200 + 1);
    }
    let dns = dns_server::serve("test.", &zone(&records), false).await;
    let unavailable = StatusCode::SERVICE_UNAVAILABLE;
    assert_eq!(fails_with("sip:empty.test", dns.addr).await, unavailable, "no records");
    assert_eq!(
        fails_with("sip:nosuch.test", dns.addr).await,
        unavailable,
        "no such name"
    );
    assert_eq!(
        fails_with("sip:big.test:5060", dns.addr).await,
        unavailable,
        "truncated"
    );
    let looping = fails_with("sip:loop1.test:5060", dns.addr).await;
    assert!(
        [unavailable, StatusCode::REQUEST_TIMEOUT].contains(&looping),
        "a CNAME loop: {looping}"
    );
}

#[tokio::test]
async fn make_call_to_a_host_name() {
    let mut alive = callee().await;
    let port = alive.local_addr().port();
    let dns = dns_server::serve("test.", &zone("pbx IN A 127.0.0.1\n"), true).await;
    let mut cfg = ClientConfig::default();
    cfg.server.dns.servers = vec![dns.addr];
    let mut c = create_sip_client(cfg).await.unwrap();
    let id = c.make_call(&format!("sip:bob@pbx.test:{port}")).unwrap();
    let inc = match next(&mut alive).await {
        CallEvent::Incoming(i) => i,
        ev => panic!("expected the call, got {ev:?}"),
    };
    assert_eq!(inc.uri(), format!("sip:bob@pbx.test:{port}"));
    inc.accept().unwrap();
    assert!(matches!(next(&mut c).await, CallEvent::Answered(i) if i == id));
    c.end_call(id).unwrap();
    assert!(matches!(next(&mut c).await, CallEvent::Ended(i, _) if i == id));
}
