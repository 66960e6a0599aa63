//! The peer's UPDATE (RFC 3311) in simulated time, from a hand-written
//! caller: an offer putting the call on hold is answered in the 200 (our
//! stream recvonly) and reported; one with no codec we take gets 488; a
//! bodiless UPDATE refreshes the session timer it names; through a
//! gateway, the hold by UPDATE reaches the callee as a re-INVITE.

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
