use super::*;

#[test]
fn sips_and_tls_are_tls_and_unknown_transports_unreachable() {
    let udp = TransportKind::Udp;
    let peer = |uri| uri_peer(uri, udp).map(|p| (p.transport, p.addr.to_string()));
    assert_eq!(peer("sip:a@127.0.0.1:5070"), Some((udp, "127.0.0.1:5070".into())));
    assert_eq!(
        peer("<sip:127.0.0.1;transport=TCP>"),
        Some((TransportKind::Tcp, "127.0.0.1:5060".into()))
    );
    let tcp = Some((TransportKind::Tcp, "127.0.0.1:5070".into()));
    assert_eq!(
        peer("sip:a@127.0.0.1:5070;transport=tcp"),
        tcp,
        "a bare URI keeps its parameters"
    );
    assert_eq!(
        peer("<sip:a@127.0.0.1:5070>;transport=tcp"),
        Some((udp, "127.0.0.1:5070".into()))
    );
    let tls = Some((TransportKind::Tls, "127.0.0.1:5061".into()));
    assert_eq!(peer("sips:a@127.0.0.1"), tls);
    assert_eq!(peer("sips:a@127.0.0.1:5061;transport=tcp"), tls, "sips is TLS");
    assert_eq!(peer("sip:a@127.0.0.1:5061;transport=TLS"), tls);
    let (udp_from, tls_from) = (
        Peer {
            transport: udp,
            addr: "198.51.100.7:40000".parse().unwrap(),
        },
        Peer {
            transport: TransportKind::Tls,
            addr: "198.51.100.7:40001".parse().unwrap(),
        },
    );
    assert_eq!(flow_for("sip:a@10.0.0.5:5060", udp_from), Some(udp_from), "behind NAT");
    assert_eq!(flow_for("sip:a@198.51.100.7:5060", udp_from), None, "its own address");
    assert_eq!(
        flow_for("sip:a@203.0.113.9", udp_from),
        None,
        "a public Contact is believed"
    );
    assert_eq!(
        flow_for("sip:a@10.0.0.5;transport=tls", tls_from),
        Some(tls_from),
        "its connection"
    );
    assert_eq!(
        flow_for("sip:a@198.51.100.7:5061;transport=tls", tls_from),
        Some(tls_from)
    );
    assert_eq!(
        flow_for("sip:a@203.0.113.9;transport=tls", tls_from),
        None,
        "another public host"
    );
    for uri in [
        "sip:a@127.0.0.1;transport=sctp",
        "sip:a@127.0.0.1;transport=ws",
        "tel:+15551234",
    ] {
        assert_eq!(peer(uri), None, "{uri}");
    }
}

#[test]
fn host_names_are_parts_not_peers() {
    let h = uri_host("sips:alice@trunk.example.net;transport=udp").expect("a sips URI");
    assert_eq!(
        (h.host, h.port, h.transport, h.sips),
        ("trunk.example.net", None, Some(TransportKind::Tls), true)
    );
    assert_eq!(h.default_port(), 5061);
    let h = uri_host("sip:trunk.example.net:5080").unwrap();
    assert_eq!((h.port, h.transport, h.ip()), (Some(5080), None, None));
    assert_eq!(
        uri_peer("sip:trunk.example.net", TransportKind::Udp),
        None,
        "a name is no peer"
    );
    let v6 = uri_host("sip:[::1]:5070").unwrap();
    assert_eq!(v6.ip(), Some("::1".parse().unwrap()));
    assert_eq!(uri_host("sip:a@host:99999"), None, "a bad port");
    assert_eq!(uri_host("sip:a@"), None, "no host");
}

#[test]
fn ipv6_record_route_and_contact_entries_are_peers() {
    let udp = TransportKind::Udp;
    let peer = |uri| uri_peer(uri, udp).map(|p| (p.transport, p.addr.to_string()));
    assert_eq!(peer("<sip:[2001:db8::3];lr>"), Some((udp, "[2001:db8::3]:5060".into())));
    assert_eq!(
        peer("<sip:gw@[2001:db8::3]:5070;transport=tcp;lr>"),
        Some((TransportKind::Tcp, "[2001:db8::3]:5070".into()))
    );
    assert_eq!(peer("sips:[::1]"), Some((TransportKind::Tls, "[::1]:5061".into())));
    assert_eq!(
        peer("<sip:ted@[::ffff:192.0.2.2]>"),
        Some((udp, "[::ffff:192.0.2.2]:5060".into()))
    );
    assert_eq!(peer("sip:[::1"), None, "an unterminated reference");
    // A private IPv6 Contact (unique local) from a public IPv6 source: NAT.
    let from = Peer {
        transport: udp,
        addr: "[2001:db8::7]:40000".parse().unwrap(),
    };
    assert_eq!(flow_for("sip:a@[fd00::5]:5060", from), Some(from));
    assert_eq!(flow_for("sip:a@[2001:db8::7]:5060", from), None);
}
