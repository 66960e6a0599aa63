//! One bridged call's parties, shared by benches/b2bua_call.rs,
//! tests/sip_alloc.rs and tests/held_call_heap.rs: SIPp-style caller A and callee B as hand-written
//! text, and the gateway between them (one `Endpoint`, one route to B).

#![allow(dead_code)]

use rvoip::test_exports::endpoint::Endpoint;
use rvoip::test_exports::gateway::{Gateway, GatewayConfig, Route, RouteAction};
use rvoip::test_exports::ids::{Peer, TransportKind};
use rvoip::test_exports::sdp::Codec;
use rvoip::test_exports::session::UaConfig;
use rvoip::test_exports::transaction::TimerConfig;
use std::net::SocketAddr;
use std::time::{Instant, SystemTime};

pub const GW: &str = "127.0.0.1:5060";
pub const A: &str = "127.0.0.1:5061";
pub const B: &str = "127.0.0.1:5070";
pub const SDP: &str = "v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\n\
c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

pub fn udp(addr: &str) -> Peer {
    Peer {
        transport: TransportKind::Udp,
        addr: addr.parse().unwrap(),
    }
}

pub fn header<'a>(msg: &'a str, name: &str) -> &'a str {
    msg.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix(": ")))
        .unwrap_or("")
}

/// SIPp's uac INVITE for call `n`.
pub fn invite(n: u64) -> String {
    invite_with(n, 1, "")
}

/// SIPp's uac INVITE for call `n` with CSeq `cseq` and `extra` headers.
pub fn invite_with(n: u64, cseq: u32, extra: &str) -> String {
    format!(
        "INVITE sip:service@{GW} SIP/2.0\r\nVia: SIP/2.0/UDP {A};branch=z9hG4bK-{n}-{cseq}-0\r\n\
From: sipp <sip:sipp@{A}>;tag={n}SIPpTag001\r\nTo: service <sip:service@{GW}>\r\n\
Call-ID: {n}-bench@127.0.0.1\r\nCSeq: {cseq} INVITE\r\nContact: sip:sipp@{A}\r\nMax-Forwards: 70\r\n\
{extra}Subject: Performance Test\r\nContent-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{SDP}",
        SDP.len()
    )
}

/// SIPp's uac ACK or BYE for call `n`, in the dialog the 200 `ok` set up.
pub fn in_dialog(n: u64, method: &str, cseq: u32, ok: &str) -> String {
    format!(
        "{method} sip:service@{GW} SIP/2.0\r\nVia: SIP/2.0/UDP {A};branch=z9hG4bK-{n}-{cseq}-{method}\r\n\
From: sipp <sip:sipp@{A}>;tag={n}SIPpTag001\r\nTo: {}\r\nCall-ID: {n}-bench@127.0.0.1\r\n\
CSeq: {cseq} {method}\r\nContact: sip:sipp@{A}\r\nMax-Forwards: 70\r\nSubject: Performance Test\r\n\
Content-Length: 0\r\n\r\n",
        header(ok, "To")
    )
}

/// uas_answer.xml's 200 to `req`, with SDP when `sdp`.
pub fn ok(req: &str, n: u64, sdp: bool) -> String {
    reply(req, n, "200 OK", sdp)
}

/// uas_answer.xml's `status` line (`180 Ringing`, `200 OK`) to `req`,
/// with SDP when `sdp`.
pub fn reply(req: &str, n: u64, status: &str, sdp: bool) -> String {
    let to = header(req, "To");
    let tag = if to.contains("tag=") {
        String::new()
    } else {
        format!(";tag={n}SIPpTag01")
    };
    let body = if sdp { SDP } else { "" };
    let ct = if sdp { "Content-Type: application/sdp\r\n" } else { "" };
    format!(
        "SIP/2.0 {status}\r\nVia: {}\r\nFrom: {}\r\nTo: {to}{tag}\r\nCall-ID: {}\r\nCSeq: {}\r\n\
Contact: <sip:{B};transport=UDP>\r\n{ct}Content-Length: {}\r\n\r\n{body}",
        header(req, "Via"),
        header(req, "From"),
        header(req, "Call-ID"),
        header(req, "CSeq"),
        body.len()
    )
}

/// The gateway's signalling settings: no shedding, no authentication.
pub fn ua_config() -> UaConfig {
    UaConfig {
        local: GW.parse::<SocketAddr>().unwrap(),
        local_alt: None,
        tls_local: None,
        user: "rvoip".into(),
        timers: TimerConfig::default(),
        media_addr: "127.0.0.1".parse().unwrap(),
        media_addr_alt: None,
        ports: (10000, 30000),
        codecs: vec![Codec::pcmu(), Codec::pcma()],
        max_calls: 1_000_000,
        retry_after: 5,
        seed: 1,
        media_workers: 2,
        shard: 0,
        shards: 1,
        max_redirects: 3,
        shed_delay: None,
        auth: None,
        access: Default::default(),
        registrations: Vec::new(),
        srtp: Default::default(),
        session_timer: Default::default(),
        node: None,
        registrar: None,
        dns: Default::default(),
    }
}

/// The gateway with `cfg`, every call forwarded to `target`.
pub fn gateway(cfg: UaConfig, target: String) -> Endpoint {
    let gw = Gateway::new(GatewayConfig {
        routes: vec![Route {
            capture_dir: None,
            transfer: true,
            user_prefix: String::new(),
            domain: None,
            sources: Vec::new(),
            action: RouteAction::Forward {
                uri: target,
                credentials: None,
                srtp: Default::default(),
                sdes_in_clear: false,
                transport: TransportKind::Udp,
                codecs: Vec::new(),
            },
        }],
        max_calls: 1_000_000,
        ..GatewayConfig::default()
    });
    Endpoint::new(cfg, Some(gw), Instant::now(), SystemTime::now())
}

/// The message sent to `to` whose first line starts with `start`.
pub fn sent(out: &[(SocketAddr, String)], to: &str, start: &str) -> String {
    let to: SocketAddr = to.parse().unwrap();
    out.iter()
        .find(|(a, t)| *a == to && t.starts_with(start))
        .map(|(_, t)| t.clone())
        .unwrap_or_else(|| panic!("no {start} to {to} in {out:#?}"))
}
