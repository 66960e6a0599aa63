//! The peer's UPDATE (RFC 3311) in simulated time, from a hand-written
//! caller: an offer putting the call on hold is answered in the 200 (our
//! stream recvonly) and reported; one with no codec we take gets 488; a
//! bodiless UPDATE refreshes the session timer it names; through a
//! gateway, the hold by UPDATE reaches the callee as a re-INVITE. In an
//! early dialog (RFC 3311 §5.1): a caller requiring 100rel offers by
//! UPDATE after PRACKing our 183's answer and gets its answer at once; the
//! hold reaches the callee, by re-INVITE, once it answers; an UPDATE offer
//! before the INVITE's offer/answer is done gets 500 with Retry-After from
//! the gateway as UAS, 491 as UAC (§5.2).

mod sim;

use rvoip::test_exports::session::{Command, MediaMode, SessionEvent};
use sim::raw::{self, header};
use sim::{CALLEE, GW, Net, addr, forward_to, wait_for};
use std::time::Duration;

const MS: Duration = Duration::from_millis(1);

/// `msg` with `body` (SDP) in place of its empty one.
fn with_sdp(msg: Vec<u8>, extra: &str, body: &str) -> Vec<u8> {
    let text = String::from_utf8(msg).unwrap();
    let ct = if body.is_empty() {
        ""
    } else {
        "Content-Type: application/sdp\r\n"
    };
    text.replacen(
        "Content-Length: 0\r\n\r\n",
        &format!("{extra}{ct}Content-Length: {}\r\n\r\n{body}", body.len()),
        1,
    )
    .into_bytes()
}

/// A call from the peer at addr(5) to node `to`, answered and ACKed: the
/// To header (with the callee's tag) for requests in its dialog.
fn answered(net: &mut Net, to: usize, callee: usize, call: &str) -> String {
    let sdp = raw::sdp(4000, 0, "PCMU/8000");
    net.send(
        addr(5),
        addr(to as u16),
        raw::invite(addr(5), addr(to as u16), "bob", call, call, &sdp),
    );
    let b = net.wait_incoming(callee, Duration::from_secs(1));
    net.command(callee, Command::Accept(b, MediaMode::None));
    net.run_for(50 * MS);
    let ok = net
        .sent(addr(to as u16), "SIP/2.0 200")
        .into_iter()
        .find(|s| header(&s.text, "Call-ID") == call)
        .expect("answered")
        .text
        .clone();
    let to_header = header(&ok, "To").to_owned();
    let ack = raw::in_dialog(
        "ACK",
        addr(5),
        addr(to as u16),
        call,
        &to_header,
        1,
        &format!("{call}ack"),
    );
    net.send(addr(5), addr(to as u16), ack);
    net.run_for(50 * MS);
    to_header
}

fn last_reply(net: &Net, from: usize, call: &str, cseq: &str) -> String {
    let replies = net.sent(addr(from as u16), "SIP/2.0");
    let mut mine = replies
        .iter()
        .filter(|s| header(&s.text, "Call-ID") == call && header(&s.text, "CSeq") == cseq);
    mine.next_back().map(|s| s.text.clone()).unwrap_or_default()
}

#[test]
fn an_update_is_answered_at_once_and_a_bodiless_one_refreshes_the_session() {
    let mut net = Net::new(2, 61);
    let to = answered(&mut net, 1, 1, "up1");
    net.take_events(1);
    let hold = raw::sdp(4000, 0, "PCMU/8000") + "a=sendonly\r\n";
    let update = raw::in_dialog("UPDATE", addr(5), addr(1), "up1", &to, 2, "u2");
    net.send(addr(5), addr(1), with_sdp(update, "", &hold));
    net.run_for(20 * MS);
    let ok = last_reply(&net, 1, "up1", "2 UPDATE");
    assert!(ok.starts_with("SIP/2.0 200") && ok.contains("a=recvonly"), "{ok}");
    let ev = net.take_events(1);
    assert!(ev.iter().any(|e| matches!(e, SessionEvent::PeerHeld(_))), "{ev:?}");
    let g729 = raw::sdp(4000, 18, "G729/8000");
    let update = raw::in_dialog("UPDATE", addr(5), addr(1), "up1", &to, 3, "u3");
    net.send(addr(5), addr(1), with_sdp(update, "", &g729));
    net.run_for(20 * MS);
    assert!(last_reply(&net, 1, "up1", "3 UPDATE").starts_with("SIP/2.0 488"));
    let refresh = raw::in_dialog("UPDATE", addr(5), addr(1), "up1", &to, 4, "u4");
    net.send(
        addr(5),
        addr(1),
        with_sdp(
            refresh,
            "Session-Expires: 300;refresher=uac\r\nSupported: timer\r\n",
            "",
        ),
    );
    net.run_for(20 * MS);
    let ok = last_reply(&net, 1, "up1", "4 UPDATE");
    assert!(ok.starts_with("SIP/2.0 200"), "{ok}");
    assert_eq!(header(&ok, "Session-Expires"), "300;refresher=uac");
    assert!(header(&ok, "Allow").contains("UPDATE"));
    // Not refreshed again: the session ends at 300 - 32 s.
    let ended = wait_for!(net, 1, Duration::from_secs(300), SessionEvent::Ended(..));
    assert!(matches!(
        ended,
        SessionEvent::Ended(_, rvoip::test_exports::session::EndReason::SessionExpired)
    ));
}

#[test]
fn through_a_gateway_a_hold_by_update_reaches_the_callee_as_a_reinvite() {
    let mut net = Net::bridge(62, forward_to(addr(CALLEE as u16), &[]));
    let to = answered(&mut net, GW, CALLEE, "up2");
    wait_for!(net, CALLEE, Duration::from_secs(1), SessionEvent::Answered(_));
    let hold = raw::sdp(4000, 0, "PCMU/8000") + "a=sendonly\r\n";
    let update = raw::in_dialog("UPDATE", addr(5), addr(GW as u16), "up2", &to, 2, "g2");
    net.send(addr(5), addr(GW as u16), with_sdp(update, "", &hold));
    wait_for!(net, CALLEE, Duration::from_secs(2), SessionEvent::PeerHeld(_));
    let reinvites: Vec<_> = net
        .sent(addr(GW as u16), "INVITE")
        .into_iter()
        .filter(|s| !header(&s.text, "CSeq").starts_with("1 "))
        .collect();
    assert_eq!(reinvites.len(), 1, "the hold relayed as a re-INVITE");
    assert!(reinvites[0].text.contains("a=sendonly"));
    assert!(last_reply(&net, GW, "up2", "2 UPDATE").starts_with("SIP/2.0 200"));
}

/// The raw caller's PRACK (CSeq `cseq`) for reliable provisional `resp`.
fn prack(net: &mut Net, call: &str, resp: &str, cseq: u32) {
    let rack = format!("{} 1 INVITE", header(resp, "RSeq"));
    let p = raw::prack(addr(5), addr(1), call, resp, cseq, &rack, &format!("{call}p{cseq}"));
    net.send(addr(5), addr(1), p);
}

/// The raw callee's (addr(6), To tag `c`) response `status` to `inv`.
fn callee_says(net: &mut Net, inv: &str, status: &str, body: &str) {
    let contact = format!("Contact: <sip:c@{}>\r\n", addr(6));
    net.send(addr(6), addr(1), raw::reply(inv, status, "c", &contact, body));
}

/// A gateway at addr(1) bridging every call to the raw callee at addr(6);
/// the raw caller's INVITE `call` (requiring 100rel) as the callee got it.
fn bridged(seed: u64, call: &str) -> (Net, String) {
    let mut net = Net::new(1, seed);
    net.add(sim::ua_config(addr(1), seed + 1), Some(forward_to(addr(6), &[])));
    net.send(addr(5), addr(1), raw::invite_requiring_100rel(addr(5), addr(1), call));
    let inv = net.wait_received(addr(6), "INVITE ", 1, Duration::from_secs(1));
    (net, inv)
}

#[test]
fn in_an_early_dialog_an_update_offer_after_the_pracked_183_is_answered_and_the_hold_reaches_the_callee() {
    let (mut net, inv) = bridged(63, "eu1");
    callee_says(&mut net, &inv, "183 Session Progress", &raw::sdp(4100, 0, "PCMU/8000"));
    // The gateway rang first: 180, then the 183 with its answer, each
    // reliable and PRACKed.
    let ringing = net.wait_received(addr(5), "SIP/2.0 180", 1, Duration::from_secs(1));
    prack(&mut net, "eu1", &ringing, 2);
    let progress = net.wait_received(addr(5), "SIP/2.0 183", 1, Duration::from_secs(1));
    assert_eq!(header(&progress, "Require"), "100rel");
    assert!(progress.contains("m=audio"), "{progress}");
    prack(&mut net, "eu1", &progress, 3);
    net.run_for(20 * MS);
    assert!(last_reply(&net, GW, "eu1", "3 PRACK").starts_with("SIP/2.0 200"));
    let hold = raw::sdp(4002, 0, "PCMU/8000").replace("o=peer 1 1", "o=peer 1 2") + "a=sendonly\r\n";
    let update = raw::in_dialog("UPDATE", addr(5), addr(1), "eu1", header(&progress, "To"), 4, "eu1u4");
    net.send(addr(5), addr(1), with_sdp(update, "", &hold));
    net.run_for(20 * MS);
    let ok = last_reply(&net, GW, "eu1", "4 UPDATE");
    assert!(ok.starts_with("SIP/2.0 200") && ok.contains("a=recvonly"), "{ok}");
    assert!(net.received(addr(6), "UPDATE").is_empty() && net.received(addr(6), "INVITE").len() == 1);
    // The callee answers: the caller's 200 (its answer as the UPDATE
    // left it), and the callee, once ACKed, is held by a re-INVITE.
    callee_says(&mut net, &inv, "200 OK", &raw::sdp(4100, 0, "PCMU/8000"));
    let invite_ok = |net: &Net| last_reply(net, GW, "eu1", "1 INVITE").starts_with("SIP/2.0 200");
    assert!(net.run_until_true(Duration::from_secs(1), invite_ok));
    let answered = last_reply(&net, GW, "eu1", "1 INVITE");
    assert!(answered.starts_with("SIP/2.0 200"), "{answered}");
    assert!(answered.contains("a=recvonly"), "{answered}");
    net.wait_received(addr(6), "ACK ", 1, Duration::from_secs(1));
    let reinvite = net.wait_received(addr(6), "INVITE ", 2, Duration::from_secs(1));
    assert!(reinvite.contains("a=sendonly"), "{reinvite}");
}

#[test]
fn an_update_offer_before_the_invites_offer_is_answered_is_refused_500_or_491() {
    let (mut net, inv) = bridged(65, "eu2");
    callee_says(&mut net, &inv, "180 Ringing", "");
    let ringing = net.wait_received(addr(5), "SIP/2.0 180", 1, Duration::from_secs(1));
    prack(&mut net, "eu2", &ringing, 2);
    net.run_for(20 * MS);
    // The caller offers in the early dialog before our answer to its
    // INVITE: 500 with Retry-After (RFC 3311 §5.2).
    let offer = raw::sdp(4002, 0, "PCMU/8000");
    let update = raw::in_dialog("UPDATE", addr(5), addr(1), "eu2", header(&ringing, "To"), 3, "eu2u3");
    net.send(addr(5), addr(1), with_sdp(update, "", &offer));
    net.run_for(20 * MS);
    let refused = last_reply(&net, GW, "eu2", "3 UPDATE");
    assert!(refused.starts_with("SIP/2.0 500"), "{refused}");
    let after: u64 = header(&refused, "Retry-After").parse().unwrap();
    assert!((1..=10).contains(&after), "{refused}");
    // The callee offers in its early dialog before answering ours: 491.
    let from = format!("<sip:c@{}>;tag=c", addr(6));
    let update = format!(
        "UPDATE {} SIP/2.0\r\nVia: SIP/2.0/UDP {};branch=z9hG4bKeu2c\r\nMax-Forwards: 70\r\nFrom: {from}\r\n\
         To: {}\r\nCall-ID: {}\r\nCSeq: 1 UPDATE\r\nContact: <sip:c@{}>\r\nContent-Length: 0\r\n\r\n",
        header(&inv, "Contact").trim_matches(['<', '>']),
        addr(6),
        header(&inv, "From"),
        header(&inv, "Call-ID"),
        addr(6),
    );
    net.send(addr(6), addr(1), with_sdp(update.into_bytes(), "", &offer));
    let pending = net.wait_received(addr(6), "SIP/2.0 491", 1, Duration::from_secs(1));
    assert_eq!(header(&pending, "CSeq"), "1 UPDATE");
}
