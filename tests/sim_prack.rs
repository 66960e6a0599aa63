//! Reliable provisionals (RFC 3262) in simulated time, against
//! hand-written peers. As UAS: an INVITE that requires 100rel gets its 180
//! with `Require: 100rel` and `RSeq: 1`, resent at T1 doubling until the
//! PRACK, which gets 200; the 200 to the INVITE waits for that PRACK; a
//! PRACK for nothing gets 481, an unreadable RAck 400; with no PRACK in
//! 64·T1 the call is refused with 500. As UAC: our INVITE says `Supported:
//! 100rel`; each new reliable provisional is PRACKed once (not its
//! retransmissions), and the dialog's CSeq goes on from the PRACKs.

mod sim;

use rvoip::test_exports::ids::{CallId, TransportKind};
use rvoip::test_exports::session::{Command, MediaMode, SessionEvent};
use sim::raw::{self, header};
use sim::{Net, addr, wait_for};
use std::time::Duration;

const MS: Duration = Duration::from_millis(1);

/// The peer's PRACK in the early dialog of `resp` with `rack`.
fn prack(call: &str, resp: &str, cseq: u32, rack: &str, branch: &str) -> Vec<u8> {
    raw::prack(addr(5), addr(1), call, resp, cseq, rack, branch)
}

fn responses(net: &Net, call: &str, status: &str) -> Vec<String> {
    net.sent(addr(1), &format!("SIP/2.0 {status}"))
        .into_iter()
        .filter(|s| header(&s.text, "Call-ID") == call)
        .map(|s| s.text.clone())
        .collect()
}

#[test]
fn a_required_180_is_resent_until_its_prack_and_the_200_waits_for_it() {
    let mut net = Net::new(2, 51);
    net.send(addr(5), addr(1), raw::invite_requiring_100rel(addr(5), addr(1), "rel1"));
    net.run_for(10 * MS);
    let b = net.incoming(1);
    net.command(1, Command::Ring(b));
    net.command(1, Command::Accept(b, MediaMode::None));
    net.run_for(1600 * MS);
    let ringing = responses(&net, "rel1", "180");
    assert_eq!(ringing.len(), 3, "sent, then again at 500 ms and 1.5 s");
    assert_eq!(
        (header(&ringing[0], "Require"), header(&ringing[0], "RSeq")),
        ("100rel", "1")
    );
    assert!(responses(&net, "rel1", "200").is_empty(), "the 200 waits for the PRACK");
    net.send(addr(5), addr(1), prack("rel1", &ringing[0], 2, "1 1 INVITE", "pr1"));
    net.run_for(50 * MS);
    let ok = responses(&net, "rel1", "200");
    assert_eq!(ok.len(), 2, "200 to the PRACK, then to the INVITE: {ok:?}");
    assert_eq!(header(&ok[0], "CSeq"), "2 PRACK");
    assert_eq!(header(&ok[1], "CSeq"), "1 INVITE");
    net.run_for(5000 * MS);
    assert_eq!(responses(&net, "rel1", "180").len(), 3, "no 180 resent after its PRACK");
}

#[test]
fn a_prack_for_nothing_gets_481_an_unreadable_one_400_and_none_at_all_500() {
    let mut net = Net::new(2, 52);
    net.send(addr(5), addr(1), raw::invite_requiring_100rel(addr(5), addr(1), "rel2"));
    net.run_for(10 * MS);
    let b = net.incoming(1);
    net.command(1, Command::Ring(b));
    net.run_for(10 * MS);
    let ringing = responses(&net, "rel2", "180")[0].clone();
    net.send(addr(5), addr(1), prack("rel2", &ringing, 2, "9 1 INVITE", "pa"));
    net.send(addr(5), addr(1), prack("rel2", &ringing, 3, "one 1 INVITE", "pb"));
    net.run_for(10 * MS);
    assert_eq!(responses(&net, "rel2", "481").len(), 1, "RSeq 9 was never sent");
    assert!(responses(&net, "rel2", "400 Bad RAck").len() == 1);
    net.run_for(Duration::from_secs(33));
    let refused = responses(&net, "rel2", "500");
    assert!(!refused.is_empty(), "no PRACK in 64·T1: the call is refused");
    assert!(
        refused.iter().all(|r| header(r, "CSeq") == "1 INVITE"),
        "(resent until ACKed)"
    );
    let ev = net.take_events(1);
    assert!(
        ev.iter().any(|e| matches!(e, SessionEvent::Ended(i, _) if *i == b)),
        "{ev:?}"
    );
}

#[test]
fn as_uac_each_new_reliable_provisional_is_pracked_once() {
    let mut net = Net::new(1, 53);
    let a = CallId(5);
    net.command(0, Command::Call(a, format!("sip:bob@{}", addr(5)), TransportKind::Udp));
    let inv = net.sent(addr(0), "INVITE")[0].text.clone();
    assert!(header(&inv, "Supported").contains("100rel"));
    let rel = |status: &str, rseq: u32, body: &str| {
        let extra = format!("Require: 100rel\r\nRSeq: {rseq}\r\nContact: <sip:peer@{}>\r\n", addr(5));
        raw::reply(&inv, status, "p", &extra, body)
    };
    net.send(addr(5), addr(0), rel("180 Ringing", 7, ""));
    net.send(addr(5), addr(0), rel("180 Ringing", 7, ""));
    net.send(addr(5), addr(0), rel("183 Session Progress", 9, ""));
    net.send(
        addr(5),
        addr(0),
        rel("183 Session Progress", 8, &raw::sdp(4000, 0, "PCMU/8000")),
    );
    net.run_for(10 * MS);
    let pracks: Vec<String> = net.sent(addr(0), "PRACK").iter().map(|s| s.text.clone()).collect();
    let racks: Vec<&str> = pracks.iter().map(|p| header(p, "RAck")).collect();
    assert_eq!(
        racks,
        ["7 1 INVITE", "8 1 INVITE"],
        "once each, in order (9 was out of order)"
    );
    assert_eq!(header(&pracks[0], "CSeq"), "2 PRACK");
    assert!(header(&pracks[0], "To").contains("tag=p"), "in the early dialog");
    for p in &pracks {
        net.send(addr(5), addr(0), raw::reply(p, "200 OK", "p", "", ""));
    }
    net.send(
        addr(5),
        addr(0),
        raw::reply(
            &inv,
            "200 OK",
            "p",
            &format!("Contact: <sip:peer@{}>\r\n", addr(5)),
            &raw::sdp(4000, 0, "PCMU/8000"),
        ),
    );
    wait_for!(net, 0, Duration::from_secs(1), SessionEvent::Answered(i) if *i == a);
    net.command(0, Command::End(a));
    net.run_for(10 * MS);
    let bye = net.sent(addr(0), "BYE")[0].text.clone();
    assert_eq!(header(&bye, "CSeq"), "4 BYE", "after the PRACKs' 2 and 3");
    assert_eq!(net.sent(addr(0), "PRACK").len(), 2, "answered: not resent");
}
