use super::*;
use crate::ids::{Peer, TransportKind};
use std::time::{Duration, Instant};

fn register(contacts: &str, expires: Option<u32>, call_id: &str, cseq: u32) -> (crate::sip::Message, crate::sip::Core) {
    let mut text = format!(
        "REGISTER sip:127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK{cseq}\r\n\
         From: <sip:alice@127.0.0.1>;tag=f\r\nTo: <sip:alice@127.0.0.1>\r\nCall-ID: {call_id}\r\n\
         CSeq: {cseq} REGISTER\r\nMax-Forwards: 70\r\n"
    );
    if !contacts.is_empty() {
        text += &format!("Contact: {contacts}\r\n");
    }
    if let Some(e) = expires {
        text += &format!("Expires: {e}\r\n");
    }
    text += "Content-Length: 0\r\n\r\n";
    let req = crate::sip::receive(text.as_bytes()).unwrap();
    let core = crate::sip::validate(&req).unwrap();
    (req, core)
}

fn apply(
    b: &mut Bindings,
    now: Instant,
    contacts: &str,
    expires: Option<u32>,
    cseq: u32,
) -> Result<Vec<Binding>, Refused> {
    let cfg = RegistrarConfig::default();
    let (req, core) = register(contacts, expires, "c1", cseq);
    let peer = Peer {
        addr: "127.0.0.1:5070".parse().unwrap(),
        transport: TransportKind::Udp,
    };
    let up = RegisterUpdate::parse(&req, &core, peer, &cfg)?;
    b.apply(now, &cfg, &up)
}

#[test]
fn bindings_follow_register_rules() {
    let mut b = Bindings::default();
    let t0 = Instant::now();
    // Bound with the Expires header; a second Contact with its own expiry.
    let list = apply(&mut b, t0, "<sip:alice@127.0.0.1:5070>", Some(120), 1).unwrap();
    assert_eq!((list.len(), list[0].remaining(t0)), (1, 120));
    let list = apply(&mut b, t0, "<sip:alice@127.0.0.1:5071>;expires=300", Some(120), 2).unwrap();
    assert_eq!(list.len(), 2);
    // A query (no Contact) changes nothing; too long an expiry is cut.
    assert_eq!(apply(&mut b, t0, "", None, 3).unwrap().len(), 2);
    let list = apply(&mut b, t0, "<sip:alice@127.0.0.1:5072>", Some(99_999), 4).unwrap();
    assert_eq!(list[2].remaining(t0), 3600);
    // Too short (not 0): 423 with the minimum, nothing changed.
    assert_eq!(
        apply(&mut b, t0, "<sip:alice@127.0.0.1:5073>", Some(10), 5),
        Err(Refused::TooBrief(60))
    );
    // An older CSeq of the same Call-ID is refused.
    assert_eq!(
        apply(&mut b, t0, "<sip:alice@127.0.0.1:5070>", Some(120), 1),
        Err(Refused::OutOfOrder)
    );
    // expires=0 removes one; lapsed ones are gone.
    assert_eq!(
        apply(&mut b, t0, "<sip:alice@127.0.0.1:5072>;expires=0", None, 6)
            .unwrap()
            .len(),
        2
    );
    assert_eq!(
        b.lookup(t0 + Duration::from_secs(121), "alice").len(),
        1,
        "the 120 s one lapsed"
    );
    // `*` needs Expires: 0; then removes all.
    assert_eq!(
        apply(&mut b, t0, "*", None, 7),
        Err(Refused::Malformed("Contact: * needs Expires: 0 and no other Contact"))
    );
    assert!(apply(&mut b, t0, "*", Some(0), 8).unwrap().is_empty());
    assert_eq!((b.lookup(t0, "alice").len(), b.count()), (0, 0));
}

#[test]
fn limits_hold() {
    let mut b = Bindings::default();
    let t0 = Instant::now();
    let many: Vec<String> = (0..11).map(|i| format!("<sip:alice@127.0.0.1:{}>", 6000 + i)).collect();
    assert_eq!(
        apply(&mut b, t0, &many.join(", "), Some(120), 1),
        Err(Refused::TooManyContacts)
    );
    assert_eq!(b.count(), 0, "all or nothing");
    assert_eq!(
        apply(&mut b, t0, "<sip:alice@h>", None, 2).map(|l| l.len()),
        Ok(1),
        "no expiry named: the default"
    );
    let (req, core) = register("<sip:alice@h>", None, "c1", 3);
    let mut req = req;
    req.replace_first("To", "<sip:127.0.0.1>");
    let peer = Peer {
        addr: "127.0.0.1:5070".parse().unwrap(),
        transport: TransportKind::Udp,
    };
    assert_eq!(
        RegisterUpdate::parse(&req, &core, peer, &RegistrarConfig::default()),
        Err(Refused::Malformed("To has no user (the address-of-record)"))
    );
}
