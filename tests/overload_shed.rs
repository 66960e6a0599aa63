//! Load shedding by queueing delay: while SIP waits too long in the socket,
//! new INVITEs get a stateless 503 + Retry-After, and nothing else changes
//! — retransmissions of admitted INVITEs, requests inside dialogs and the
//! calls already up go on. In simulated time against the UA core, then
//! over loopback against a gateway flooded by a raw UAC (the queueing
//! delay is the real socket's). The draining gateway's stateless 503 is
//! in sim_gateway.rs.

mod sim;

use rvoip::api::*;
use rvoip::test_exports::session::{Command, MediaMode, SessionEvent, UaConfig};
use sim::{Net, addr};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

fn invite(call: &str, branch: &str, to: SocketAddr, me: SocketAddr) -> Vec<u8> {
    format!(
        "INVITE sip:svc@{to} SIP/2.0\r\nVia: SIP/2.0/UDP {me};branch=z9hG4bK{branch}\r\nMax-Forwards: 70\r\n\
         From: <sip:peer@{me}>;tag=f-{call}\r\nTo: <sip:svc@{to}>\r\nCall-ID: {call}\r\nCSeq: 1 INVITE\r\n\
         Contact: <sip:peer@{me}>\r\nContent-Length: 0\r\n\r\n"
    )
    .into_bytes()
}

fn header<'a>(msg: &'a str, name: &str) -> &'a str {
    msg.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix(": ")))
        .unwrap_or("")
}

/// The responses the UA at `addr(1)` sent for `call`, first lines.
fn answers(net: &Net, call: &str) -> Vec<String> {
    net.sent(addr(1), "SIP/2.0")
        .into_iter()
        .filter(|s| header(&s.text, "Call-ID") == call)
        .map(|s| s.text.clone())
        .collect()
}

fn first_lines(v: &[String]) -> Vec<&str> {
    v.iter().map(|t| t.lines().next().unwrap_or("")).collect()
}

#[test]
fn while_behind_new_invites_get_a_stateless_503_and_admitted_calls_go_on() {
    let mut net = Net::new(2, 40);
    let cfg = UaConfig {
        shed_delay: Some(Duration::from_millis(100)),
        ..sim::ua_config(addr(1), 41)
    };
    net.replace(1, cfg, None);
    let (peer, ua) = (addr(5), addr(1));

    // Admitted before the thread falls behind.
    net.send(peer, ua, invite("a", "a1", ua, peer));
    net.run_for(Duration::from_millis(50));
    let a = net.incoming(1);

    // A burst over the limit is not overload; a standing queue is.
    let ms = Duration::from_millis;
    let t0 = net.now;
    let agent = net.ep(1);
    agent.handle_queue_delay(t0, ms(150));
    agent.handle_queue_delay(t0 + ms(60), ms(150));
    assert!(!agent.is_shedding(), "over the limit for less than the limit");
    agent.handle_queue_delay(t0 + ms(70), ms(90));
    agent.handle_queue_delay(t0 + ms(120), ms(150));
    agent.handle_queue_delay(t0 + ms(200), ms(150));
    assert!(!agent.is_shedding(), "a read under the limit starts the count again");
    agent.handle_queue_delay(t0 + ms(220), ms(150));
    assert!(agent.is_shedding(), "over the limit for 100 ms");
    net.send(peer, ua, invite("b", "b1", ua, peer));
    net.run_for(Duration::from_millis(50));
    // The same INVITE again (the UAC did not hear the 503).
    net.send(peer, ua, invite("b", "b1", ua, peer));
    // The admitted INVITE retransmitted: absorbed, not refused.
    net.send(peer, ua, invite("a", "a1", ua, peer));
    net.run_for(Duration::from_millis(50));

    let b = answers(&net, "b");
    assert_eq!(first_lines(&b), ["SIP/2.0 503 Service Unavailable"; 2], "{b:?}");
    assert_eq!(header(&b[0], "Retry-After"), "5");
    assert!(header(&b[0], "To").contains(";tag="), "§8.2.6.2: a To tag");
    assert_eq!(
        header(&b[0], "To"),
        header(&b[1], "To"),
        "§8.2.7: the same tag for a retransmission"
    );
    assert!(
        first_lines(&answers(&net, "a")).iter().all(|l| !l.contains("503")),
        "an admitted INVITE is never refused"
    );
    let (stats, active, _) = net.nodes[1].ep.stats();
    assert_eq!((stats.shed, stats.overload_rejected, active), (2, 2, 1));

    // The admitted call is answered, ACKed and hung up while shedding.
    net.command(1, Command::Accept(a, MediaMode::None));
    net.run_for(Duration::from_millis(50));
    let ok = answers(&net, "a")
        .into_iter()
        .find(|t| t.starts_with("SIP/2.0 200"))
        .expect("200 for a");
    let to = header(&ok, "To").to_owned();
    let in_dialog = |method: &str, cseq: u32, branch: &str| {
        format!(
            "{method} sip:rvoip@{ua} SIP/2.0\r\nVia: SIP/2.0/UDP {peer};branch=z9hG4bK{branch}\r\nMax-Forwards: 70\r\n\
             From: <sip:peer@{peer}>;tag=f-a\r\nTo: {to}\r\nCall-ID: a\r\nCSeq: {cseq} {method}\r\nContent-Length: 0\r\n\r\n"
        )
        .into_bytes()
    };
    net.send(peer, ua, in_dialog("ACK", 1, "ack"));
    net.run_for(Duration::from_millis(50));
    net.send(peer, ua, in_dialog("BYE", 2, "bye"));
    net.run_for(Duration::from_millis(50));
    let events = net.take_events(1);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, SessionEvent::Ended(id, _) if *id == a)),
        "{events:?}"
    );
    assert_eq!(first_lines(&answers(&net, "a")).last(), Some(&"SIP/2.0 200 OK"));

    // Still over the limit: still shedding.
    let now = net.now;
    net.ep(1).handle_queue_delay(now, ms(101));
    net.send(peer, ua, invite("c", "c1", ua, peer));
    net.run_for(Duration::from_millis(50));
    assert_eq!(first_lines(&answers(&net, "c")), ["SIP/2.0 503 Service Unavailable"]);
    // Under it: caught up, calls are admitted again.
    let now = net.now;
    net.ep(1).handle_queue_delay(now, ms(99));
    assert!(!net.ep(1).is_shedding());
    net.send(peer, ua, invite("d", "d1", ua, peer));
    net.run_for(Duration::from_millis(50));
    net.incoming(1);
    assert!(first_lines(&answers(&net, "d")).iter().all(|l| !l.contains("503")));
}

/// Sends `calls`' INVITEs back to back from a blocking socket, as fast as
/// the kernel takes them, with Vias naming `me` (where the answers go).
fn burst(gw: SocketAddr, me: SocketAddr, calls: &[String]) {
    let sock = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let invites: Vec<Vec<u8>> = calls.iter().map(|c| invite(c, c, gw, me)).collect();
    for m in &invites {
        sock.send_to(m, gw).unwrap();
    }
}

/// Floods a gateway (every call refused 486 by its route) with `n` new
/// INVITEs at once (named `prefix`0..n), retransmitting each every 500 ms
/// until it has a final response, and returns each call's final statuses
/// and the answers' texts.
async fn flood(
    sock: &tokio::net::UdpSocket,
    gw: SocketAddr,
    prefix: &str,
    n: usize,
) -> HashMap<String, Vec<(u16, String)>> {
    let me = sock.local_addr().unwrap();
    let calls: Vec<String> = (0..n).map(|i| format!("{prefix}{i}")).collect();
    let mut finals: HashMap<String, Vec<(u16, String)>> = HashMap::new();
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut buf = vec![0u8; 65536];
    let mut first = true;
    while finals.len() < n && Instant::now() < deadline {
        let sent = if first {
            // Faster than the gateway answers: a standing queue.
            let calls = calls.clone();
            Some(tokio::task::spawn_blocking(move || burst(gw, me, &calls)))
        } else {
            for c in calls.iter().filter(|c| !finals.contains_key(*c)) {
                sock.send_to(&invite(c, c, gw, me), gw).await.unwrap();
            }
            None
        };
        first = false;
        let round = Instant::now() + Duration::from_millis(500);
        while let Ok(Ok((len, _))) = tokio::time::timeout_at(round.into(), sock.recv_from(&mut buf)).await {
            let text = String::from_utf8_lossy(&buf[..len]).into_owned();
            let status: u16 = text[8..11].parse().unwrap();
            if status < 200 {
                continue;
            }
            let call = header(&text, "Call-ID").to_owned();
            // ACK the final response (§17.1.1.3: same branch).
            let ack = format!(
                "ACK sip:svc@{gw} SIP/2.0\r\nVia: SIP/2.0/UDP {me};branch=z9hG4bK{call}\r\nMax-Forwards: 70\r\n\
                 From: <sip:peer@{me}>;tag=f-{call}\r\nTo: {}\r\nCall-ID: {call}\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n",
                header(&text, "To")
            );
            sock.send_to(ack.as_bytes(), gw).await.unwrap();
            finals.entry(call).or_default().push((status, text));
        }
        if let Some(sent) = sent {
            sent.await.unwrap();
        }
    }
    finals
}

/// A socket for the flood's answers, with room for a burst of them.
fn answers_socket() -> tokio::net::UdpSocket {
    let s = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::DGRAM, None).unwrap();
    let _ = s.set_recv_buffer_size(4 << 20);
    s.bind(&"127.0.0.1:0".parse::<SocketAddr>().unwrap().into()).unwrap();
    s.set_nonblocking(true).unwrap();
    tokio::net::UdpSocket::from_std(s.into()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flooded_gateway_sheds_new_calls_with_503_and_keeps_serving() {
    let base = ports_block();
    let server = ServerConfig {
        sip_addr: "127.0.0.1:0".parse().unwrap(),
        rtp_ports: (base, base + 2 * 512),
        media_workers: 1,
        seed: Some(7),
        max_calls: 4096,
        shed_delay: Some(Duration::from_millis(5)),
        ..Default::default()
    };
    let route = Route {
        capture_dir: None,
        transfer: true,
        user_prefix: String::new(),
        domain: None,
        sources: Vec::new(),
        action: RouteAction::Reject(StatusCode::BUSY_HERE),
    };
    let gw_cfg = GatewayConfig {
        routes: vec![route],
        ..Default::default()
    };
    let gw = create_gateway(server, gw_cfg).await.unwrap();
    let addr = gw.local_addr();
    let sock = answers_socket();

    // Bursts of new calls, larger each time, until one outruns the thread
    // by more than 5 ms: a debug build falls behind in the first, a fast
    // release build in a later one. Below max_calls each.
    let mut shed = 0;
    for (round, n) in [1500, 3000, 4000].into_iter().enumerate() {
        let finals = flood(&sock, addr, &format!("flood{round}-"), n).await;
        assert_eq!(finals.len(), n, "every INVITE got a final response");
        for (call, answers) in &finals {
            let statuses: Vec<u16> = answers.iter().map(|(s, _)| *s).collect();
            assert!(
                statuses.iter().all(|s| *s == statuses[0]) && matches!(statuses[0], 486 | 503),
                "{call}: one outcome per call, refused by route or shed: {statuses:?}"
            );
            if statuses[0] == 503 {
                shed += 1;
                assert_eq!(header(&answers[0].1, "Retry-After"), "5");
            }
        }
        eprintln!("{shed} of {n} calls shed");
        if shed > 0 {
            break;
        }
    }
    assert!(shed > 0, "a burst of 4000 INVITEs put the thread more than 5 ms behind");

    // Caught up: a new call is admitted again (its route refuses it). The
    // first read under the limit ends the shedding, so a new INVITE, each
    // sent once the last was answered, is admitted within a few tries.
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut tries = 0;
    while flood_one(&sock, addr, &format!("after-{tries}")).await != 486 {
        tries += 1;
        assert!(
            Instant::now() < deadline,
            "the gateway admits calls once it has caught up ({tries} tries)"
        );
    }
    let stats = gw.stats();
    assert!(stats.shed >= shed as u64, "{} counted, {shed} calls shed", stats.shed);
    assert!(stats.overload >= stats.shed);
    assert!(gw.metrics().render().contains("rvoip_sip_shed_total "));
}

async fn flood_one(sock: &tokio::net::UdpSocket, gw: SocketAddr, call: &str) -> u16 {
    let me = sock.local_addr().unwrap();
    sock.send_to(&invite(call, call, gw, me), gw).await.unwrap();
    let mut buf = vec![0u8; 65536];
    loop {
        let (len, _) = tokio::time::timeout(Duration::from_secs(5), sock.recv_from(&mut buf))
            .await
            .expect("an answer within 5 s")
            .unwrap();
        let text = String::from_utf8_lossy(&buf[..len]);
        if header(&text, "Call-ID") == call && !text.starts_with("SIP/2.0 1") {
            return text[8..11].parse().unwrap();
        }
    }
}

mod ports;

fn ports_block() -> u16 {
    ports::free_block(512)
}
