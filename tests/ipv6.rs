//! IPv6 end to end over real sockets (issue #18 item 8): a gateway that
//! listens on [::1] and 127.0.0.1 bridges an IPv6 caller to an IPv4
//! callee — Via, Contact and SDP of each leg in its peer's family
//! (`c=IN IP6 ::1` toward the caller, `IN IP4` toward the callee),
//! `received`/`rport` stamped for an IPv6 source, the media anchored on an
//! IPv6 socket for one leg and an IPv4 one for the other, audio both ways;
//! the same over TCP and TLS on [::1]. Skipped, saying so, on a host
//! without an IPv6 loopback.

use rvoip::api::*;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::UdpSocket;

mod events;
mod ports;
mod tone;
use events::next;

const V6: &str = "[::1]:0";
const V4: &str = "127.0.0.1:0";

/// A server config on `sip` (and `alt`, of the other family) with `pairs`
/// RTP port pairs; media on the SIP addresses' IPs.
fn cfg(sip: &str, alt: Option<&str>, pairs: u16) -> ServerConfig {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_test_writer()
        .try_init();
    let base = ports::free_block(pairs);
    let sip_addr: SocketAddr = sip.parse().unwrap();
    ServerConfig {
        sip_addr,
        sip_addr_alt: alt.map(|a| a.parse().unwrap()),
        media_addr: sip_addr.ip(),
        rtp_ports: (base, base + 2 * pairs),
        media_workers: 1,
        seed: Some(18),
        ..Default::default()
    }
}

fn forward(uri: String, transport: Transport) -> Route {
    Route {
        capture_dir: None,
        transfer: true,
        user_prefix: String::new(),
        domain: None,
        sources: Vec::new(),
        action: RouteAction::Forward {
            uri,
            transport,
            codecs: Vec::new(),
            credentials: None,
            srtp: Default::default(),
            sdes_in_clear: false,
        },
    }
}

/// A gateway on [::1] and 127.0.0.1 bridging every call to `target`.
async fn dual_gateway(target: String, transport: Transport) -> SipGateway {
    let gw = GatewayConfig {
        routes: vec![forward(target, transport)],
        ..Default::default()
    };
    create_gateway(cfg(V6, Some(V4), 8), gw)
        .await
        .expect("gateway binds both")
}

/// Sends a 440 Hz (caller) and a 1 kHz (callee) tone for 1.6 s and
/// checks each side hears the other's.
async fn tones_both_ways(caller: CallAudio, callee: CallAudio) -> (CallAudio, CallAudio) {
    async fn talk(mut audio: CallAudio, freq: f64) -> (CallAudio, Vec<f64>) {
        let len = audio.frame_len();
        let mut tick = tokio::time::interval(Duration::from_millis(20));
        let mut heard = Vec::new();
        for t in 0..80 {
            tick.tick().await;
            let _ = audio.send(&tone::sine(t * len, len, freq, 8000.0, 8000.0));
            while let Ok(f) = audio.try_recv() {
                heard.extend(f.pcm().iter().map(|&s| f64::from(s)));
            }
        }
        (audio, heard)
    }
    let ((caller, heard_by_caller), (callee, heard_by_callee)) =
        tokio::join!(talk(caller, 440.0), talk(callee, 1000.0));
    for (heard, freq, who) in [
        (heard_by_callee, 440.0, "the IPv4 callee"),
        (heard_by_caller, 1000.0, "the IPv6 caller"),
    ] {
        assert!(heard.len() >= 40 * 160, "{who} heard {} samples", heard.len());
        let tail = &heard[heard.len() - 20 * 160..];
        let share = tone::share_at(tail, freq, 8000.0);
        assert!(share > 0.8, "{who} hears {freq} Hz (share {share:.2})");
        assert!(tone::rms(tail) > 2000.0, "{who}: level {:.0}", tone::rms(tail));
    }
    (caller, callee)
}

/// An API caller on [::1] calls through the dual gateway to an API callee
/// on 127.0.0.1 over `transport`; both hear each other.
async fn api_call_v6_to_v4(transport: Transport) {
    let mut server = create_sip_server(cfg(V4, None, 4)).await.unwrap();
    let tcp = if transport == Transport::Tcp {
        ";transport=tcp"
    } else {
        ""
    };
    let gw = dual_gateway(format!("sip:{}{tcp}", server.local_addr()), transport).await;
    let gw6 = gw.local_addr();
    assert!(gw6.is_ipv6(), "the gateway's main address is [::1]: {gw6}");
    let mut client = create_sip_client(ClientConfig {
        bind: V6.parse().unwrap(),
        server: cfg(V6, None, 4),
        ..Default::default()
    })
    .await
    .unwrap();
    let rate = AudioConfig {
        rate: 8000,
        queue_frames: 10,
    };
    let uri = format!("sip:bob@{gw6}{tcp}");
    let (id, caller) = client.make_call_audio(&uri, &CallOptions::default(), rate).unwrap();
    let CallEvent::Incoming(inc) = next(&mut server).await else {
        panic!("no call at the IPv4 callee")
    };
    assert!(
        inc.source().is_ipv4(),
        "the callee hears the gateway over IPv4: {}",
        inc.source()
    );
    assert_eq!(inc.user(), "bob");
    let (sid, callee) = inc.accept_audio(rate).unwrap();
    assert!(matches!(next(&mut client).await, CallEvent::Answered(i) if i == id));
    let (caller, callee) = tones_both_ways(caller, callee).await;
    drop((caller, callee));
    client.end_call(id).unwrap();
    loop {
        match next(&mut server).await {
            CallEvent::Ended(i, _) if i == sid => break,
            CallEvent::Answered(i) if i == sid => {}
            ev => panic!("the callee's call ends: {ev:?}"),
        }
    }
    let g = gw.gateway_stats();
    assert_eq!((g.bridged, g.bridged_answered), (1, 1));
}

#[tokio::test]
async fn an_ipv6_api_caller_reaches_an_ipv4_callee_over_udp_with_audio_both_ways() {
    if ports::ipv6_loopback("an_ipv6_api_caller_reaches_an_ipv4_callee_over_udp_with_audio_both_ways") {
        api_call_v6_to_v4(Transport::Udp).await;
    }
}

#[tokio::test]
async fn an_ipv6_api_caller_reaches_an_ipv4_callee_over_tcp_with_audio_both_ways() {
    if ports::ipv6_loopback("an_ipv6_api_caller_reaches_an_ipv4_callee_over_tcp_with_audio_both_ways") {
        api_call_v6_to_v4(Transport::Tcp).await;
    }
}

/// A raw SIP peer on UDP with an RTP socket, on 127.0.0.1 or [::1].
struct Raw {
    sip: UdpSocket,
    rtp: UdpSocket,
}

impl Raw {
    async fn on(addr: &str) -> Raw {
        Raw {
            sip: UdpSocket::bind(addr).await.unwrap(),
            rtp: UdpSocket::bind(addr).await.unwrap(),
        }
    }

    fn addr(&self) -> SocketAddr {
        self.sip.local_addr().unwrap()
    }

    /// Our SDP: `c=IN IP6 ::1` or `IN IP4`, PCMU.
    fn sdp(&self) -> String {
        let at = self.rtp.local_addr().unwrap();
        let (family, ip) = if at.is_ipv6() {
            ("IP6", "::1")
        } else {
            ("IP4", "127.0.0.1")
        };
        format!(
            "v=0\r\no=t 1 1 IN {family} {ip}\r\ns=-\r\nc=IN {family} {ip}\r\nt=0 0\r\nm=audio {} RTP/AVP 0\r\n",
            at.port()
        )
    }

    async fn expect(&self, start: &str) -> (String, SocketAddr) {
        let mut buf = vec![0u8; 8192];
        loop {
            let (n, from) = tokio::time::timeout(Duration::from_secs(5), self.sip.recv_from(&mut buf))
                .await
                .unwrap_or_else(|_| panic!("{start} in time"))
                .unwrap();
            let m = String::from_utf8_lossy(&buf[..n]).into_owned();
            if m.starts_with(start) {
                return (m, from);
            }
        }
    }

    async fn send(&self, msg: &str, to: SocketAddr) {
        self.sip.send_to(msg.as_bytes(), to).await.unwrap();
    }
}

fn header<'a>(msg: &'a str, name: &str) -> &'a str {
    msg.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix(": ")))
        .unwrap_or("")
}

/// The audio address an SDP body gives: (`c=` family token, address).
fn sdp_media(msg: &str) -> (String, SocketAddr) {
    let c = msg.lines().find_map(|l| l.strip_prefix("c=IN ")).unwrap();
    let (family, ip) = c.trim().split_once(' ').unwrap();
    let port: u16 = msg
        .lines()
        .find_map(|l| l.strip_prefix("m=audio "))
        .and_then(|r| r.split(' ').next())
        .unwrap()
        .parse()
        .unwrap();
    (family.to_owned(), SocketAddr::new(ip.parse().unwrap(), port))
}

fn rtp(seq: u16, fill: u8) -> Vec<u8> {
    let mut p = vec![0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9];
    p[2..4].copy_from_slice(&seq.to_be_bytes());
    p[4..8].copy_from_slice(&(u32::from(seq) * 160).to_be_bytes());
    p.extend(std::iter::repeat_n(fill, 160));
    p
}

/// Sends RTP carrying `fill` from `from` to `to` every 20 ms until one
/// arrives at `at` (or 2 s pass: the media may start a moment after the
/// ACK); where it came from.
async fn relayed(from: &UdpSocket, to: SocketAddr, at: &UdpSocket, fill: u8) -> Option<SocketAddr> {
    let mut buf = [0u8; 2048];
    for seq in 0..100 {
        from.send_to(&rtp(seq, fill), to).await.unwrap();
        let deadline = tokio::time::Instant::now() + Duration::from_millis(20);
        while let Ok(Ok((n, src))) = tokio::time::timeout_at(deadline, at.recv_from(&mut buf)).await {
            if n > 12 && buf[12..n].iter().all(|&b| b == fill) {
                return Some(src);
            }
        }
    }
    None
}

/// Raw caller on [::1] -> dual gateway -> raw callee on 127.0.0.1: each
/// leg's Via, Contact and SDP in its peer's family, `received`/`rport`
/// stamped for the IPv6 caller, RTP relayed between the IPv6 and the
/// IPv4 leg both ways.
#[tokio::test]
async fn a_raw_ipv6_caller_and_ipv4_callee_each_get_their_family() {
    if !ports::ipv6_loopback("a_raw_ipv6_caller_and_ipv4_callee_each_get_their_family") {
        return;
    }
    let (a, b) = (Raw::on(V6).await, Raw::on(V4).await);
    let gw = dual_gateway(format!("sip:{}", b.addr()), Transport::Udp).await;
    let gwa = gw.local_addr();
    let me = a.addr();
    // A sent-by that is not where we send from, asking for rport: the
    // gateway answers to our real address and says where it saw us.
    let sdp = a.sdp();
    let invite = format!(
        "INVITE sip:bob@{gwa} SIP/2.0\r\nVia: SIP/2.0/UDP caller.invalid:9;branch=z9hG4bKv6a;rport\r\nMax-Forwards: 70\r\n\
         From: <sip:alice@{me}>;tag=a6\r\nTo: <sip:bob@{gwa}>\r\nCall-ID: v6-call\r\nCSeq: 1 INVITE\r\n\
         Contact: <sip:alice@{me}>\r\nContent-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{sdp}",
        sdp.len()
    );
    a.send(&invite, gwa).await;

    // The callee's leg: IPv4 throughout.
    let (inv, from) = b.expect("INVITE ").await;
    assert!(
        from.is_ipv4(),
        "the INVITE comes from the gateway's IPv4 address: {from}"
    );
    assert!(
        header(&inv, "Via").starts_with(&format!("SIP/2.0/UDP {from};")),
        "{inv}"
    );
    assert!(header(&inv, "Contact").contains(&format!("@{from}>")), "{inv}");
    let (family, b_media) = sdp_media(&inv);
    assert_eq!(family, "IP4", "{inv}");
    assert!(
        inv.contains("o=rvoip ") && inv.contains(" IN IP4 127.0.0.1\r\n"),
        "{inv}"
    );
    let sdp_b = b.sdp();
    let vias: String = inv
        .lines()
        .filter(|l| l.starts_with("Via: "))
        .map(|l| format!("{l}\r\n"))
        .collect();
    let ok = format!(
        "SIP/2.0 200 OK\r\n{vias}From: {}\r\nTo: {};tag=b4\r\nCall-ID: {}\r\nCSeq: 1 INVITE\r\n\
         Contact: <sip:bob@{}>\r\nContent-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{sdp_b}",
        header(&inv, "From"),
        header(&inv, "To"),
        header(&inv, "Call-ID"),
        b.addr(),
        sdp_b.len()
    );
    b.send(&ok, from).await;
    b.expect("ACK ").await;

    // The caller's leg: IPv6 throughout.
    let (ok, from) = a.expect("SIP/2.0 200").await;
    assert_eq!(from, gwa, "answered from the gateway's [::1] address");
    let via = header(&ok, "Via");
    assert!(
        via.contains(&format!("rport={}", me.port())) && via.contains("received=::1"),
        "received without brackets and rport (RFC 3581, RFC 5118 §4.5): {via}"
    );
    assert!(
        header(&ok, "Contact").contains(&format!("@{gwa}>")),
        "bracketed IPv6 Contact: {ok}"
    );
    let (family, a_media) = sdp_media(&ok);
    assert_eq!((family.as_str(), a_media.ip()), ("IP6", "::1".parse().unwrap()), "{ok}");
    assert!(
        ok.contains(" IN IP6 ::1\r\n") && ok.contains("o=rvoip "),
        "o= in IP6: {ok}"
    );
    let to = header(&ok, "To").to_owned();
    let in_dialog = |method: &str, cseq: u32| {
        format!(
            "{method} sip:bob@{gwa} SIP/2.0\r\nVia: SIP/2.0/UDP {me};branch=z9hG4bKv6{method}\r\nMax-Forwards: 70\r\n\
             From: <sip:alice@{me}>;tag=a6\r\nTo: {to}\r\nCall-ID: v6-call\r\nCSeq: {cseq} {method}\r\nContent-Length: 0\r\n\r\n"
        )
    };
    a.send(&in_dialog("ACK", 1), gwa).await;

    // RTP: IPv6 in from the caller, IPv4 out to the callee, and back.
    let from = relayed(&a.rtp, a_media, &b.rtp, 0x11).await;
    let from = from.expect("the caller's RTP reaches the IPv4 callee");
    assert_eq!(from, b_media, "relayed from the port the callee's SDP named");
    let from = relayed(&b.rtp, b_media, &a.rtp, 0x22).await;
    let from = from.expect("the callee's RTP reaches the IPv6 caller");
    assert_eq!(from, a_media, "relayed over IPv6 from the port the caller's SDP named");

    a.send(&in_dialog("BYE", 2), gwa).await;
    let (bye, from) = b.expect("BYE ").await;
    let vias: String = bye
        .lines()
        .filter(|l| l.starts_with("Via: "))
        .map(|l| format!("{l}\r\n"))
        .collect();
    let ok = format!(
        "SIP/2.0 200 OK\r\n{vias}From: {}\r\nTo: {}\r\nCall-ID: {}\r\nCSeq: {}\r\nContent-Length: 0\r\n\r\n",
        header(&bye, "From"),
        header(&bye, "To"),
        header(&bye, "Call-ID"),
        header(&bye, "CSeq")
    );
    b.send(&ok, from).await;
    let (ok, _) = a.expect("SIP/2.0 200").await;
    assert!(header(&ok, "CSeq").ends_with("BYE"), "{ok}");
}

/// An IPv6-only gateway (listening on [::1] alone, its media address left
/// at the default 127.0.0.1) still puts its media on ::1: the SDP of a
/// leg is of its peer's family whenever we have an address in it.
#[tokio::test]
async fn an_ipv6_only_server_answers_in_ip6() {
    if !ports::ipv6_loopback("an_ipv6_only_server_answers_in_ip6") {
        return;
    }
    let mut server = create_sip_server(ServerConfig {
        media_addr: "127.0.0.1".parse().unwrap(),
        ..cfg(V6, None, 2)
    })
    .await
    .unwrap();
    let a = Raw::on(V6).await;
    let (gwa, me, sdp) = (server.local_addr(), a.addr(), a.sdp());
    let invite = format!(
        "INVITE sip:echo@{gwa} SIP/2.0\r\nVia: SIP/2.0/UDP {me};branch=z9hG4bKonly6\r\nMax-Forwards: 70\r\n\
         From: <sip:alice@{me}>;tag=o6\r\nTo: <sip:echo@{gwa}>\r\nCall-ID: only6\r\nCSeq: 1 INVITE\r\n\
         Contact: <sip:alice@{me}>\r\nContent-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{sdp}",
        sdp.len()
    );
    a.send(&invite, gwa).await;
    let CallEvent::Incoming(inc) = next(&mut server).await else {
        panic!("no call")
    };
    inc.accept_echo().unwrap();
    let (ok, _) = a.expect("SIP/2.0 200").await;
    let (family, media) = sdp_media(&ok);
    assert_eq!((family.as_str(), media.ip()), ("IP6", "::1".parse().unwrap()), "{ok}");
    let to = header(&ok, "To");
    let ack = format!(
        "ACK sip:echo@{gwa} SIP/2.0\r\nVia: SIP/2.0/UDP {me};branch=z9hG4bKonly6ack\r\nMax-Forwards: 70\r\n\
         From: <sip:alice@{me}>;tag=o6\r\nTo: {to}\r\nCall-ID: only6\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n"
    );
    a.send(&ack, gwa).await;
    assert_eq!(
        relayed(&a.rtp, media, &a.rtp, 0x33).await,
        Some(media),
        "echoed over IPv6"
    );
}
