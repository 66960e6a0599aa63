//! The `sip` layer's own framing over rsip: compact forms, folding,
//! Content-Length on datagrams and streams, truncation, size limit, Via
//! stamping and response routing.

use rvoip::test_exports::sip::{self, ParseError};

const MSG: &str = "OPTIONS sip:x@h SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bKa;rport\r\nMax-Forwards: 70\r\n\
From: <sip:a@h>;tag=1\r\nTo: <sip:x@h>\r\nCall-ID: f1\r\nCSeq: 7 OPTIONS\r\nContent-Length: 4\r\n\r\nbody";

#[test]
fn body_is_cut_to_content_length_on_datagrams() {
    let msg = sip::parse(format!("{MSG}extra bytes").as_bytes()).unwrap();
    assert_eq!(msg.body(), b"body");
    let msg = sip::receive(format!("{MSG}extra bytes").as_bytes()).unwrap();
    assert_eq!(msg.body(), b"body");
}

#[test]
fn folded_headers_and_multi_value_via_are_normalised() {
    let text = MSG.replace(
        "Via: SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bKa;rport",
        "Via: SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bKa;rport,\r\n SIP/2.0/UDP 10.0.0.2;branch=z9hG4bKb",
    );
    let msg = sip::receive(text.as_bytes()).unwrap();
    let vias: Vec<&str> = msg.headers("Via").collect();
    assert_eq!(vias.len(), 2);
    assert_eq!(sip::validate(&msg).unwrap().branch(), "z9hG4bKa");
}

#[test]
fn truncated_headers_are_an_answerable_error() {
    let cut = &MSG[..MSG.find("Content-Length").unwrap()];
    let err = sip::parse(cut.as_bytes()).unwrap_err();
    assert!(matches!(err, ParseError::Truncated(_)));
    let (raw, status) = err.answerable().unwrap();
    assert_eq!(status, 400);
    let resp = sip::response_from_raw(raw, status, &err.to_string()).unwrap();
    assert!(
        String::from_utf8(resp)
            .unwrap()
            .starts_with("SIP/2.0 400 Truncated message")
    );
}

#[test]
fn stream_framing_waits_for_the_body_and_needs_content_length() {
    let two = format!("{MSG}{MSG}");
    let n = sip::frame_stream(two.as_bytes()).unwrap().unwrap();
    assert_eq!(n, MSG.len());
    assert_eq!(sip::frame_stream(&MSG.as_bytes()[..MSG.len() - 1]).unwrap(), None);
    let no_cl = MSG.replace("Content-Length: 4\r\n", "");
    assert!(matches!(
        sip::frame_stream(no_cl.as_bytes()),
        Err(ParseError::MissingContentLength)
    ));
}

#[test]
fn oversized_messages_are_refused() {
    let big = format!(
        "{}{}",
        MSG.replace("Content-Length: 4", "Content-Length: 70000"),
        "x".repeat(70000)
    );
    assert!(matches!(sip::parse(big.as_bytes()), Err(ParseError::TooLarge)));
    assert!(matches!(sip::frame_stream(big.as_bytes()), Err(ParseError::TooLarge)));
}

#[test]
fn unknown_method_is_501_and_bad_version_505() {
    let m = MSG
        .replace("OPTIONS sip:x@h", "FOOBAR sip:x@h")
        .replace("CSeq: 7 OPTIONS", "CSeq: 7 FOOBAR");
    assert_eq!(sip::parse(m.as_bytes()).unwrap_err().answerable().unwrap().1, 501);
    let v = MSG.replace("sip:x@h SIP/2.0", "sip:x@h SIP/7.0");
    assert_eq!(sip::parse(v.as_bytes()).unwrap_err().answerable().unwrap().1, 505);
}

#[test]
fn via_stamping_and_response_routing_rfc3581() {
    let src = "192.0.2.7:40000".parse().unwrap();
    let via = "SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bKa;rport";
    let stamped = sip::stamp_received(via, src).unwrap();
    assert_eq!(
        stamped,
        "SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bKa;rport=40000;received=192.0.2.7"
    );
    assert_eq!(sip::response_addr(&stamped), Some(src));
    let plain = "SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKa";
    assert_eq!(sip::response_addr(plain), Some("10.0.0.1:5060".parse().unwrap()));
    assert_eq!(
        sip::stamp_received("SIP/2.0/UDP 192.0.2.7:40000;branch=z9hG4bKa", src),
        None
    );
    // IPv6: `received` is written without brackets (RFC 3261's
    // via-received is a bare IPv6address), read with or without them
    // (RFC 5118 §4.5).
    let src6: std::net::SocketAddr = "[2001:db8::7]:40000".parse().unwrap();
    assert_eq!(
        sip::stamp_received("SIP/2.0/UDP [2001:db8::1]:5062;branch=z9hG4bKa;rport", src6).as_deref(),
        Some("SIP/2.0/UDP [2001:db8::1]:5062;branch=z9hG4bKa;rport=40000;received=2001:db8::7")
    );
    assert_eq!(
        sip::stamp_received("SIP/2.0/UDP [2001:db8::7]:40000;branch=z9hG4bKa", src6),
        None,
        "sent from its sent-by"
    );
    for r in ["2001:db8::9", "[2001:db8::9]"] {
        let via = format!("SIP/2.0/UDP h.example.com;received={r};branch=z9hG4bKa");
        assert_eq!(sip::response_addr(&via), Some("[2001:db8::9]:5060".parse().unwrap()));
    }
    // A `received` the sender wrote, not where it sent from, is replaced
    // (or, from its sent-by, dropped): responses go where it is.
    let own = "SIP/2.0/UDP [2001:db8::7]:40000;received=[2001:db8::9:255];branch=z9hG4bKa";
    let (stamped, route) = sip::stamp_and_route(own, src6);
    assert_eq!(
        stamped.as_deref(),
        Some("SIP/2.0/UDP [2001:db8::7]:40000;branch=z9hG4bKa")
    );
    assert_eq!(route, Some(src6));
    let (stamped, route) = sip::stamp_and_route("SIP/2.0/UDP 10.0.0.1;received=10.9.9.9;branch=z9hG4bKa", src);
    assert_eq!(
        stamped.as_deref(),
        Some("SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKa;received=192.0.2.7")
    );
    assert_eq!(route, Some("192.0.2.7:5060".parse().unwrap()));
    // An IPv6 sent-by needs its brackets, and they must hold an address.
    for bad in [
        "SIP/2.0/UDP 2001:db8::1;branch=z9hG4bKa",
        "SIP/2.0/UDP [host]:5060;branch=z9hG4bKa",
    ] {
        assert!(sip::Via::parse(bad).is_none(), "{bad}");
    }
    let v = sip::Via::parse("SIP/2.0/UDP [2001:db8::9:1]:6050;branch=z9hG4bKa").unwrap();
    assert_eq!(
        (v.host, v.port, v.sent_by()),
        ("2001:db8::9:1", Some(6050), "[2001:db8::9:1]:6050".into())
    );
}

#[test]
fn serialised_messages_reparse_identically() {
    let msg = sip::parse(MSG.as_bytes()).unwrap();
    let bytes = sip::message_bytes(&msg);
    assert_eq!(
        sip::frame_stream(&bytes).unwrap(),
        Some(bytes.len()),
        "one whole message, framed by its Content-Length"
    );
    let again = sip::parse(&bytes).unwrap();
    assert_eq!(again, msg);
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    assert_eq!(text.matches("\r\n\r\n").count(), 1, "exactly one blank line:\n{text}");
    assert!(text.ends_with("Content-Length: 4\r\n\r\nbody"));
}

/// The fast path for simple URIs builds exactly what rsip's tokenizer
/// builds (and displays the same), and takes the forms we meet every call.
#[test]
fn simple_uris_parse_as_rsip_does() {
    let users = [
        None,
        Some("alice"),
        Some("a.b-c_d"),
        Some("+15551234"),
        Some("*67"),
        Some("bob(x)"),
        Some("svc"),
    ];
    let hosts = [
        "127.0.0.1",
        "10.0.0.255",
        "example.com",
        "pbx-1.example.org",
        "localhost",
        "192.0.2.1",
    ];
    let ports = [None, Some("5060"), Some("0"), Some("65535"), Some("1")];
    let mut fast = 0;
    for u in users {
        for h in hosts {
            for p in ports {
                let s = format!(
                    "sip:{}{h}{}",
                    u.map(|u| format!("{u}@")).unwrap_or_default(),
                    p.map(|p| format!(":{p}")).unwrap_or_default()
                );
                let ours = sip::simple_uri(&s).unwrap_or_else(|| panic!("{s} is simple"));
                let theirs = rsip::Uri::try_from(s.as_str()).unwrap();
                assert_eq!(ours.to_string(), s, "displays as written");
                if u.is_some_and(|u| u.contains('.')) {
                    // rsip 0.4 reads `a.b@host` as a host named "a.b@host";
                    // RFC 3261's user allows the dot, and so do we.
                    assert_eq!(ours.user(), u, "{s}");
                    assert_eq!(
                        ours.host_with_port.to_string(),
                        format!("{h}{}", p.map(|p| format!(":{p}")).unwrap_or_default())
                    );
                } else {
                    assert_eq!(ours, theirs, "{s}");
                }
                fast += 1;
            }
        }
    }
    assert_eq!(fast, 7 * 6 * 5);
    // Token parameters, typed as rsip types them.
    for s in [
        "sip:alice@127.0.0.1;transport=tcp",
        "sip:127.0.0.1:5070;transport=UDP",
        "sip:p.example.com;lr",
        "sip:bob@h;user=phone;ttl=5;maddr=10.0.0.1;method=INVITE",
        "sip:h:5060;lr;x-custom=1;flag",
    ] {
        let ours = sip::simple_uri(s).unwrap_or_else(|| panic!("{s} is simple"));
        let theirs = rsip::Uri::try_from(s).unwrap();
        assert_eq!(ours, theirs, "{s}");
        assert_eq!(ours.to_string(), theirs.to_string(), "{s}");
    }
    // Everything else takes rsip's path (and gets rsip's answer).
    for s in [
        "sip:alice@127.0.0.1;transport=\"tcp\"",
        "sip:alice@127.0.0.1;;lr",
        "sip:alice@127.0.0.1;=x",
        "sips:alice@example.com",
        "SIP:alice@example.com",
        "sip:alice:secret@example.com",
        "sip:al%20ice@example.com",
        "sip:alice@example.com?subject=x",
        "sip:@example.com",
        "sip:example.com:",
        "sip:example.com:99999",
        "tel:+15551234",
    ] {
        assert!(sip::simple_uri(s).is_none(), "{s} is not simple");
        assert_eq!(sip::parse_uri(s).ok(), rsip::Uri::try_from(s).ok(), "{s}");
    }
    // IPv6 references, which rsip 0.4 neither reads nor writes: the host
    // is kept as its text, brackets and all, and written back as it came.
    for s in [
        "sip:alice@[::1]:5060",
        "sip:[2001:db8::10]",
        "sips:bob@[2001:db8::10:5070];transport=TCP",
        "sip:ab@[::ffff:192.0.2.1]:5070;lr",
        "sip:+1555;phone-context=x@[::1]",
    ] {
        assert!(sip::simple_uri(s).is_none(), "{s} is not simple");
        let uri = sip::parse_uri(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        assert_eq!(uri.to_string(), s);
        let mut out = String::new();
        sip::push_uri(&mut out, &uri);
        assert_eq!(out, s);
    }
    for s in [
        "sip:[::1",
        "sip:alice@[::1]x",
        "sip:[example.com]",
        "sip:2001:db8::10",
        "sip:[::1]:x",
    ] {
        assert!(sip::parse_uri(s).is_err(), "{s}");
    }
}

/// Requests and URIs are written as rsip's `Display` writes them, without
/// going through it.
#[test]
fn serialised_start_lines_match_display() {
    for s in [
        "sip:alice@127.0.0.1:5060",
        "sip:127.0.0.1",
        "sip:h.example.com:5070;transport=UDP;lr",
        "sips:bob@example.com",
        "sip:a:pw@example.com",
        "sip:0.0.0.0:0",
        "sip:255.255.255.255:65535",
    ] {
        let uri = rsip::Uri::try_from(s).unwrap_or_else(|e| panic!("{s}: {e}"));
        let mut out = String::new();
        sip::push_uri(&mut out, &uri);
        assert_eq!(out, uri.to_string(), "{s}");
    }
    // rsip writes an IPv6 host without brackets; we write them.
    let mut uri = rsip::Uri::try_from("sip:bob@127.0.0.1:5060").unwrap();
    uri.host_with_port.host = rsip::Host::IpAddr("::1".parse().unwrap());
    let mut out = String::new();
    sip::push_uri(&mut out, &uri);
    assert_eq!(out, "sip:bob@[::1]:5060");
    for m in rsip::Method::all() {
        assert_eq!(sip::method_name(&m), m.to_string());
        assert_eq!(sip::method_of(&m.to_string()), Some(m));
    }
    for n in [0u64, 7, 10, 99, 100, 65535, u64::MAX] {
        let mut out = String::new();
        sip::push_u64(&mut out, n);
        assert_eq!(out, n.to_string());
    }
    // Status lines, ours (a code with its reason) and a named rsip code.
    for code in [rsip::StatusCode::Other(486, "Busy Here".into()), rsip::StatusCode::OK] {
        let resp = rsip::Response {
            status_code: code.clone(),
            version: rsip::Version::V2,
            headers: Default::default(),
            body: Vec::new(),
        };
        let bytes = sip::response_bytes(&resp);
        let text = std::str::from_utf8(&bytes).unwrap();
        assert!(text.starts_with(&format!("SIP/2.0 {code}\r\n")), "{text}");
    }
}

#[test]
fn via_stamp_and_route_agree_with_reparsing_the_stamped_value() {
    let vias = [
        "SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bKa;rport",
        "SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKa",
        "SIP/2.0/UDP 192.0.2.7:40000;branch=z9hG4bKa",
        "SIP/2.0/UDP 192.0.2.7:40000;branch=z9hG4bKa;rport",
        "SIP/2.0/UDP 192.0.2.7;received=10.1.1.1;branch=z9hG4bKa",
        "SIP/2.0/UDP 192.0.2.7;rport=7000;branch=z9hG4bKa",
        "SIP/2.0/UDP 192.0.2.7:40000;received=192.0.2.7;rport=7000;branch=z9hG4bKa",
        "SIP/2.0/UDP 192.0.2.7;received=[::ffff:192.0.2.7];branch=z9hG4bKa",
        "SIP/2.0/UDP 192.0.2.7;received=;branch=z9hG4bKa",
        "SIP/2.0/UDP 10.0.0.1 ; rport ; branch=z9hG4bKa ; received=1.2.3.4",
        "sip/2.0/tcp host.example.com:5070;branch=z9hG4bKa;rport=abc",
        "SIP/2.0/UDP [2001:db8::1]:5060;branch=z9hG4bKa;rport",
        "SIP/2.0/UDP host.example.com;branch=z9hG4bKa",
        "SIP/2.0/UDP 10.0.0.1;;branch=z9hG4bKa",
        "SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKa;",
        "SIP/2.0 10.0.0.1;branch=z9hG4bKa",
        "SIP/3.0/UDP 10.0.0.1",
    ];
    let sources = ["192.0.2.7:40000", "10.0.0.1:5062", "[2001:db8::1]:5060"];
    let mut stamped_count = 0;
    for via in vias {
        for src in sources {
            let src = src.parse().unwrap();
            let (stamped, route) = sip::stamp_and_route(via, src);
            assert_eq!(stamped, sip::stamp_received(via, src), "{via} from {src}");
            let after = stamped.as_deref().unwrap_or(via);
            assert_eq!(route, sip::response_addr(after), "{via} from {src} -> {after}");
            if let Some(s) = &stamped {
                stamped_count += 1;
                assert!(sip::Via::parse(s).is_some(), "stamped value parses: {s}");
            }
        }
    }
    assert!(stamped_count > 10, "most variants are stamped ({stamped_count})");
    for bad in [
        "SIP/2.0/UDP 10.0.0.1;;branch=z9hG4bKa",
        "SIP/2.0/UDP 10.0.0.1;",
        "SIP/2.0/ 10.0.0.1",
        "SIP/2.0/UDP :5060",
    ] {
        assert!(sip::Via::parse(bad).is_none(), "{bad}");
    }
    let v = sip::Via::parse("SIP/2.0/UDP h:5070 ;branch= z9hG4bKx ;RPORT").unwrap();
    assert_eq!((v.transport, v.host, v.port), ("UDP", "h", Some(5070)));
    assert_eq!(
        (v.param("branch"), v.param("rport"), v.param("x")),
        (Some("z9hG4bKx"), Some(""), None)
    );
}

#[test]
fn a_dotted_user_with_uri_parameters_keeps_its_user() {
    // rsip 0.4's tokenizer reads `john.doe` as part of the host; the plain
    // form, parameters included, never reaches it.
    let uri = sip::parse_uri("sip:john.doe@10.0.0.1:5070;transport=tcp;lr").unwrap();
    assert_eq!(uri.auth.as_ref().map(|a| a.user.as_str()), Some("john.doe"));
    assert_eq!(uri.host_with_port.to_string(), "10.0.0.1:5070");
    assert_eq!(uri.params.len(), 2);
    assert_eq!(uri.to_string(), "sip:john.doe@10.0.0.1:5070;transport=TCP;lr");
}
