//! Malformed input at a running gateway over UDP: the RFC 4475 torture
//! messages and the 4,527 PROTOS c07-sip INVITEs (tests/corpus, copied from
//! ../shared/conformance). No panic, no hang; each RFC 4475 message is
//! answered as the RFC says (or dropped, for responses); each PROTOS case
//! is answered normally, or with a 400 whose reason names the fault, or is
//! dropped; after every message an OPTIONS and a fresh call still succeed.
//! The twelve RFC 5118 IPv6 torture messages (tests/corpus/rfc5118) go to
//! a gateway on [::1], each answered as that RFC says.

use rvoip::api::*;
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::net::UdpSocket;

mod ports;
mod protos;

use protos::{cases as protos_cases, fill};

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");

/// A gateway on 127.0.0.1 that bridges nothing: `live` calls are echoed
/// (answered), everything else gets 486, so no test call leaves state
/// behind.
async fn gateway() -> SipGateway {
    gateway_on("127.0.0.1".parse().unwrap()).await
}

/// The same gateway on `ip` (signalling and media).
async fn gateway_on(ip: std::net::IpAddr) -> SipGateway {
    let base = ports::free_block(8);
    let server = ServerConfig {
        sip_addr: SocketAddr::new(ip, 0),
        media_addr: ip,
        rtp_ports: (base, base + 16),
        media_workers: 1,
        seed: Some(3),
        ..Default::default()
    };
    let routes = vec![
        Route {
            capture_dir: None,
            transfer: true,
            user_prefix: "live".into(),
            domain: None,
            sources: Vec::new(),
            action: RouteAction::Echo {
                answer_after: Duration::ZERO,
            },
        },
        Route {
            capture_dir: None,
            transfer: true,
            user_prefix: String::new(),
            domain: None,
            sources: Vec::new(),
            action: RouteAction::Reject(StatusCode::BUSY_HERE),
        },
    ];
    let cfg = GatewayConfig {
        routes,
        echo_ring: false,
        ..Default::default()
    };
    create_gateway(server, cfg).await.unwrap()
}

/// The peer: sends a message, then an OPTIONS probe, and collects every
/// response until the probe's 200 (the gateway handles its input in
/// order, so whatever the message drew has arrived by then).
struct Peer {
    sock: UdpSocket,
    gw: SocketAddr,
    n: u64,
    /// What is being tested, for failure messages.
    current: String,
}

impl Peer {
    fn me(&self) -> SocketAddr {
        self.sock.local_addr().unwrap()
    }

    async fn recv(&self) -> String {
        let mut buf = vec![0u8; 65536];
        let (n, _) = tokio::time::timeout(Duration::from_secs(5), self.sock.recv_from(&mut buf))
            .await
            .unwrap_or_else(|_| panic!("{}: the gateway answers its liveness probe (no hang)", self.current))
            .unwrap();
        String::from_utf8_lossy(&buf[..n]).into_owned()
    }

    /// Sends `msg`, then a probe; returns the status lines `msg` drew
    /// (responses carrying its Call-ID, when it has one). Final non-2xx
    /// responses to INVITEs are ACKed, as the suite's teardown does, so
    /// none is retransmitted into a later exchange.
    async fn exchange(&mut self, msg: &[u8]) -> Vec<String> {
        self.n += 1;
        self.sock.send_to(msg, self.gw).await.unwrap();
        let sent = String::from_utf8_lossy(msg);
        // The Call-ID of the first message in the datagram (its headers
        // only: dblreq carries a second message after it).
        let head = sent.split("\r\n\r\n").next().unwrap_or("");
        let call_id = head.lines().find_map(|l| {
            let (name, value) = l.split_once(':')?;
            let name = name.trim();
            (name.eq_ignore_ascii_case("call-id") || name.eq_ignore_ascii_case("i")).then(|| value.trim().to_owned())
        });
        // Two probes: the gateway reads datagrams in batches and answers
        // what its routing decided at the end of a batch, so a response to
        // `msg` may follow the first probe's 200, never the second's.
        let mut drawn = Vec::new();
        for round in 0..2 {
            let probe = format!("probe-{}-{round}", self.n);
            let (me, gw) = (self.me(), self.gw);
            let options = format!(
                "OPTIONS sip:ping@{gw} SIP/2.0\r\nVia: SIP/2.0/UDP {me};branch=z9hG4bK{probe}\r\nMax-Forwards: 70\r\n\
                 From: <sip:t@{me}>;tag=p\r\nTo: <sip:ping@{gw}>\r\nCall-ID: {probe}\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n"
            );
            self.sock.send_to(options.as_bytes(), self.gw).await.unwrap();
            loop {
                let m = self.recv().await;
                if m.contains(&format!("Call-ID: {probe}\r")) {
                    assert!(m.starts_with("SIP/2.0 200"), "probe answered: {m}");
                    break;
                }
                self.ack_if_needed(&m).await;
                let theirs = m.lines().find_map(|l| l.strip_prefix("Call-ID: ")).map(str::trim);
                if call_id.is_none() || theirs == call_id.as_deref() {
                    drawn.push(m.lines().next().unwrap_or("").to_owned());
                }
            }
        }
        drawn
    }

    /// ACKs a final non-2xx response to an INVITE (§17.1.1.3).
    async fn ack_if_needed(&self, resp: &str) {
        let line = |name: &str| resp.lines().find_map(|l| l.strip_prefix(name)).unwrap_or("").to_owned();
        let cseq = line("CSeq: ");
        if status(resp.lines().next().unwrap_or("")) < 300 || !cseq.ends_with("INVITE") {
            return;
        }
        let num = cseq.split(' ').next().unwrap_or("1");
        let ack = format!(
            "ACK sip:protos@{} SIP/2.0\r\nVia: {}\r\nMax-Forwards: 70\r\nFrom: {}\r\nTo: {}\r\nCall-ID: {}\r\nCSeq: {num} ACK\r\nContent-Length: 0\r\n\r\n",
            self.gw,
            line("Via: "),
            line("From: "),
            line("To: "),
            line("Call-ID: ")
        );
        self.sock.send_to(ack.as_bytes(), self.gw).await.unwrap();
    }

    /// A fresh call to the echo service: INVITE, 200, ACK, BYE, 200.
    async fn fresh_call(&mut self) {
        self.n += 1;
        let (me, gw, n) = (self.me(), self.gw, self.n);
        let (ip, family) = match me.ip() {
            std::net::IpAddr::V4(ip) => (ip.to_string(), "IP4"),
            std::net::IpAddr::V6(ip) => (ip.to_string(), "IP6"),
        };
        let sdp = &format!(
            "v=0\r\no=t 1 1 IN {family} {ip}\r\ns=-\r\nc=IN {family} {ip}\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n"
        );
        let head = |method: &str, cseq: u32, to: &str, body: &str| {
            let ct = if body.is_empty() {
                ""
            } else {
                "Content-Type: application/sdp\r\n"
            };
            format!(
                "{method} sip:live@{gw} SIP/2.0\r\nVia: SIP/2.0/UDP {me};branch=z9hG4bKlive{n}{method}\r\nMax-Forwards: 70\r\n\
                 From: <sip:t@{me}>;tag=live{n}\r\nTo: {to}\r\nCall-ID: live-{n}\r\nCSeq: {cseq} {method}\r\n\
                 Contact: <sip:t@{me}>\r\n{ct}Content-Length: {}\r\n\r\n{body}",
                body.len()
            )
        };
        let to = format!("<sip:live@{gw}>");
        self.sock
            .send_to(head("INVITE", 1, &to, sdp).as_bytes(), gw)
            .await
            .unwrap();
        let ok = loop {
            let m = self.recv().await;
            if m.contains(&format!("Call-ID: live-{n}")) && m.starts_with("SIP/2.0 200") {
                break m;
            }
        };
        let to = ok.lines().find_map(|l| l.strip_prefix("To: ")).unwrap().to_owned();
        self.sock.send_to(head("ACK", 1, &to, "").as_bytes(), gw).await.unwrap();
        self.sock.send_to(head("BYE", 2, &to, "").as_bytes(), gw).await.unwrap();
        loop {
            let m = self.recv().await;
            if m.contains(&format!("Call-ID: live-{n}")) && m.contains("CSeq: 2 BYE") {
                assert!(m.starts_with("SIP/2.0 200"), "fresh call's BYE answered: {m}");
                return;
            }
        }
    }
}

async fn peer(gw: &SipGateway) -> Peer {
    Peer {
        sock: UdpSocket::bind(SocketAddr::new(gw.local_addr().ip(), 0)).await.unwrap(),
        gw: gw.local_addr(),
        n: 0,
        current: String::new(),
    }
}

/// Points the first Via of `msg` at `me` (responses follow Via; the corpus
/// names hosts of its own) and makes its branch unique with `tag` (the
/// corpus reuses `z9hG4bKkdjuw` across unrelated messages, which a
/// transaction layer rightly takes for retransmissions). The first Via
/// header, folded lines and all, becomes `Via: SIP/2.0/UDP me;params`
/// with its own parameters; every other byte is kept.
fn via_to(msg: &[u8], me: SocketAddr, tag: &str) -> Vec<u8> {
    let Ok(text) = std::str::from_utf8(msg) else {
        return msg.to_vec();
    };
    let lines: Vec<&str> = text.split("\r\n").collect();
    let is_via = |l: &str| {
        l.split_once(':')
            .is_some_and(|(n, _)| n.trim().eq_ignore_ascii_case("via") || n.trim().eq_ignore_ascii_case("v"))
    };
    let Some(first) = lines
        .iter()
        .skip(1)
        .take_while(|l| !l.is_empty())
        .position(|l| is_via(l))
        .map(|p| p + 1)
    else {
        return msg.to_vec();
    };
    let mut last = first;
    while lines.get(last + 1).is_some_and(|l| l.starts_with([' ', '\t'])) {
        last += 1;
    }
    let value: String = lines[first..=last].join(" ");
    let value = value.split_once(':').map_or("", |(_, v)| v);
    // The first Via of a comma list; its parameters start at the first ';'.
    let first_via = value.split(',').next().unwrap_or("");
    let params: String = first_via.split_once(';').map_or(String::new(), |(_, p)| {
        p.split(';')
            .map(|kv| kv.split_whitespace().collect::<String>())
            .collect::<Vec<_>>()
            .join(";")
    });
    let params = params.replacen("branch=", &format!("branch={tag}"), 1).replacen(
        &format!("branch={tag}z9hG4bK"),
        &format!("branch=z9hG4bK{tag}"),
        1,
    );
    let rest_vias = value.split_once(',').map(|(_, r)| format!(",{r}")).unwrap_or_default();
    let sep = if params.is_empty() { "" } else { ";" };
    let new = format!("Via: SIP/2.0/UDP {me}{sep}{params}{rest_vias}");
    let mut out: Vec<String> = lines[..first].iter().map(|l| l.to_string()).collect();
    out.push(new);
    out.extend(lines[last + 1..].iter().map(|l| l.to_string()));
    out.join("\r\n").into_bytes()
}

/// What RFC 4475 says of each message (statuses acceptable from us, a UAS
/// that is not a registrar; empty: no response, it is a response itself).
fn rfc4475_expected(name: &str) -> &'static [u16] {
    match name {
        // 3.1.1 valid: processed (our route answers INVITEs 486).
        "esc01" | "longreq" | "inv2543" => &[486],
        // Its To has a tag: a request inside a dialog we do not have.
        "wsinv" => &[481],
        "lwsdisp" | "semiuri" | "transports" | "badbranch" => &[200],
        "intmeth" | "esc02" => &[501, 405],
        "escnull" | "dblreq" | "unksm2" | "regaut01" | "cparam01" | "cparam02" | "regescrt" => &[405],
        "mpart01" => &[415, 486],
        "unreason" | "noreason" | "scalarlg" | "bigcode" | "bcast" => &[],
        // 3.1.2 invalid.
        "badinv01" | "clerr" | "ncl" | "scalar02" | "quotbal" | "ltgtruri" | "lwsruri" | "lwsstart" | "trws"
        | "escruri" | "mismatch01" | "multi01" | "mcl01" | "insuf" => &[400],
        "baddate" => &[400, 486],
        "regbadct" => &[400, 405],
        "badaspec" => &[400, 200],
        "baddn" => &[400, 200],
        "badvers" => &[505],
        "mismatch02" => &[400, 501],
        // 3.3 application layer.
        "unkscm" | "novelsc" => &[416],
        "bext01" => &[420],
        "invut" => &[415],
        "sdp01" => &[406],
        "zeromf" => &[200, 483],
        _ => &[0],
    }
}

/// The corpus files in `dir`, in name order.
fn corpus(dir: &str) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(format!("{CORPUS}/{dir}"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

/// Sends corpus message `path` (its Via ours) and returns its name, the
/// status lines drawn and the final statuses among them.
async fn play(p: &mut Peer, path: &std::path::Path, rfc: &str) -> (String, Vec<String>, Vec<u16>) {
    let name = path.file_stem().unwrap().to_string_lossy().into_owned();
    let msg = via_to(&std::fs::read(path).unwrap(), p.me(), &format!("{name}-"));
    p.current = format!("{rfc} {name}");
    let drawn = p.exchange(&msg).await;
    let got = drawn.iter().map(|l| status(l)).filter(|s| *s >= 200).collect();
    (name, drawn, got)
}

fn status(line: &str) -> u16 {
    line.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or(0)
}

#[tokio::test]
async fn rfc4475_torture_messages_are_answered_as_the_rfc_says() {
    let gw = gateway().await;
    let mut p = peer(&gw).await;
    let files = corpus("rfc4475");
    let mut wrong = Vec::new();
    for path in &files {
        let (name, drawn, got) = play(&mut p, path, "RFC 4475").await;
        let expected = rfc4475_expected(&name);
        let ok = match (expected, got.as_slice()) {
            ([0], _) => true, // test.dat: described nowhere; surviving it is the test
            ([], []) => true,
            (want, [s]) => want.contains(s),
            _ => false,
        };
        if !ok {
            wrong.push(format!("{name}: expected {expected:?}, got {drawn:?}"));
        }
        if let Some(l) = drawn.iter().find(|l| status(l) == 400) {
            assert!(
                l.len() > "SIP/2.0 400 Bad Request".len(),
                "{name}: a 400 names its fault: {l}"
            );
        }
        p.fresh_call().await;
    }
    assert!(
        wrong.is_empty(),
        "{} of {} answered wrongly:\n{}",
        wrong.len(),
        files.len(),
        wrong.join("\n")
    );
    assert_eq!(files.len(), 50);
}

/// What RFC 5118 says of each message, as statuses acceptable from us (a
/// UAS that is not a registrar and whose routes answer INVITEs 486): the
/// one invalid message (§4.2) gets 400; every other one is valid and is
/// processed like any request of its method.
fn rfc5118_expected(name: &str) -> &'static [u16] {
    match name {
        // 4.1, 4.3, 4.4: REGISTERs; 4.3's `[2001:db8::10:5070]` is an
        // address with no port, well-formed if not what its sender meant.
        "ipv6-good" | "port-ambiguous" | "port-unambiguous" => &[405],
        // 4.2: the Request-URI's IPv6 address has no brackets.
        "ipv6-bad" => &[400],
        // 4.5: `received` with and without brackets both parsed; the BYE
        // has a To tag of a dialog we do not have.
        "via-received-param-with-delim" => &[481],
        "via-received-param-no-delim" => &[200],
        // 4.6, 4.8, 4.9: INVITEs with IPv6, mixed and IPv4-mapped
        // addresses in Via, Contact and SDP. Their SDP is read: 4.6's and
        // 4.9's audio is G726-32 only, which no leg of ours speaks (488);
        // 4.8's is PCMU, and the call is routed (486 here).
        "ipv6-in-sdp" | "ipv4-mapped-ipv6" => &[488],
        "mult-ip-in-sdp" => &[486],
        // 4.7: IPv6 and IPv4 Vias in one request (a BYE outside a dialog).
        "mult-ip-in-header" => &[481],
        // 4.10: the three-colon form RFC 3261's ABNF allowed is tolerated.
        "ipv6-bug-abnf-3-colons" | "ipv6-correct-abnf-2-colons" => &[200],
        _ => &[0],
    }
}

/// RFC 5118's twelve messages, sent over IPv6 to a gateway on [::1]: each
/// answered as the RFC says, the one 400 naming the bracket-less IPv6
/// address, and a fresh call over IPv6 after each.
#[tokio::test]
async fn rfc5118_ipv6_torture_messages_are_answered_as_the_rfc_says() {
    if !ports::ipv6_loopback("rfc5118_ipv6_torture_messages_are_answered_as_the_rfc_says") {
        return;
    }
    let gw = gateway_on("::1".parse().unwrap()).await;
    let mut p = peer(&gw).await;
    assert!(p.me().is_ipv6());
    let files = corpus("rfc5118");
    let mut wrong = Vec::new();
    for path in &files {
        let (name, drawn, got) = play(&mut p, path, "RFC 5118").await;
        let expected = rfc5118_expected(&name);
        if !matches!(got.as_slice(), [s] if expected.contains(s)) {
            wrong.push(format!("{name}: expected {expected:?}, got {drawn:?}"));
        }
        if let Some(l) = drawn.iter().find(|l| status(l) == 400) {
            assert!(l.contains("IPv6"), "{name}: the 400 names the IPv6 fault: {l}");
        }
        p.fresh_call().await;
    }
    assert!(
        wrong.is_empty(),
        "{} of {} answered wrongly:\n{}",
        wrong.len(),
        files.len(),
        wrong.join("\n")
    );
    assert_eq!(files.len(), 12);
    assert_eq!(gw.gateway_stats().active, 0, "no call left behind");
}

/// The same messages through the parser and validator alone, with what
/// each must yield: the hosts, ports and `received` values RFC 5118 is
/// about, and the SDP connection addresses of §4.6, §4.8 and §4.9.
#[test]
fn rfc5118_messages_parse_as_the_rfc_says() {
    use rvoip::test_exports::{sdp, sip};
    let read = |name: &str| std::fs::read(format!("{CORPUS}/rfc5118/{name}.dat")).unwrap();
    let request = |name: &str| match sip::parse(&read(name)).unwrap_or_else(|e| panic!("{name}: {e}")) {
        sip::SipMessage::Request(r) => r,
        other => panic!("{name}: {other:?}"),
    };
    let uri = |name: &str| {
        let mut s = String::new();
        sip::push_uri(&mut s, &request(name).uri);
        s
    };
    for name in [
        "ipv6-good",
        "port-ambiguous",
        "port-unambiguous",
        "via-received-param-with-delim",
        "via-received-param-no-delim",
        "ipv6-in-sdp",
        "mult-ip-in-header",
        "mult-ip-in-sdp",
        "ipv4-mapped-ipv6",
        "ipv6-bug-abnf-3-colons",
        "ipv6-correct-abnf-2-colons",
    ] {
        let msg = sip::receive(&read(name)).unwrap_or_else(|e| panic!("{name} parses: {e}"));
        sip::validate(&msg).unwrap_or_else(|e| panic!("{name} is valid: {e}"));
    }
    // 4.2: refused with a reason that names the fault.
    let err = sip::parse(&read("ipv6-bad")).unwrap_err();
    assert_eq!(err.answerable().map(|(_, s)| s), Some(400));
    assert_eq!(err.to_string(), "IPv6 address in Request-URI without brackets");
    // 4.1, 4.3, 4.4: the Request-URIs write back as they came; 4.3 has no
    // port (5070 is the address's last group), 4.4 has port 5070.
    assert_eq!(uri("ipv6-good"), "sip:[2001:db8::10]");
    assert_eq!(uri("port-ambiguous"), "sip:[2001:db8::10:5070]");
    assert_eq!(uri("port-unambiguous"), "sip:[2001:db8::10]:5070");
    let peer = |u: &str| sip::uri_peer(u, rvoip::test_exports::ids::TransportKind::Udp).map(|p| p.addr.to_string());
    assert_eq!(
        peer(&uri("port-ambiguous")).as_deref(),
        Some("[2001:db8::10:5070]:5060")
    );
    assert_eq!(peer(&uri("port-unambiguous")).as_deref(), Some("[2001:db8::10]:5070"));
    // 4.10: the three-colon form is the two-colon address.
    assert_eq!(uri("ipv6-bug-abnf-3-colons"), "sip:user@[2001:db8:::192.0.2.1]");
    assert_eq!(
        peer(&uri("ipv6-bug-abnf-3-colons")),
        peer(&uri("ipv6-correct-abnf-2-colons"))
    );
    // 4.5: `received` with and without brackets routes responses alike.
    let via = |name: &str| {
        sip::header(&sip::SipMessage::Request(request(name)), "Via")
            .unwrap()
            .to_owned()
    };
    for name in ["via-received-param-with-delim", "via-received-param-no-delim"] {
        assert_eq!(
            sip::response_addr(&via(name)),
            Some("[2001:db8::9:255]:5060".parse().unwrap()),
            "{name}"
        );
    }
    // 4.7 and 4.9: IPv6 sent-by, with a port after the brackets.
    let core = |name: &str| sip::validate(&sip::receive(&read(name)).unwrap()).unwrap();
    assert_eq!(core("mult-ip-in-header").sent_by(), "[2001:db8::9:1]:6050");
    assert_eq!(core("ipv4-mapped-ipv6").sent_by(), "[::ffff:192.0.2.10]:19823");
    // 4.6, 4.8, 4.9: SDP with IPv6 (and, in 4.8, a second stream's IPv4)
    // connection addresses; the audio stream's is the one we use.
    let audio = |name: &str| sdp::parse(std::str::from_utf8(&request(name).body).unwrap()).map(|s| s.audio.addr);
    assert_eq!(audio("ipv6-in-sdp"), Ok("2001:db8::20".parse().unwrap()));
    assert_eq!(audio("mult-ip-in-sdp"), Ok("192.0.2.1".parse().unwrap()));
    assert_eq!(audio("ipv4-mapped-ipv6"), Ok("::ffff:192.0.2.2".parse().unwrap()));
}

#[test]
fn protos_cases_never_panic_the_parser() {
    let (me, gw): (SocketAddr, SocketAddr) = ("127.0.0.1:5062".parse().unwrap(), "127.0.0.1:5060".parse().unwrap());
    let cases = protos_cases();
    assert_eq!(cases.len(), 4527);
    let (mut valid, mut invalid) = (0, 0);
    for (n, pdu) in &cases {
        let msg = fill(pdu, *n, me, gw);
        match rvoip::test_exports::sip::receive(&msg).map(|m| rvoip::test_exports::sip::validate(&m).is_ok()) {
            Ok(true) => valid += 1,
            _ => invalid += 1,
        }
    }
    assert!(
        matches!(
            rvoip::test_exports::sip::receive(&fill(&cases[0].1, 0, me, gw))
                .map(|m| rvoip::test_exports::sip::validate(&m).is_ok()),
            Ok(true)
        ),
        "case 0 is valid"
    );
    println!(
        "PROTOS c07-sip through parse+validate: {valid} valid, {invalid} refused, of {}",
        cases.len()
    );
}

#[tokio::test]
async fn protos_cases_at_a_running_gateway() {
    let gw = gateway().await;
    let mut p = peer(&gw).await;
    let mut outcome: BTreeMap<String, usize> = BTreeMap::new();
    let cases = protos_cases();
    for (n, pdu) in &cases {
        let msg = fill(pdu, *n, p.me(), p.gw);
        p.current = format!("PROTOS case {n}");
        if msg.len() > 65_507 {
            // Larger than any UDP datagram: the parser test covers these.
            *outcome.entry("larger than a UDP datagram".into()).or_default() += 1;
            continue;
        }
        let drawn = p.exchange(&msg).await;
        let finals: Vec<u16> = drawn.iter().map(|l| status(l)).filter(|s| *s >= 200).collect();
        let key = match finals.as_slice() {
            [] => "dropped".to_owned(),
            [400] => {
                let line = drawn.iter().find(|l| status(l) == 400).unwrap();
                assert!(
                    line.len() > "SIP/2.0 400 Bad Request".len(),
                    "case {n}: a 400 names its fault: {line}"
                );
                "400 with a reason".to_owned()
            }
            [s] => format!("{s}"),
            more => panic!("case {n}: several final responses {more:?}"),
        };
        if *n == 0 {
            assert_eq!(key, "486", "case 0 (valid) is routed and answered");
        }
        *outcome.entry(key).or_default() += 1;
        p.fresh_call().await;
    }
    println!(
        "PROTOS c07-sip at a running gateway ({} cases): {outcome:?}",
        cases.len()
    );
    let total: usize = outcome.values().sum();
    assert_eq!(total, 4527);
    assert_eq!(gw.gateway_stats().active, 0, "no call left behind");
}
