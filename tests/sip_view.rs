//! The borrowed view (`sip::View`, the parser's common-case path) checked
//! against two oracles, over the RFC 4475 and RFC 5118 torture messages,
//! the 4,527 PROTOS c07-sip test cases (placeholders filled) and seeded mutations of all of them
//! and of a SIPp call's messages:
//! - `sip::parse` (the view when there is one) gives exactly what the full
//!   path (`sip::parse_full`: framing, normalisation, every fault worded)
//!   gives: the same message, or the same error;
//! - `sip::receive` (what the gateway reads: a `Message`, one buffer)
//!   reads what `sip::parse` (the rsip message it replaced) reads: the
//!   same error, or the same start line, header lines in order and body;
//! - where rsip's own parser takes a message, every header the view
//!   holds has the value rsip found for it (names as rsip's tokenizer
//!   knows them; compact forms it does not expand are left out).
//!
//! Pure functions, no sockets.

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rvoip::test_exports::sip::{self, View};

mod protos;

const CORPUS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/corpus");

/// A SIPp call's INVITE and the gateway-side messages like it.
const CALL: [&str; 3] = [
    "INVITE sip:service@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1-1-0\r\n\
     From: sipp <sip:sipp@127.0.0.1:5061>;tag=1SIPpTag001\r\nTo: service <sip:service@127.0.0.1:5060>\r\n\
     Call-ID: 1-bench@127.0.0.1\r\nCSeq: 1 INVITE\r\nContact: sip:sipp@127.0.0.1:5061\r\nMax-Forwards: 70\r\n\
     Subject: Performance Test\r\nContent-Type: application/sdp\r\nContent-Length: 10\r\n\r\nv=0\r\ns=-\r\n",
    "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK77;rport\r\n\
     From: <sip:rvoip@127.0.0.1:5060>;tag=abc\r\nTo: <sip:b@127.0.0.1:5070>;tag=1SIPpTag01\r\nCall-ID: x@y\r\n\
     CSeq: 1 INVITE\r\nContact: <sip:127.0.0.1:5070;transport=UDP>\r\nRecord-Route: <sip:p1;lr>\r\n\
     Content-Length: 0\r\n\r\n",
    "BYE sip:service@127.0.0.1:5060 SIP/2.0\r\nv: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1-2-BYE\r\n\
     f: sipp <sip:sipp@127.0.0.1:5061>;tag=1SIPpTag001\r\nt: <sip:service@127.0.0.1:5060>;tag=9\r\n\
     i: 1-bench@127.0.0.1\r\nCSeq: 2 BYE\r\nl: 0\r\n\r\n",
];

fn corpus(dir: &str) -> Vec<Vec<u8>> {
    let mut files: Vec<_> = std::fs::read_dir(format!("{CORPUS}/{dir}"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "dat"))
        .collect();
    files.sort();
    files.iter().map(|p| std::fs::read(p).unwrap()).collect()
}

/// The PROTOS c07-sip PDUs, their placeholders filled.
fn protos() -> Vec<Vec<u8>> {
    let (me, gw) = ("127.0.0.1:5062".parse().unwrap(), "127.0.0.1:5060".parse().unwrap());
    protos::cases()
        .iter()
        .map(|(n, pdu)| protos::fill(pdu, *n, me, gw))
        .collect()
}

/// `msg` with one seeded change: a byte replaced by one that matters to a
/// parser, a range cut out, or a line repeated.
fn mutate(msg: &[u8], rng: &mut SmallRng) -> Vec<u8> {
    const BYTES: &[u8] = b" \t,:;\r\n\"<>=vlVz0";
    let mut m = msg.to_vec();
    if m.is_empty() {
        return m;
    }
    let at = rng.gen_range(0..m.len());
    match rng.gen_range(0..3) {
        0 => m[at] = BYTES[rng.gen_range(0..BYTES.len())],
        1 => {
            let end = (at + rng.gen_range(1..12)).min(m.len());
            m.drain(at..end);
        }
        _ => {
            let start = m[..at].iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
            let end = m[at..].iter().position(|&b| b == b'\n').map_or(m.len(), |i| at + i + 1);
            let line = m[start..end].to_vec();
            m.splice(end..end, line);
        }
    }
    m
}

/// Every message the checks run over: the corpora, the call, and 20
/// mutations of each.
fn messages() -> Vec<Vec<u8>> {
    let mut base: Vec<Vec<u8>> = CALL.iter().map(|m| m.as_bytes().to_vec()).collect();
    base.extend(corpus("rfc4475"));
    base.extend(corpus("rfc5118"));
    base.extend(protos());
    let mut rng = SmallRng::seed_from_u64(20);
    let mut all = base.clone();
    for m in &base {
        all.extend((0..20).map(|_| mutate(m, &mut rng)));
    }
    all
}

#[test]
fn the_view_parses_as_the_full_path_does() {
    let all = messages();
    let mut viewed = 0;
    for m in &all {
        viewed += usize::from(View::parse(m).is_some());
        let (fast, full) = (sip::parse(m), sip::parse_full(m));
        assert_eq!(
            format!("{fast:?}"),
            format!("{full:?}"),
            "{}",
            String::from_utf8_lossy(m)
        );
    }
    // The common case is the view's: the call's messages have one, and
    // so do most corpus messages and mutations.
    assert!(CALL.iter().all(|m| View::parse(m.as_bytes()).is_some()));
    assert!(viewed * 2 > all.len(), "{viewed} of {} had a view", all.len());
}

#[test]
fn the_views_headers_are_the_values_rsip_finds() {
    use rsip::message::HasHeaders;
    let mut compared = 0;
    for m in &messages() {
        let Some(view) = View::parse(m) else { continue };
        let Ok(Ok(theirs)) = std::panic::catch_unwind(|| rsip::SipMessage::try_from(m.as_slice())) else {
            continue;
        };
        for name in [
            "Via",
            "From",
            "To",
            "Call-ID",
            "CSeq",
            "Contact",
            "Max-Forwards",
            "Content-Type",
            "Content-Length",
            "Record-Route",
            "Route",
        ] {
            let ours: Vec<&str> = view
                .headers()
                .iter()
                .filter(|(n, _)| n.eq_ignore_ascii_case(name))
                .map(|(_, v)| *v)
                .collect();
            let rsips: Vec<String> = sip::headers_in(theirs.headers(), name)
                .map(|v| v.trim().to_owned())
                .collect();
            // rsip keeps a compact name as written, so it has no value
            // under the full one; it may drop a line it cannot type; and
            // an unbalanced quote makes it run on into the next line, an
            // empty value makes it take the next line as the value.
            let runs_on = rsips.iter().any(|v| v.contains(['\r', '\n'])) || ours.iter().any(|v| v.is_empty());
            if rsips.len() != ours.len() || runs_on {
                continue;
            }
            assert_eq!(ours, rsips, "{name} in {}", String::from_utf8_lossy(m));
            compared += ours.len();
        }
    }
    assert!(compared > 10_000, "only {compared} header values compared");
}

#[test]
fn a_received_message_reads_as_the_rsip_one() {
    use rsip::message::HasHeaders;
    let (mut same, mut refused) = (0, 0);
    // Request-URIs of the plain form that rsip refuses (an unknown
    // transport, a method parameter that is none) and one without a scheme.
    let odd: Vec<Vec<u8>> = ["sip:bob@h;transport=foo", "sip:bob@h;method=FOO", "10.0.0.1:5060"]
        .iter()
        .map(|uri| CALL[0].replacen("sip:service@127.0.0.1:5060", uri, 1).into_bytes())
        .collect();
    for m in messages().iter().chain(&odd) {
        let text = String::from_utf8_lossy(m);
        let theirs = match (sip::receive(m), sip::parse(m)) {
            (Err(ours), Err(theirs)) => {
                assert_eq!(format!("{ours:?}"), format!("{theirs:?}"), "{text}");
                refused += 1;
                continue;
            }
            (Ok(ours), Ok(theirs)) => (ours, theirs),
            (ours, theirs) => panic!("{ours:?} against {theirs:?} for {text}"),
        };
        let (ours, theirs) = theirs;
        match &theirs {
            sip::SipMessage::Request(r) => {
                assert_eq!(ours.method(), Some(r.method), "{text}");
                assert_eq!(sip::parse_uri(ours.uri()).ok().as_ref(), Some(&r.uri), "{text}");
            }
            sip::SipMessage::Response(r) => assert_eq!(ours.code(), r.status_code.code(), "{text}"),
        }
        let lines: Vec<(String, &str)> = ours.lines().map(|(n, v)| (n.to_ascii_lowercase(), v)).collect();
        let rsips: Vec<(String, &str)> = theirs
            .headers()
            .iter()
            .map(|h| sip::name_value(h).expect("the parser builds only named headers"))
            .map(|(n, v)| (n.to_ascii_lowercase(), v))
            .collect();
        assert_eq!(lines, rsips, "{text}");
        assert_eq!(ours.body(), theirs.body(), "{text}");
        same += 1;
    }
    assert!(
        same > 10_000 && refused > 1_000,
        "{same} read alike, {refused} refused alike"
    );
}
