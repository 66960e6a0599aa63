//! A 3xx on the gateway's outbound leg is followed (RFC 3261 §8.1.3.4):
//! the INVITE goes on to the best Contact the gateway can reach, and the
//! caller hears only how that ends. Over loopback: API client -> gateway
//! -> raw redirector, then -> API server.

use rvoip::api::*;

mod events;
use events::next;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::UdpSocket;

mod ports;

fn server_cfg(pairs: u16, max_redirects: u8) -> ServerConfig {
    let base = ports::free_block(pairs);
    ServerConfig {
        sip_addr: "127.0.0.1:0".parse().unwrap(),
        rtp_ports: (base, base + 2 * pairs),
        media_workers: 1,
        seed: Some(5),
        max_redirects,
        ..Default::default()
    }
}

async fn gateway_to(target: SocketAddr, max_redirects: u8) -> SipGateway {
    let route = Route {
        user_prefix: String::new(),
        domain: None,
        action: RouteAction::Forward {
            uri: format!("sip:{target}"),
            transport: Transport::Udp,
            codecs: Vec::new(),
        },
    };
    let gw = GatewayConfig {
        routes: vec![route],
        ..Default::default()
    };
    create_gateway(server_cfg(8, max_redirects), gw).await.unwrap()
}

/// The next datagram on `sock` and where it came from.
async fn recv(sock: &UdpSocket) -> (String, SocketAddr) {
    let mut buf = vec![0u8; 65536];
    let (n, from) = tokio::time::timeout(Duration::from_secs(5), sock.recv_from(&mut buf))
        .await
        .expect("a message within 5 s")
        .unwrap();
    (String::from_utf8_lossy(&buf[..n]).into_owned(), from)
}

fn header<'a>(msg: &'a str, name: &str) -> &'a str {
    msg.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix(": ")))
        .unwrap_or("")
}

/// A 302 to `invite` naming `contacts`.
fn moved(invite: &str, contacts: &str) -> String {
    format!(
        "SIP/2.0 302 Moved Temporarily\r\nVia: {}\r\nFrom: {}\r\nTo: {};tag=r1\r\nCall-ID: {}\r\nCSeq: {}\r\n\
         Contact: {contacts}\r\nContent-Length: 0\r\n\r\n",
        header(invite, "Via"),
        header(invite, "From"),
        header(invite, "To"),
        header(invite, "Call-ID"),
        header(invite, "CSeq"),
    )
}

#[tokio::test]
async fn a_302_is_followed_to_the_best_reachable_contact() {
    let mut server = create_sip_server(server_cfg(4, 3)).await.unwrap();
    let redirector = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let gw = gateway_to(redirector.local_addr().unwrap(), 3).await;
    let mut c = create_sip_client(ClientConfig::default()).await.unwrap();
    let id = c.make_call(&format!("sip:carol@{}", gw.local_addr())).unwrap();

    let (invite, gw_addr) = recv(&redirector).await;
    assert!(invite.starts_with("INVITE "), "{invite}");
    // The highest q is a name (no DNS here), so the reachable one is taken.
    let target = format!("sip:carol@{}", server.local_addr());
    let contacts = format!("<sip:carol@pbx.invalid>;q=0.9, <{target}>;q=0.5, <sip:x@127.0.0.1:9>;q=0.1");
    redirector
        .send_to(moved(&invite, &contacts).as_bytes(), gw_addr)
        .await
        .unwrap();
    let (ack, _) = recv(&redirector).await;
    assert!(ack.starts_with("ACK "), "the 302 is acknowledged: {ack}");
    assert_eq!(header(&ack, "CSeq"), header(&invite, "CSeq").replace("INVITE", "ACK"));

    let inc = match next(&mut server).await {
        CallEvent::Incoming(i) => i,
        ev => panic!("expected the redirected INVITE, got {ev:?}"),
    };
    assert_eq!(inc.uri(), target, "the Request-URI is the Contact's");
    assert_eq!(
        inc.to(),
        header(&invite, "To"),
        "To, From and Call-ID stay those of the first INVITE"
    );
    let sid = inc.accept().unwrap();
    assert!(matches!(next(&mut c).await, CallEvent::Answered(i) if i == id));
    assert!(
        matches!(next(&mut server).await, CallEvent::Answered(i) if i == sid),
        "the ACK came through"
    );
    c.end_call(id).unwrap();
    let ev = next(&mut server).await;
    assert!(matches!(ev, CallEvent::Ended(i, _) if i == sid), "{ev:?}");
    let ev = next(&mut c).await;
    assert!(matches!(ev, CallEvent::Ended(i, _) if i == id), "{ev:?}");
}

#[tokio::test]
async fn with_redirects_off_the_caller_gets_480() {
    let redirector = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let gw = gateway_to(redirector.local_addr().unwrap(), 0).await;
    let mut c = create_sip_client(ClientConfig::default()).await.unwrap();
    let id = c.make_call(&format!("sip:dan@{}", gw.local_addr())).unwrap();
    let (invite, gw_addr) = recv(&redirector).await;
    let reply = moved(&invite, "<sip:dan@127.0.0.1:9>");
    redirector.send_to(reply.as_bytes(), gw_addr).await.unwrap();
    assert!(matches!(next(&mut c).await, CallEvent::Failed(i, StatusCode::TEMPORARILY_UNAVAILABLE) if i == id));
}

#[tokio::test]
async fn redirect_loops_stop_after_max_redirects() {
    let redirector = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let me = redirector.local_addr().unwrap();
    let gw = gateway_to(me, 2).await;
    let mut c = create_sip_client(ClientConfig::default()).await.unwrap();
    let id = c.make_call(&format!("sip:eve@{}", gw.local_addr())).unwrap();
    let mut cseqs = Vec::new();
    let mut call_ids = Vec::new();
    // The redirector sends every INVITE back to itself: 1 + 2 hops.
    while cseqs.len() < 3 {
        let (msg, gw_addr) = recv(&redirector).await;
        if !msg.starts_with("INVITE ") {
            continue;
        }
        cseqs.push(header(&msg, "CSeq").to_owned());
        call_ids.push(header(&msg, "Call-ID").to_owned());
        let reply = moved(&msg, &format!("<sip:eve@{me}>"));
        redirector.send_to(reply.as_bytes(), gw_addr).await.unwrap();
    }
    assert_eq!(cseqs, ["1 INVITE", "2 INVITE", "3 INVITE"], "the next CSeq per hop");
    assert!(call_ids.iter().all(|c| *c == call_ids[0]), "one Call-ID: {call_ids:?}");
    assert!(matches!(next(&mut c).await, CallEvent::Failed(i, StatusCode::TEMPORARILY_UNAVAILABLE) if i == id));
}

/// A final response `status` to `invite` (the redirector playing a target).
fn refuse(invite: &str, status: &str) -> String {
    format!(
        "SIP/2.0 {status}\r\nVia: {}\r\nFrom: {}\r\nTo: {};tag=t2\r\nCall-ID: {}\r\nCSeq: {}\r\nContent-Length: 0\r\n\r\n",
        header(invite, "Via"),
        header(invite, "From"),
        header(invite, "To"),
        header(invite, "Call-ID"),
        header(invite, "CSeq"),
    )
}

/// The next INVITE (or ACK, with `method`) the redirector receives.
async fn recv_method(sock: &UdpSocket, method: &str) -> (String, SocketAddr) {
    loop {
        let (msg, from) = recv(sock).await;
        if msg.starts_with(method) {
            return (msg, from);
        }
    }
}

/// An API server, a raw redirector behind a gateway, and a call from an
/// API client to `user` whose first INVITE the redirector has received.
/// (server, redirector, its address, gateway, client, call, first INVITE,
/// the gateway's address it came from).
struct Setup(
    SipServer,
    UdpSocket,
    SocketAddr,
    SipGateway,
    SipClient,
    CallId,
    String,
    SocketAddr,
);

async fn setup(user: &str) -> Setup {
    let server = create_sip_server(server_cfg(4, 3)).await.unwrap();
    let redirector = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let me = redirector.local_addr().unwrap();
    let gw = gateway_to(me, 3).await;
    let c = create_sip_client(ClientConfig::default()).await.unwrap();
    let id = c.make_call(&format!("sip:{user}@{}", gw.local_addr())).unwrap();
    let (invite, gw_addr) = recv_method(&redirector, "INVITE ").await;
    Setup(server, redirector, me, gw, c, id, invite, gw_addr)
}

#[tokio::test]
async fn a_target_that_fails_gives_way_to_the_next_contact() {
    let Setup(mut server, redirector, me, _gw, mut c, id, invite, gw_addr) = setup("fay").await;
    let target = format!("sip:fay@{}", server.local_addr());
    // The better Contact is the redirector itself, which then says busy.
    let contacts = format!("<{target}>;q=0.5, <sip:fay-busy@{me}>;q=0.9");
    redirector
        .send_to(moved(&invite, &contacts).as_bytes(), gw_addr)
        .await
        .unwrap();
    let (second, _) = recv_method(&redirector, "INVITE ").await;
    assert!(
        second.starts_with(&format!("INVITE sip:fay-busy@{me} ")),
        "q=0.9 first: {second}"
    );
    assert_eq!(header(&second, "CSeq"), "2 INVITE");
    redirector
        .send_to(refuse(&second, "486 Busy Here").as_bytes(), gw_addr)
        .await
        .unwrap();
    let (ack, _) = recv_method(&redirector, "ACK ").await;
    assert_eq!(header(&ack, "CSeq"), "2 ACK", "the 486 is acknowledged");

    let inc = match next(&mut server).await {
        CallEvent::Incoming(i) => i,
        ev => panic!("expected the next Contact's INVITE, got {ev:?}"),
    };
    assert_eq!(inc.uri(), target);
    inc.accept().unwrap();
    assert!(matches!(next(&mut c).await, CallEvent::Answered(i) if i == id));
    c.end_call(id).unwrap();
    let ev = next(&mut c).await;
    assert!(matches!(ev, CallEvent::Ended(i, _) if i == id), "{ev:?}");
}

#[tokio::test]
async fn a_6xx_from_a_target_ends_the_search() {
    let Setup(mut server, redirector, me, _gw, mut c, id, invite, gw_addr) = setup("gus").await;
    let contacts = format!("<sip:gus@{me}>;q=0.9, <sip:gus@{}>;q=0.5", server.local_addr());
    redirector
        .send_to(moved(&invite, &contacts).as_bytes(), gw_addr)
        .await
        .unwrap();
    let (second, _) = recv_method(&redirector, "INVITE ").await;
    redirector
        .send_to(refuse(&second, "603 Decline").as_bytes(), gw_addr)
        .await
        .unwrap();
    assert!(matches!(next(&mut c).await, CallEvent::Failed(i, StatusCode::DECLINE) if i == id));
    let quiet = tokio::time::timeout(Duration::from_millis(500), server.next_event()).await;
    assert!(
        quiet.is_err(),
        "§21.6: a 6xx is global, no other Contact is tried: {quiet:?}"
    );
}

#[tokio::test]
async fn a_target_that_never_answers_gives_way_after_timer_b() {
    let mut server = create_sip_server(server_cfg(4, 3)).await.unwrap();
    let redirector = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    let silent = UdpSocket::bind("127.0.0.1:0").await.unwrap();
    // T1 = 10 ms: Timer B (64 × T1) fires after 640 ms.
    let mut cfg = server_cfg(8, 3);
    cfg.timers.t1 = Duration::from_millis(10);
    let route = Route {
        user_prefix: String::new(),
        domain: None,
        action: RouteAction::Forward {
            uri: format!("sip:{}", redirector.local_addr().unwrap()),
            transport: Transport::Udp,
            codecs: Vec::new(),
        },
    };
    let gw_cfg = GatewayConfig {
        routes: vec![route],
        ..Default::default()
    };
    let gw = create_gateway(cfg, gw_cfg).await.unwrap();
    let mut c = create_sip_client(ClientConfig::default()).await.unwrap();
    let id = c.make_call(&format!("sip:hal@{}", gw.local_addr())).unwrap();

    let (invite, gw_addr) = recv_method(&redirector, "INVITE ").await;
    let target = format!("sip:hal@{}", server.local_addr());
    let contacts = format!("<sip:hal@{}>;q=0.9, <{target}>;q=0.5", silent.local_addr().unwrap());
    redirector
        .send_to(moved(&invite, &contacts).as_bytes(), gw_addr)
        .await
        .unwrap();
    let (first, _) = recv_method(&silent, "INVITE ").await;
    assert_eq!(header(&first, "CSeq"), "2 INVITE");
    let inc = match next(&mut server).await {
        CallEvent::Incoming(i) => i,
        ev => panic!("expected the next Contact's INVITE after Timer B, got {ev:?}"),
    };
    assert_eq!(inc.uri(), target);
    assert_eq!(inc.to(), header(&invite, "To"));
    inc.accept().unwrap();
    assert!(matches!(next(&mut c).await, CallEvent::Answered(i) if i == id));
}
