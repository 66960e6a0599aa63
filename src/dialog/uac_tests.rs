//! The UAC side of a dialog takes its ids from our request (§12.1.2).

use super::Dialog;
use crate::ids::{Peer, TransportKind};
use crate::sip;

const INVITE: &str = "INVITE sip:bob@127.0.0.1:5062 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKu1\r\n\
    From: <sip:alice@127.0.0.1>;tag=ours\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: our-call\r\nCSeq: 1 INVITE\r\n\
    Contact: <sip:alice@127.0.0.1:5060>\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";

/// A 200 to it, its Call-ID and From tag as `call_id` and `from_tag`.
fn ok(call_id: &str, from_tag: &str) -> sip::IncomingResponse {
    let text = format!(
        "SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKu1\r\n\
         From: <sip:alice@127.0.0.1>;tag={from_tag}\r\nTo: <sip:bob@127.0.0.1>;tag=theirs\r\nCall-ID: {call_id}\r\n\
         CSeq: 1 INVITE\r\nContact: <sip:bob@127.0.0.1:5062>\r\nContent-Length: 0\r\n\r\n"
    );
    let msg = sip::receive(text.as_bytes()).expect("test 200 parses");
    let core = sip::validate(&msg).expect("valid");
    let sip::Incoming::Response(resp) = sip::Incoming::new(msg, core) else {
        panic!("a response")
    };
    resp
}

#[test]
fn a_2xx_naming_another_call_id_or_tag_forms_our_dialog_all_the_same() {
    let invite = sip::receive(INVITE.as_bytes()).expect("test INVITE parses");
    let peer = Peer {
        transport: TransportKind::Udp,
        addr: "127.0.0.1:5062".parse().unwrap(),
    };
    for resp in [ok("our-call", "ours"), ok("their-call", "not-ours")] {
        let d = Dialog::uac(&invite, &resp, peer);
        assert_eq!(
            (d.call_id(), d.local_tag(), d.remote_tag()),
            ("our-call", "ours", "theirs")
        );
        let fork = Dialog::uac_beside(&d, &resp, peer);
        assert_eq!((fork.call_id(), fork.local_tag()), ("our-call", "ours"));
    }
}
