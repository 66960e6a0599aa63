//! A 3xx on the gateway's outbound leg is followed (RFC 3261 §8.1.3.4):
//! the INVITE goes on to the best Contact the gateway can reach, and the
//! caller hears only how that ends. Over loopback: API client -> gateway
//! -> raw redirector, then -> API server. The other redirect cases (no
//! redirects allowed, loops, a failing, declining or silent target) run
//! in simulated time in sim_redirect.rs.

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
        capture_dir: None,
        transfer: true,
        user_prefix: String::new(),
        domain: None,
        sources: Vec::new(),
        action: RouteAction::Forward {
            uri: format!("sip:{target}"),
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
    // The highest q names a host under .invalid (RFC 6761: no DNS server
    // is asked, it never resolves), so the one with an address is taken.
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
