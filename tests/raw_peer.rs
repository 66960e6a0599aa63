//! Scenarios where a test plays a hand-written peer against the UA core in
//! simulated time: late offer, forked 2xx, unknown dialogs, malformed input.

mod sim;

use rvoip::test_exports::ids::{CallId, TransportKind};
use rvoip::test_exports::session::{Command, MediaMode, SessionEvent};
use sim::{Net, addr};
use std::time::Duration;

const SDP: &str = "v=0\r\no=peer 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n";

fn invite(body: &str, branch: &str) -> Vec<u8> {
    let ct = if body.is_empty() {
        ""
    } else {
        "Content-Type: application/sdp\r\n"
    };
    format!(
        "INVITE sip:svc@{gw} SIP/2.0\r\nVia: SIP/2.0/UDP {me};branch=z9hG4bK{branch}\r\nMax-Forwards: 70\r\n\
         From: <sip:peer@{me}>;tag=p1\r\nTo: <sip:svc@{gw}>\r\nCall-ID: late-1\r\nCSeq: 1 INVITE\r\n\
         Contact: <sip:peer@{me}>\r\n{ct}Content-Length: {}\r\n\r\n{body}",
        body.len(),
        gw = addr(1),
        me = addr(5)
    )
    .into_bytes()
}

fn header<'a>(msg: &'a str, name: &str) -> &'a str {
    msg.lines()
        .find_map(|l| l.strip_prefix(name).and_then(|r| r.strip_prefix(": ")))
        .unwrap_or("")
}

#[test]
fn late_offer_offer_in_200_answer_in_ack() {
    let mut net = Net::new(2, 10);
    net.send(addr(5), addr(1), invite("", "late1"));
    net.run_for(Duration::from_millis(50));
    let b = net.incoming(1);
    net.command(1, Command::Accept(b, MediaMode::None));
    net.run_for(Duration::from_millis(50));
    let ok = net.sent(addr(1), "SIP/2.0 200")[0].text.clone();
    assert!(
        ok.contains("m=audio") && ok.contains("a=rtpmap:0 PCMU/8000"),
        "200 must carry our offer:\n{ok}"
    );
    let ack = format!(
        "ACK sip:peer@{gw} SIP/2.0\r\nVia: SIP/2.0/UDP {me};branch=z9hG4bKack1\r\nMax-Forwards: 70\r\n\
         From: <sip:peer@{me}>;tag=p1\r\nTo: {to}\r\nCall-ID: late-1\r\nCSeq: 1 ACK\r\n\
         Content-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{SDP}",
        SDP.len(),
        gw = addr(1),
        me = addr(5),
        to = header(&ok, "To")
    );
    net.send(addr(5), addr(1), ack.into_bytes());
    net.run_for(Duration::from_secs(5));
    let ev = net.take_events(1);
    assert!(
        ev.iter().any(|e| matches!(e, SessionEvent::Answered(i) if *i == b)),
        "{ev:?}"
    );
    assert_eq!(
        net.sent(addr(1), "SIP/2.0 200").len(),
        1,
        "ACK stopped the 2xx retransmissions"
    );
}

#[test]
fn forked_2xx_both_acked_second_hung_up() {
    let mut net = Net::new(1, 11);
    let id = CallId(99);
    net.command(0, Command::Call(id, format!("sip:bob@{}", addr(5)), TransportKind::Udp));
    let inv = net.sent(addr(0), "INVITE")[0].text.clone();
    let reply = |status: &str, tag: &str| {
        let mut r = format!("SIP/2.0 {status}\r\n");
        for h in ["Via", "From", "Call-ID", "CSeq"] {
            r += &format!("{h}: {}\r\n", header(&inv, h));
        }
        r += &format!(
            "To: {};tag={tag}\r\nContact: <sip:{tag}@{}>\r\n",
            header(&inv, "To"),
            addr(5)
        );
        r += &format!(
            "Content-Type: application/sdp\r\nContent-Length: {}\r\n\r\n{SDP}",
            SDP.len()
        );
        r.into_bytes()
    };
    net.send(addr(5), addr(0), reply("180 Ringing", "fork1"));
    net.send(addr(5), addr(0), reply("180 Ringing", "fork2"));
    net.send(addr(5), addr(0), reply("200 OK", "fork1"));
    net.send(addr(5), addr(0), reply("200 OK", "fork2"));
    net.run_for(Duration::from_millis(100));
    let ev = net.take_events(0);
    assert_eq!(ev.iter().filter(|e| matches!(e, SessionEvent::Ringing(_))).count(), 1);
    assert_eq!(ev.iter().filter(|e| matches!(e, SessionEvent::Answered(_))).count(), 1);
    let acks = net.sent(addr(0), "ACK");
    assert_eq!(acks.len(), 2);
    assert!(acks[0].text.contains("tag=fork1") && acks[1].text.contains("tag=fork2"));
    // The second fork's dialog is formed after our INVITE was let go
    // (once the first 2xx formed the call's): our side is the same.
    for h in ["From", "Call-ID"] {
        assert_eq!(header(&acks[1].text, h), header(&inv, h), "{h}");
    }
    let byes = net.sent(addr(0), "BYE");
    assert_eq!(byes.len(), 1);
    assert!(byes[0].text.contains("tag=fork2") && byes[0].first_line().contains("sip:fork2@"));
}

#[test]
fn bye_for_unknown_dialog_gets_481() {
    let mut net = Net::new(2, 12);
    let bye = format!(
        "BYE sip:x@{gw} SIP/2.0\r\nVia: SIP/2.0/UDP {me};branch=z9hG4bKbye1\r\nMax-Forwards: 70\r\n\
         From: <sip:p@{me}>;tag=a\r\nTo: <sip:x@{gw}>;tag=nope\r\nCall-ID: ghost\r\nCSeq: 5 BYE\r\nContent-Length: 0\r\n\r\n",
        gw = addr(1),
        me = addr(5)
    );
    net.send(addr(5), addr(1), bye.into_bytes());
    net.run_for(Duration::from_millis(50));
    let r = net.sent(addr(1), "SIP/2.0");
    assert_eq!(r.len(), 1);
    assert!(r[0].first_line().starts_with("SIP/2.0 481"));
}

#[test]
fn malformed_requests_get_400_naming_the_fault() {
    let cases = [
        ("Call-ID: late-1\r\n", "", "400 Missing Call-ID header"),
        // A missing Max-Forwards is RFC 2543 and processed (RFC 4475
        // §3.4.1, tests/conformance.rs); a malformed one is refused.
        (
            "Max-Forwards: 70\r\n",
            "Max-Forwards: many\r\n",
            "400 Malformed Max-Forwards header",
        ),
        (
            "CSeq: 1 INVITE\r\n",
            "CSeq: 1 BYE\r\n",
            "400 CSeq method does not match request method",
        ),
        (
            "CSeq: 1 INVITE\r\n",
            "CSeq: abc INVITE\r\n",
            "400 Malformed CSeq header",
        ),
        (
            "Content-Length: 0\r\n",
            "Content-Length: 50\r\n",
            "400 Content-Length mismatch: declared 50, received 0",
        ),
    ];
    for (i, (from, to, want)) in cases.iter().enumerate() {
        let mut net = Net::new(2, 20 + i as u64);
        let text = String::from_utf8(invite("", &format!("bad{i}")))
            .unwrap()
            .replacen(from, to, 1);
        net.send(addr(5), addr(1), text.into_bytes());
        net.run_for(Duration::from_millis(50));
        let r = net.sent(addr(1), "SIP/2.0");
        assert_eq!(r.len(), 1, "case {want}: one answer");
        assert_eq!(r[0].first_line(), format!("SIP/2.0 {want}"));
        assert_eq!(net.nodes[1].ep.stats().1, 0, "no call was created");
    }
}

#[test]
fn compact_headers_are_accepted() {
    let mut net = Net::new(2, 30);
    let compact = format!(
        "INVITE sip:svc@{gw} SIP/2.0\r\nv: SIP/2.0/UDP {me};branch=z9hG4bKcmp\r\nMax-Forwards: 70\r\n\
         f: <sip:peer@{me}>;tag=p1\r\nt: <sip:svc@{gw}>\r\ni: compact-1\r\nCSeq: 1 INVITE\r\n\
         m: <sip:peer@{me}>\r\nc: application/sdp\r\nl: {}\r\n\r\n{SDP}",
        SDP.len(),
        gw = addr(1),
        me = addr(5)
    );
    net.send(addr(5), addr(1), compact.into_bytes());
    net.run_for(Duration::from_millis(50));
    assert!(matches!(net.take_events(1)[..], [SessionEvent::Incoming(..)]));
    assert_eq!(net.sent(addr(1), "SIP/2.0 100").len(), 1);
}

#[test]
fn unanswerable_garbage_is_dropped_and_counted() {
    let mut net = Net::new(2, 31);
    net.send(addr(5), addr(1), b"\x00\x01garbage that is not SIP".to_vec());
    net.send(addr(5), addr(1), vec![b'A'; 70_000]);
    net.run_for(Duration::from_millis(50));
    assert!(net.sent(addr(1), "").is_empty());
    assert_eq!(net.nodes[1].ep.stats().0.dropped, 2);
}

/// A response from the hand-written peer (tag `tag`) to request `req`.
fn respond(req: &str, status: &str, tag: &str, sdp: bool) -> Vec<u8> {
    let mut r = format!("SIP/2.0 {status}\r\n");
    for h in ["Via", "From", "Call-ID", "CSeq"] {
        r += &format!("{h}: {}\r\n", header(req, h));
    }
    let to = header(req, "To");
    let to = if to.contains("tag=") {
        to.to_owned()
    } else {
        format!("{to};tag={tag}")
    };
    r += &format!("To: {to}\r\nContact: <sip:{tag}@{}>\r\n", addr(5));
    let body = if sdp { SDP } else { "" };
    let ct = if sdp { "Content-Type: application/sdp\r\n" } else { "" };
    r += &format!("{ct}Content-Length: {}\r\n\r\n{body}", body.len());
    r.into_bytes()
}

/// A connected call from UA 0 to the hand-written peer at addr(5), then a
/// hold: returns the net, the call and the re-INVITE the peer received.
fn held_by_ua(seed: u64) -> (Net, CallId, String) {
    let mut net = Net::new(1, seed);
    let id = CallId(7);
    net.command(0, Command::Call(id, format!("sip:bob@{}", addr(5)), TransportKind::Udp));
    let inv = net.sent(addr(0), "INVITE")[0].text.clone();
    net.send(addr(5), addr(0), respond(&inv, "200 OK", "peer", true));
    net.run_for(Duration::from_millis(100));
    assert_eq!(net.sent(addr(0), "ACK").len(), 1);
    net.command(0, Command::Hold(id));
    net.run_for(Duration::from_millis(10));
    let invites = net.sent(addr(0), "INVITE");
    assert_eq!(invites.len(), 2, "the hold re-INVITE");
    let reinvite = invites[1].text.clone();
    (net, id, reinvite)
}

fn assert_ended_by_timeout(net: &mut Net, id: CallId, case: &str) {
    let ev = net.take_events(0);
    let ended = |e: &SessionEvent| matches!(e, SessionEvent::Ended(i, rvoip::test_exports::session::EndReason::Timeout) if *i == id);
    assert!(ev.iter().any(ended), "{case}: {ev:?}");
}

/// RFC 3261 §12.2.1.2: a 408 to a re-INVITE ends the dialog (BYE); a 481
/// says it is already gone (no BYE); either way the call ends.
#[test]
fn reinvite_answered_408_or_481_ends_the_call() {
    for (status, byes) in [("408 Request Timeout", 1), ("481 Call/Transaction Does Not Exist", 0)] {
        let (mut net, id, reinvite) = held_by_ua(21);
        net.send(addr(5), addr(0), respond(&reinvite, status, "peer", false));
        net.run_for(Duration::from_millis(100));
        assert_ended_by_timeout(&mut net, id, status);
        assert_eq!(net.sent(addr(0), "BYE").len(), byes, "{status}");
    }
}

/// A re-INVITE nobody answers (Timer B, 64·T1) ends the call with BYE.
#[test]
fn reinvite_timing_out_ends_the_call_with_bye() {
    let (mut net, id, _) = held_by_ua(22);
    net.run_for(Duration::from_secs(31));
    assert!(net.sent(addr(0), "BYE").is_empty(), "not before Timer B");
    net.run_for(Duration::from_secs(2));
    assert_ended_by_timeout(&mut net, id, "timeout");
    let byes = net.sent(addr(0), "BYE");
    assert!(!byes.is_empty(), "BYE after the re-INVITE timed out");
    let branch = |t: &str| header(t, "Via").to_owned();
    assert!(
        byes.iter().all(|b| branch(&b.text) == branch(&byes[0].text)),
        "one BYE (and its retransmissions)"
    );
}
