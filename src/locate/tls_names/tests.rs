use super::*;

fn peer(transport: TransportKind, addr: &str) -> Peer {
    Peer {
        transport,
        addr: addr.parse().unwrap(),
    }
}

#[test]
fn a_tls_address_is_bound_to_the_name_it_was_located_for() {
    let mut names = TlsNames::default();
    let (tls, tcp) = (
        peer(TransportKind::Tls, "10.0.0.1:5061"),
        peer(TransportKind::Tcp, "10.0.0.1:5060"),
    );
    assert_eq!(names.bind("sip.test", vec![tls, tcp]), Ok(vec![tls, tcp]));
    assert_eq!(names.name(&tls).as_deref(), Some("sip.test"));
    assert_eq!(names.name(&tcp), None, "only TLS peers have a name to check");
    // The same name again: the same address, still bound.
    assert_eq!(names.bind("sip.test", vec![tls]), Ok(vec![tls]));
}

#[test]
fn another_name_is_not_sent_to_an_address_bound_to_the_first() {
    let mut names = TlsNames::default();
    let (a, b) = (
        peer(TransportKind::Tls, "10.0.0.1:5061"),
        peer(TransportKind::Tls, "10.0.0.2:5061"),
    );
    names.bind("one.test", vec![a]).unwrap();
    assert_eq!(names.bind("two.test", vec![a, b]), Ok(vec![b]));
    assert_eq!(names.name(&a).as_deref(), Some("one.test"), "the first name keeps it");
    assert_eq!(
        names.bind("three.test", vec![a]),
        Err(LocateError::Unusable("three.test".into()))
    );
}

#[test]
fn past_the_cap_new_addresses_are_refused_not_left_unchecked() {
    let mut names = TlsNames::default();
    for i in 0..MAX_NAMES {
        let p = Peer {
            transport: TransportKind::Tls,
            addr: std::net::SocketAddr::from(([10, 1, (i / 256) as u8, (i % 256) as u8], 5061)),
        };
        names.bind("many.test", vec![p]).unwrap();
    }
    let late = peer(TransportKind::Tls, "10.9.9.9:5061");
    assert!(names.bind("many.test", vec![late]).is_err());
    assert_eq!(names.name(&late), None);
}
