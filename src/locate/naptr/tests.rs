use super::*;
use hickory_resolver::proto::rr::Name;

#[test]
fn srv_names_per_transport() {
    assert_eq!(srv_name(TransportKind::Udp, "example.net"), "_sip._udp.example.net");
    assert_eq!(srv_name(TransportKind::Tcp, "example.net"), "_sip._tcp.example.net");
    assert_eq!(srv_name(TransportKind::Tls, "example.net"), "_sips._tcp.example.net");
}

#[test]
fn naptr_in_order_then_preference_only_sip_services_with_s_flag() {
    let rec = |order, pref, flags: &[u8], service: &[u8], name: &str| {
        let name = Name::from_ascii(name).unwrap_or_default();
        NAPTR::new(order, pref, flags.into(), service.into(), Box::default(), name)
    };
    let records = [
        rec(20, 10, b"s", b"SIP+D2U", "_sip._udp.example.net."),
        rec(10, 20, b"S", b"sip+d2t", "_sip._tcp.example.net."),
        rec(10, 10, b"s", b"SIPS+D2T", "_sips._tcp.example.net."),
        rec(5, 10, b"s", b"SIP+D2S", "_sip._sctp.example.net."),
        rec(5, 10, b"u", b"SIP+D2U", "!^.*$!sip:x@y!"),
        rec(30, 10, b"s", b"SIP+D2U", "_sip._udp.example.net."),
    ];
    let got = naptr_services(records.iter(), false);
    let want = [
        (TransportKind::Tls, "_sips._tcp.example.net"),
        (TransportKind::Tcp, "_sip._tcp.example.net"),
        (TransportKind::Udp, "_sip._udp.example.net"),
    ];
    assert_eq!(got.len(), want.len(), "{got:?}");
    for ((t, n), (wt, wn)) in got.iter().zip(want) {
        assert_eq!((*t, n.as_str()), (wt, wn));
    }
    let sips = naptr_services(records.iter(), true);
    assert_eq!(sips.len(), 1, "sips: TLS only");
    assert_eq!(sips[0].0, TransportKind::Tls);
}

#[test]
fn naptr_capped() {
    let records: Vec<_> = (0..20)
        .map(|i| {
            let name = Name::from_ascii(format!("_sip._udp.h{i}.example.net.")).unwrap();
            NAPTR::new(1, 1, (*b"s").into(), (*b"SIP+D2U").into(), Box::default(), name)
        })
        .collect();
    assert_eq!(naptr_services(records.iter(), false).len(), MAX_NAPTR);
}
