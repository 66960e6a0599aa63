//! The B2BUA over loopback: API or raw SIP callers -> gateway -> API
//! servers or raw SIP answerers, with media through the gateway's workers.
//! What needs the real thing stays here — the API handles end to end,
//! RTP through the workers, tones through the transcoders, the media
//! timeout — with one busy callee and one limits/drain case; the rest of
//! the gateway's protocol runs in simulated time in sim_gateway.rs.

use rvoip::api::*;
use rvoip::media::OpusSettings;

mod events;
use events::{next, next_any};
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::UdpSocket;

mod pcap;
mod ports;
mod tone;

/// A server config on an ephemeral SIP port with `pairs` RTP port pairs.
fn server_cfg(pairs: u16) -> ServerConfig {
    let base = ports::free_block(pairs);
    ServerConfig {
        sip_addr: "127.0.0.1:0".parse().unwrap(),
        rtp_ports: (base, base + 2 * pairs),
        media_workers: 1,
        seed: Some(11),
        ..Default::default()
    }
}

fn forward(uri: String, codecs: &[&str]) -> Route {
    Route {
        capture_dir: None,
        transfer: true,
        user_prefix: String::new(),
        domain: None,
        sources: Vec::new(),
        action: RouteAction::Forward {
            uri,
            transport: Transport::Udp,
            codecs: codecs.iter().map(|c| c.to_string()).collect(),
            credentials: None,
            srtp: Default::default(),
            sdes_in_clear: false,
        },
    }
}

async fn gateway_to(target: String, codecs: &[&str]) -> SipGateway {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_test_writer()
        .try_init();
    let gw = GatewayConfig {
        routes: vec![forward(target, codecs)],
        ..Default::default()
    };
    create_gateway(server_cfg(8), gw).await.expect("gateway binds")
}

/// The next event that is not one of the gateway's own leg reports.
async fn incoming(s: &mut SipUa) -> IncomingCall {
    match next(s).await {
        CallEvent::Incoming(c) => c,
        ev => panic!("expected an incoming call, got {ev:?}"),
    }
}

async fn pair() -> (SipGateway, SipServer, SipClient) {
    let server = create_sip_server(server_cfg(4)).await.unwrap();
    let gw = gateway_to(format!("sip:{}", server.local_addr()), &[]).await;
    let client = create_sip_client(ClientConfig {
        server: server_cfg(4),
        ..Default::default()
    })
    .await
    .unwrap();
    (gw, server, client)
}

#[tokio::test]
async fn api_call_through_the_gateway_answers_holds_resumes_and_ends() {
    let (gw, mut s, mut c) = pair().await;
    let id = c.make_call(&format!("sip:bob@{}", gw.local_addr())).unwrap();
    let inc = incoming(&mut s).await;
    assert_eq!(inc.user(), "bob", "the callee's user survives the bridge");
    assert_ne!(inc.source(), c.local_addr(), "the callee hears from the gateway");
    inc.ring().unwrap();
    assert!(matches!(next(&mut c).await, CallEvent::Ringing(i) if i == id));
    let sid = s.accept_call(inc).unwrap();
    assert!(matches!(next(&mut c).await, CallEvent::Answered(i) if i == id));
    assert!(matches!(next(&mut s).await, CallEvent::Answered(i) if i == sid));
    assert_eq!(gw.gateway_stats().active, 1);

    c.hold_call(id).unwrap();
    assert!(matches!(next(&mut c).await, CallEvent::Held(i) if i == id));
    assert!(
        matches!(next(&mut s).await, CallEvent::Held(i) if i == sid),
        "hold propagated"
    );
    c.resume_call(id).unwrap();
    assert!(matches!(next(&mut c).await, CallEvent::Resumed(i) if i == id));
    assert!(
        matches!(next(&mut s).await, CallEvent::Resumed(i) if i == sid),
        "resume propagated"
    );
    s.hold_call(sid).unwrap();
    assert!(matches!(next(&mut s).await, CallEvent::Held(i) if i == sid));
    assert!(
        matches!(next(&mut c).await, CallEvent::Held(i) if i == id),
        "hold from B reaches A"
    );

    s.end_call(sid).unwrap();
    assert!(matches!(next(&mut s).await, CallEvent::Ended(i, EndReason::LocalBye) if i == sid));
    assert!(matches!(next(&mut c).await, CallEvent::Ended(i, EndReason::RemoteBye) if i == id));
    let g = gw.gateway_stats();
    assert_eq!((g.active, g.bridged, g.bridged_answered), (0, 1, 1));
    assert_eq!(gw.stats().active, 0, "both legs gone from the session layer");

    // One detail record for the bridged call, both legs in it.
    let mut gw = gw;
    let record = loop {
        if let CallEvent::Record(r) = next_any(&mut gw).await {
            break r;
        }
    };
    let dirs: Vec<&str> = record.legs.iter().map(|l| l.direction).collect();
    assert_eq!(dirs, ["in", "out"], "{record:?}");
    assert_eq!(
        record.legs[0].end, "local_bye",
        "we hung up the caller's leg after B's BYE"
    );
    assert_eq!(record.legs[1].end, "remote_bye");
    assert!(
        record
            .legs
            .iter()
            .all(|l| l.codec.as_deref() == Some("PCMU") && l.answer_ms.is_some())
    );
    assert_ne!(record.legs[0].call_id, record.legs[1].call_id);
    let page = gw.metrics().render();
    for line in [
        "rvoip_calls_total{outcome=\"bridged\"} 1",
        "rvoip_calls_answered_total 1",
        "rvoip_calls_active 0",
        "rvoip_call_setup_seconds_count 1",
    ] {
        assert!(page.contains(line), "metrics lack {line}:\n{page}");
    }
}

#[tokio::test]
async fn busy_callee_gives_the_caller_486() {
    let (gw, mut s, mut c) = pair().await;
    let id = c.make_call(&format!("sip:dave@{}", gw.local_addr())).unwrap();
    let inc = incoming(&mut s).await;
    s.reject_call(inc, StatusCode::BUSY_HERE).unwrap();
    assert!(matches!(next(&mut c).await, CallEvent::Failed(i, StatusCode::BUSY_HERE) if i == id));
    assert_eq!(gw.gateway_stats().outbound_failed, 1);
}

#[tokio::test]
async fn limits_and_drain_answer_503_with_retry_after() {
    let server = create_sip_server(server_cfg(8)).await.unwrap();
    let mut routes = vec![forward(format!("sip:{}", server.local_addr()), &[])];
    routes[0].user_prefix = "x".into();
    routes.push(Route {
        capture_dir: None,
        transfer: true,
        user_prefix: String::new(),
        domain: None,
        sources: Vec::new(),
        action: RouteAction::Echo {
            answer_after: Duration::ZERO,
        },
    });
    let cfg = GatewayConfig {
        routes,
        max_calls: 1,
        ..Default::default()
    };
    let gw = create_gateway(server_cfg(8), cfg).await.unwrap();
    let mut c = create_sip_client(ClientConfig {
        server: server_cfg(4),
        ..Default::default()
    })
    .await
    .unwrap();
    let first = c.make_call(&format!("sip:echo@{}", gw.local_addr())).unwrap();
    assert!(matches!(next(&mut c).await, CallEvent::Ringing(i) if i == first));
    assert!(matches!(next(&mut c).await, CallEvent::Answered(i) if i == first));
    let second = c.make_call(&format!("sip:echo@{}", gw.local_addr())).unwrap();
    assert!(matches!(next(&mut c).await, CallEvent::Failed(i, StatusCode::SERVICE_UNAVAILABLE) if i == second));
    assert_eq!(gw.gateway_stats().over_limit, 1);

    gw.drain(Duration::from_millis(300)).unwrap();
    let third = c.make_call(&format!("sip:echo@{}", gw.local_addr())).unwrap();
    assert!(matches!(next(&mut c).await, CallEvent::Failed(i, StatusCode::SERVICE_UNAVAILABLE) if i == third));
    // The call in progress is ended by the gateway when the grace runs out.
    assert!(matches!(next(&mut c).await, CallEvent::Ended(i, EndReason::RemoteBye) if i == first));
    let g = gw.gateway_stats();
    assert!(g.draining);
    assert_eq!((g.drain_rejected, g.active), (1, 0));
}

/// A raw SIP endpoint on UDP with an RTP socket.
struct Raw {
    sip: UdpSocket,
    rtp: UdpSocket,
}

impl Raw {
    async fn new() -> Raw {
        Raw {
            sip: UdpSocket::bind("127.0.0.1:0").await.unwrap(),
            rtp: UdpSocket::bind("127.0.0.1:0").await.unwrap(),
        }
    }

    fn addr(&self) -> SocketAddr {
        self.sip.local_addr().unwrap()
    }

    fn sdp(&self, pt: u8, rtpmap: &str) -> String {
        format!(
            "v=0\r\no=t 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio {} RTP/AVP {pt}\r\na=rtpmap:{pt} {rtpmap}\r\n",
            self.rtp.local_addr().unwrap().port()
        )
    }

    async fn recv(&self) -> (String, SocketAddr) {
        let mut buf = vec![0u8; 8192];
        let (n, from) = tokio::time::timeout(Duration::from_secs(5), self.sip.recv_from(&mut buf))
            .await
            .expect("SIP message in time")
            .unwrap();
        (String::from_utf8_lossy(&buf[..n]).into_owned(), from)
    }

    /// The next message starting with `start`, skipping others.
    async fn expect(&self, start: &str) -> (String, SocketAddr) {
        loop {
            let (m, from) = self.recv().await;
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

fn sdp_port(msg: &str) -> u16 {
    msg.lines()
        .find_map(|l| l.strip_prefix("m=audio "))
        .and_then(|r| r.split(' ').next())
        .unwrap()
        .parse()
        .unwrap()
}

/// A response to `req` echoing its dialog headers, with `to_tag` added.
fn response(req: &str, status: &str, to_tag: &str, contact: SocketAddr, sdp: Option<&str>) -> String {
    let vias: String = req
        .lines()
        .filter(|l| l.starts_with("Via: "))
        .map(|l| format!("{l}\r\n"))
        .collect();
    let body = sdp.unwrap_or("");
    let ctype = if sdp.is_some() {
        "Content-Type: application/sdp\r\n"
    } else {
        ""
    };
    format!(
        "SIP/2.0 {status}\r\n{vias}From: {}\r\nTo: {};tag={to_tag}\r\nCall-ID: {}\r\nCSeq: {}\r\n\
         Contact: <sip:b@{contact}>\r\n{ctype}Content-Length: {}\r\n\r\n{body}",
        header(req, "From"),
        header(req, "To"),
        header(req, "Call-ID"),
        header(req, "CSeq"),
        body.len()
    )
}

/// A raw caller's INVITE to `gw` with `sdp`.
fn invite(me: &Raw, gw: SocketAddr, user: &str, sdp: &str) -> String {
    let a = me.addr();
    format!(
        "INVITE sip:{user}@{gw} SIP/2.0\r\nVia: SIP/2.0/UDP {a};branch=z9hG4bKraw1\r\nMax-Forwards: 70\r\n\
         From: \"Alice\" <sip:alice@{a}>;tag=ra\r\nTo: <sip:{user}@{gw}>\r\nCall-ID: secret-call-id@{a}\r\n\
         CSeq: 1 INVITE\r\nContact: <sip:alice@{a}>\r\nContent-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{sdp}",
        sdp.len()
    )
}

fn in_dialog(method: &str, me: &Raw, gw: SocketAddr, to: &str, cseq: u32, branch: &str) -> String {
    let a = me.addr();
    format!(
        "{method} sip:x@{gw} SIP/2.0\r\nVia: SIP/2.0/UDP {a};branch=z9hG4bK{branch}\r\nMax-Forwards: 70\r\n\
         From: \"Alice\" <sip:alice@{a}>;tag=ra\r\nTo: {to}\r\nCall-ID: secret-call-id@{a}\r\n\
         CSeq: {cseq} {method}\r\nContent-Length: 0\r\n\r\n"
    )
}

fn rtp_packet(seq: u16, pt: u8, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![0x80, pt, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9];
    p[2..4].copy_from_slice(&seq.to_be_bytes());
    p[4..8].copy_from_slice(&(u32::from(seq) * 160).to_be_bytes());
    p.extend_from_slice(payload);
    p
}

async fn recv_rtp(sock: &UdpSocket) -> Option<(Vec<u8>, SocketAddr)> {
    recv_rtp_within(sock, 200).await
}

/// Raw caller -> gateway -> raw callee answering with `callee_codec`.
/// Returns both peers, the gateway address, the media ports the gateway
/// gave each side, and the callee's INVITE as received.
struct Bridged {
    a: Raw,
    b: Raw,
    gw: SocketAddr,
    to_a: String,
    a_media: SocketAddr,
    b_media: SocketAddr,
    b_invite: String,
    _gw: SipGateway,
}

async fn bridged(caller_codec: (u8, &str), callee_codec: (u8, &str), route_codecs: &[&str]) -> Bridged {
    bridged_with(caller_codec, callee_codec, route_codecs, Duration::from_secs(30)).await
}

async fn bridged_with(
    caller_codec: (u8, &str),
    callee_codec: (u8, &str),
    route_codecs: &[&str],
    media_timeout: Duration,
) -> Bridged {
    let (a, b) = (Raw::new().await, Raw::new().await);
    let server = ServerConfig {
        media_timeout,
        ..server_cfg(8)
    };
    let routes = vec![forward(format!("sip:{}", b.addr()), route_codecs)];
    let gw = create_gateway(
        server,
        GatewayConfig {
            routes,
            ..Default::default()
        },
    )
    .await
    .unwrap();
    let gwa = gw.local_addr();
    a.send(&invite(&a, gwa, "bob", &a.sdp(caller_codec.0, caller_codec.1)), gwa)
        .await;
    let (b_invite, from) = b.expect("INVITE ").await;
    let b_media: SocketAddr = ([127, 0, 0, 1], sdp_port(&b_invite)).into();
    let sdp = b.sdp(callee_codec.0, callee_codec.1);
    b.send(&response(&b_invite, "200 OK", "rb", b.addr(), Some(&sdp)), from)
        .await;
    b.expect("ACK ").await;
    let (ok, _) = a.expect("SIP/2.0 200").await;
    let a_media: SocketAddr = ([127, 0, 0, 1], sdp_port(&ok)).into();
    let to_a = header(&ok, "To").to_owned();
    a.send(&in_dialog("ACK", &a, gwa, &to_a, 1, "raw2"), gwa).await;
    Bridged {
        a,
        b,
        gw: gwa,
        to_a,
        a_media,
        b_media,
        b_invite,
        _gw: gw,
    }
}

#[tokio::test]
async fn raw_bridge_relays_rtp_both_ways_and_hides_topology() {
    let call = bridged((0, "PCMU/8000"), (0, "PCMU/8000"), &[]).await;
    let inv = &call.b_invite;
    let caller = call.a.addr().to_string();
    assert!(!inv.contains("secret-call-id"), "Call-ID leaked:\n{inv}");
    assert!(!inv.contains(&caller), "caller address leaked:\n{inv}");
    assert!(!inv.contains("z9hG4bKraw1"), "caller branch leaked:\n{inv}");
    assert!(header(inv, "From").contains("sip:alice@"), "caller user kept: {inv}");
    assert_ne!(call.a_media, call.b_media, "each side has its own gateway port");

    // A -> B, then B answers each packet back to where it came from.
    let mut both_ways = 0;
    for i in 0..50u16 {
        let payload = vec![i as u8; 160];
        call.a
            .rtp
            .send_to(&rtp_packet(i, 0, &payload), call.a_media)
            .await
            .unwrap();
        let Some((pkt, from)) = recv_rtp(&call.b.rtp).await else {
            continue;
        };
        assert_eq!(from, call.b_media, "B hears A from the gateway's B-side port");
        assert_eq!(&pkt[12..], &payload[..], "payload relayed untouched");
        call.b
            .rtp
            .send_to(&rtp_packet(i, 0, &[0xB0; 160]), call.b_media)
            .await
            .unwrap();
        if let Some((back, from)) = recv_rtp(&call.a.rtp).await {
            assert_eq!(from, call.a_media, "A hears B from the port A sends to");
            assert_eq!(&back[12..], &[0xB0; 160][..]);
            both_ways += 1;
        }
        if both_ways == 10 {
            break;
        }
    }
    assert_eq!(both_ways, 10, "media flows both ways through the gateway");

    // BYE from A ends B's leg with a BYE from the gateway.
    call.a
        .send(&in_dialog("BYE", &call.a, call.gw, &call.to_a, 2, "raw3"), call.gw)
        .await;
    let (bye, from) = call.b.expect("BYE ").await;
    call.b
        .send(&response(&bye, "200 OK", "rb", call.b.addr(), None), from)
        .await;
    let (ok, _) = call.a.expect("SIP/2.0 200").await;
    assert!(header(&ok, "CSeq").ends_with("BYE"));
    // The ended call's packets are counted once its media is released,
    // which is when its detail record comes (counters are published
    // before the events of the same input).
    let mut gw = call._gw;
    while !matches!(next_any(&mut gw).await, CallEvent::Record(_)) {}
    let stats = gw.stats();
    assert!(stats.rtp_in >= 20 && stats.rtp_out >= 20, "{stats:?}");
}

/// Issue #21: the media counters move while the call is up — read from
/// the gateway's live media figures and its metrics page before the BYE
/// (the session's RTP figures, summed as calls end, are still 0 then).
#[tokio::test]
async fn live_media_counters_and_latency_quantiles_move_while_the_call_is_up() {
    let call = bridged((0, "PCMU/8000"), (0, "PCMU/8000"), &[]).await;
    let gw = &call._gw;
    let before = gw.media_stats();
    let mut relayed = 0u64;
    for i in 0..20u16 {
        call.a
            .rtp
            .send_to(&rtp_packet(i, 0, &[7; 160]), call.a_media)
            .await
            .unwrap();
        if recv_rtp(&call.b.rtp).await.is_some() {
            relayed += 1;
        }
    }
    assert!(relayed >= 10, "{relayed} of 20 packets relayed");
    // The worker adds to its counters once per read, just after sending.
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    let mut now = gw.media_stats();
    while now.packets_in - before.packets_in < relayed || now.packets_out - before.packets_out < relayed {
        assert!(std::time::Instant::now() < deadline, "{before:?} -> {now:?}");
        tokio::task::yield_now().await;
        now = gw.media_stats();
    }
    assert_eq!(gw.stats().rtp_in, 0, "the session counts only ended calls");
    let page = gw.metrics().render();
    let sum = |name: &str| -> f64 {
        page.lines()
            .filter(|l| l.starts_with(name) && l[name.len()..].starts_with('{'))
            .map(|l| l.rsplit(' ').next().unwrap().parse::<f64>().unwrap())
            .sum()
    };
    assert!(sum("rvoip_rtp_packets_in_total") >= relayed as f64, "{page}");
    assert!(sum("rvoip_rtp_packets_out_total") >= relayed as f64, "{page}");
    for name in [
        "rvoip_rtp_late_dropped_total",
        "rvoip_rtp_kernel_dropped_total",
        "rvoip_media_added_latency_p50_seconds",
        "rvoip_media_added_latency_p99_seconds",
        "rvoip_media_added_latency_p999_seconds",
    ] {
        assert!(
            page.contains(&format!("{name}{{worker=\"0\"}}")),
            "{name} missing:\n{page}"
        );
    }
}

#[tokio::test]
async fn pcmu_caller_and_opus_callee_are_transcoded_with_the_tone_intact() {
    use rvoip::test_exports::media::codec::{AudioCodec, Transcoder, g711};
    let call = bridged((0, "PCMU/8000"), (111, "opus/48000/2"), &["opus"]).await;
    assert!(call.b_invite.contains("opus/48000/2"), "the route offers Opus");
    assert!(!call.b_invite.contains("PCMU"), "and only Opus:\n{}", call.b_invite);
    let tone = tone::tone(8000 * 2, 8000.0);
    let mut decode = Transcoder::new(AudioCodec::Opus, AudioCodec::Pcmu, OpusSettings::default()).unwrap();
    let mut encode = Transcoder::new(AudioCodec::Pcmu, AudioCodec::Opus, OpusSettings::default()).unwrap();
    let (mut heard_b, mut heard_a) = (Vec::new(), Vec::new());
    for f in 0..100u16 {
        let pcm = &tone[f as usize * 160..][..160];
        let mut ulaw = [0u8; 160];
        g711::encode_ulaw(pcm, &mut ulaw);
        call.a
            .rtp
            .send_to(&rtp_packet(f, 0, &ulaw), call.a_media)
            .await
            .unwrap();
        if let Some((pkt, _)) = recv_rtp(&call.b.rtp).await {
            assert_eq!(pkt[1] & 0x7f, 111, "Opus payload type towards B");
            let mut out = [0u8; 960];
            let n = decode.transcode(&pkt[12..], &mut out).unwrap();
            heard_b.extend(out[..n].iter().map(|&u| g711::ulaw_to_linear(u) as f64));
        }
        let mut opus = [0u8; 400];
        let n = encode.transcode(&ulaw, &mut opus).unwrap();
        let mut pkt = rtp_packet(f, 111, &opus[..n]);
        pkt[4..8].copy_from_slice(&(u32::from(f) * 960).to_be_bytes());
        call.b.rtp.send_to(&pkt, call.b_media).await.unwrap();
        if let Some((pkt, _)) = recv_rtp(&call.a.rtp).await {
            assert_eq!(pkt[1] & 0x7f, 0, "PCMU towards A");
            assert_eq!(pkt.len(), 12 + 160, "20 ms of G.711");
            heard_a.extend(pkt[12..].iter().map(|&u| g711::ulaw_to_linear(u) as f64));
        }
    }
    for (side, heard) in [("B (Opus)", &heard_b), ("A (PCMU)", &heard_a)] {
        assert!(heard.len() >= 8000, "{side} heard {} samples", heard.len());
        let tail = &heard[heard.len() - 4000..];
        let share = tone::share_1k(tail);
        let rms = tone::rms(tail);
        assert!(share > 0.95, "{side}: 1 kHz holds {share:.3} of the energy");
        // The tone's RMS is 8000/sqrt(2) = 5657; allow ±2 dB.
        assert!((4500.0..7100.0).contains(&rms), "{side}: level {rms:.0}");
    }
}

/// The mean Opus payload B hears while A sends 50 packets of noise.
async fn opus_bytes_heard(call: &Bridged) -> usize {
    let (mut x, mut total, mut heard) = (1u32, 0, 0);
    for f in 0..50u16 {
        let noise: Vec<u8> = (0..160)
            .map(|_| {
                x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (x >> 24) as u8
            })
            .collect();
        call.a
            .rtp
            .send_to(&rtp_packet(f, 0, &noise), call.a_media)
            .await
            .unwrap();
        if let Some((pkt, _)) = recv_rtp(&call.b.rtp).await {
            total += pkt.len() - 12;
            heard += 1;
        }
    }
    assert!(heard >= 40, "{heard} of 50 packets transcoded");
    total / heard
}

#[tokio::test]
async fn an_opus_callees_maxaveragebitrate_caps_what_it_is_sent() {
    // RFC 7587 §6.1: what the receiver asks for at most, in its fmtp.
    let free = bridged((0, "PCMU/8000"), (111, "opus/48000/2"), &["opus"]).await;
    let free = opus_bytes_heard(&free).await;
    let capped = "opus/48000/2\r\na=fmtp:111 useinbandfec=1;maxaveragebitrate=8000";
    let capped = bridged((0, "PCMU/8000"), (111, capped), &["opus"]).await;
    let capped = opus_bytes_heard(&capped).await;
    // 20 ms frames: 24 kbit/s (the default) is 60 bytes, 8 kbit/s 20.
    assert!((45..=75).contains(&free), "no limit: {free} bytes a frame");
    assert!((10..=26).contains(&capped), "8 kbit/s asked: {capped} bytes a frame");
}

#[tokio::test]
async fn the_outbound_offer_lists_voice_before_telephone_event() {
    // The caller's telephone-event is kept (its payload type), the route's
    // PCMU added: voice still leads the m-line.
    let (a, b) = (Raw::new().await, Raw::new().await);
    let gw = gateway_to(format!("sip:{}", b.addr()), &["PCMU"]).await;
    let gwa = gw.local_addr();
    let sdp = a
        .sdp(111, "opus/48000/2")
        .replace(" RTP/AVP 111\r\n", " RTP/AVP 111 101\r\n")
        + "a=rtpmap:101 telephone-event/8000\r\n";
    a.send(&invite(&a, gwa, "bob", &sdp), gwa).await;
    let (inv, _) = b.expect("INVITE ").await;
    assert!(inv.contains(" RTP/AVP 0 101\r\n"), "{inv}");
}

#[tokio::test]
async fn early_media_from_the_callee_reaches_the_caller_before_the_answer() {
    let (a, b) = (Raw::new().await, Raw::new().await);
    let gw = gateway_to(format!("sip:{}", b.addr()), &[]).await;
    let gwa = gw.local_addr();
    a.send(&invite(&a, gwa, "bob", &a.sdp(8, "PCMA/8000")), gwa).await;
    let (inv, from) = b.expect("INVITE ").await;
    let b_media: SocketAddr = ([127, 0, 0, 1], sdp_port(&inv)).into();
    let sdp = b.sdp(8, "PCMA/8000");
    b.send(
        &response(&inv, "183 Session Progress", "rb", b.addr(), Some(&sdp)),
        from,
    )
    .await;
    let (progress, _) = a.expect("SIP/2.0 183").await;
    assert!(
        progress.contains("PCMA/8000"),
        "the caller gets our early answer:\n{progress}"
    );
    let a_media: SocketAddr = ([127, 0, 0, 1], sdp_port(&progress)).into();
    // Ringback from B flows to A before any 200.
    let mut heard = 0;
    for i in 0..50u16 {
        b.rtp.send_to(&rtp_packet(i, 8, &[0xD5; 160]), b_media).await.unwrap();
        if let Some((pkt, from)) = recv_rtp(&a.rtp).await {
            assert_eq!(from, a_media);
            assert_eq!(pkt[1] & 0x7f, 8);
            heard += 1;
        }
        if heard == 5 {
            break;
        }
    }
    assert_eq!(heard, 5, "early media relayed to the caller");
    b.send(&response(&inv, "200 OK", "rb", b.addr(), Some(&sdp)), from)
        .await;
    let (ok, _) = a.expect("SIP/2.0 200").await;
    assert_eq!(sdp_port(&ok), a_media.port(), "the 200 repeats the early answer");
}

#[tokio::test]
async fn vanished_peers_are_hung_up_on_both_legs_by_the_media_timeout() {
    // Both sides answer, then fall silent: no RTP, no BYE. After the media
    // timeout (1 s) the gateway sends BYE to each.
    let call = bridged_with((0, "PCMU/8000"), (0, "PCMU/8000"), &[], Duration::from_secs(1)).await;
    let (bye_a, _) = call.a.expect("BYE ").await;
    let (bye_b, _) = call.b.expect("BYE ").await;
    assert!(bye_a.contains("secret-call-id"), "the caller's dialog: {bye_a}");
    assert_eq!(
        header(&bye_b, "Call-ID"),
        header(&call.b_invite, "Call-ID"),
        "the callee's dialog"
    );
}

#[tokio::test]
async fn an_opus_only_echoing_api_caller_is_transcoded_to_a_pcmu_callee_and_back() {
    transcoded_echo(false).await;
}

/// The same with SRTP on the caller's leg (RTP/SAVP, SDES keys over UDP as
/// both sides allow here): Opus over SRTP one side, plain PCMU the other.
#[tokio::test]
async fn an_srtp_opus_caller_is_transcoded_to_a_plain_pcmu_callee_and_back() {
    transcoded_echo(true).await;
}

async fn transcoded_echo(srtp: bool) {
    use rvoip::test_exports::media::codec::g711;
    let b = Raw::new().await;
    let gw = match srtp {
        false => gateway_to(format!("sip:{}", b.addr()), &[]).await,
        true => {
            let mut cfg = server_cfg(8);
            cfg.srtp.sdes_in_clear = true;
            let routes = vec![forward(format!("sip:{}", b.addr()), &[])];
            create_gateway(
                cfg,
                GatewayConfig {
                    routes,
                    ..Default::default()
                },
            )
            .await
            .unwrap()
        }
    };
    // Its own block of media ports: tests run side by side.
    let client = ClientConfig {
        server: server_cfg(4),
        ..Default::default()
    };
    let mut c = create_sip_client(client).await.unwrap();
    let opts = CallOptions {
        codecs: vec!["opus".into()],
        echo: true,
        srtp: if srtp { SrtpPolicy::Mandatory } else { SrtpPolicy::Off },
        sdes_in_clear: srtp,
        ..Default::default()
    };
    assert!(
        c.make_call_with(
            "sip:x@127.0.0.1:9",
            &CallOptions {
                codecs: vec!["g729".into()],
                ..opts.clone()
            }
        )
        .is_err()
    );
    let id = c
        .make_call_with(&format!("sip:bob@{}", gw.local_addr()), &opts)
        .unwrap();
    let (inv, from) = b.expect("INVITE ").await;
    assert!(
        inv.contains("opus/48000/2") && inv.contains("PCMU/8000"),
        "Opus from the caller, PCMU we transcode:\n{inv}"
    );
    assert!(
        inv.contains(" RTP/AVP ") && !inv.contains("a=crypto"),
        "the callee's leg is plain:\n{inv}"
    );
    let b_media: SocketAddr = ([127, 0, 0, 1], sdp_port(&inv)).into();
    b.send(
        &response(&inv, "200 OK", "rb", b.addr(), Some(&b.sdp(0, "PCMU/8000"))),
        from,
    )
    .await;
    b.expect("ACK ").await;
    assert!(matches!(next(&mut c).await, CallEvent::Answered(i) if i == id));
    // B's tone goes PCMU -> Opus to the caller, whose echo sends it back:
    // Opus -> PCMU to B.
    let tone = tone::tone(8000 * 2, 8000.0);
    let mut heard = Vec::new();
    for f in 0..100u16 {
        let mut ulaw = [0u8; 160];
        g711::encode_ulaw(&tone[f as usize * 160..][..160], &mut ulaw);
        b.rtp.send_to(&rtp_packet(f, 0, &ulaw), b_media).await.unwrap();
        while let Some((pkt, _)) = recv_rtp_within(&b.rtp, 25).await {
            assert_eq!(pkt[1] & 0x7f, 0, "PCMU back towards B");
            heard.extend(pkt[12..].iter().map(|&u| g711::ulaw_to_linear(u) as f64));
        }
    }
    assert!(heard.len() >= 8000, "B heard {} samples back", heard.len());
    let tail = &heard[heard.len() - 4000..];
    let share = tone::share_1k(tail);
    assert!(share > 0.95, "1 kHz holds {share:.3} of the energy");
    assert!(
        (4500.0..7100.0).contains(&tone::rms(tail)),
        "level {:.0}",
        tone::rms(tail)
    );
    let _ = gw;
}

async fn recv_rtp_within(sock: &UdpSocket, ms: u64) -> Option<(Vec<u8>, SocketAddr)> {
    let mut buf = vec![0u8; 2048];
    let (n, from) = tokio::time::timeout(Duration::from_millis(ms), sock.recv_from(&mut buf))
        .await
        .ok()?
        .ok()?;
    buf.truncate(n);
    Some((buf, from))
}

/// A route with `capture_dir` writes each of its calls' packets, both
/// legs both ways, to DIR/<time>-<Call-ID>.pcap (while the gateway's
/// events are read, as rvoip-gw's loop does).
#[tokio::test]
async fn a_route_with_a_capture_dir_writes_each_calls_pcap() {
    let dir = std::env::temp_dir().join(format!("rvoip-gw-pcap-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let mut s = create_sip_server(server_cfg(4)).await.unwrap();
    let mut route = forward(format!("sip:{}", s.local_addr()), &[]);
    route.capture_dir = Some(dir.clone());
    let gw = GatewayConfig {
        routes: vec![route],
        ..Default::default()
    };
    let mut gw = create_gateway(server_cfg(8), gw).await.unwrap();
    let gw_addr = gw.local_addr();
    let events = tokio::spawn(async move { while gw.next_event().await.is_some() {} });
    let mut c = create_sip_client(ClientConfig {
        server: server_cfg(4),
        ..Default::default()
    })
    .await
    .unwrap();
    let id = c.make_call(&format!("sip:bob@{gw_addr}")).unwrap();
    let inc = incoming(&mut s).await;
    let sid = s.accept_call(inc).unwrap();
    assert!(matches!(next(&mut c).await, CallEvent::Answered(i) if i == id));
    tokio::time::sleep(Duration::from_millis(600)).await;
    c.end_call(id).unwrap();
    loop {
        if let CallEvent::Ended(i, _) = next(&mut s).await {
            assert_eq!(i, sid);
            break;
        }
    }
    // The file is complete once the gateway's worker let the call go.
    let mut flows = Default::default();
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let files: Vec<_> = std::fs::read_dir(&dir).unwrap().flatten().map(|e| e.path()).collect();
        assert!(files.len() <= 1, "one call, one file: {files:?}");
        let Some(f) = files.first() else { continue };
        assert!(f.extension().is_some_and(|e| e == "pcap"), "{f:?}");
        let rtp = std::panic::catch_unwind(|| pcap::rtp(f)).unwrap_or_default();
        flows = pcap::flows(&rtp, 0);
        if flows.len() == 4 {
            pcap::flows(&rtp, 15);
            break;
        }
    }
    assert_eq!(flows.len(), 4, "both legs, both ways: {flows:?}");
    events.abort();
    let _ = std::fs::remove_dir_all(dir);
}
