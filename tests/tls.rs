//! SIP over TLS between two endpoints of the session API, over real
//! loopback sockets, with certificates made here (rcgen; no key is kept in
//! the repository): a `sips:` call is answered, held, resumed and hung up
//! over TLS; a server whose certificate the caller does not trust, or
//! that names another address, gets no call and no plaintext; with TLS
//! off, a `sips:` call fails at once and nothing is sent; a renewed
//! certificate is taken on reload; handshakes are counted by outcome; a
//! slowloris is bounded per source and garbage refused while others call.

use rvoip::api::*;

mod events;
mod pki;
use events::next;
use pki::{Pki, handshakes, pki, tls};
use std::time::Duration;

async fn server(tls: Option<TlsConfig>) -> SipServer {
    let cfg = ServerConfig {
        sip_addr: "127.0.0.1:0".parse().unwrap(),
        seed: Some(11),
        tls,
        ..Default::default()
    };
    create_sip_server(cfg).await.expect("server starts")
}

/// A client with a short T1, so that a call nobody answers fails fast.
async fn client(tls: Option<TlsConfig>) -> SipClient {
    let mut cfg = ClientConfig::default();
    cfg.server.tls = tls;
    cfg.server.timers.t1 = Duration::from_millis(10);
    create_sip_client(cfg).await.expect("client starts")
}

#[tokio::test]
async fn a_sips_call_is_answered_held_resumed_and_ended_over_tls() {
    let (server_pki, client_pki) = (pki("127.0.0.1"), pki("127.0.0.1"));
    let mut s = server(tls(&server_pki, &client_pki)).await;
    let mut c = client(tls(&client_pki, &server_pki)).await;
    let at = s.tls_addr().expect("TLS listener bound");
    assert_ne!(at.port(), s.local_addr().port(), "TLS has a port of its own");
    let id = c.make_call(&format!("sips:alice@{at}")).unwrap();
    let CallEvent::Incoming(inc) = next(&mut s).await else {
        panic!("expected the call over TLS")
    };
    assert_eq!(inc.user(), "alice");
    let sid = s.accept_call(inc).unwrap();
    assert!(matches!(next(&mut c).await, CallEvent::Answered(i) if i == id));
    assert!(matches!(next(&mut s).await, CallEvent::Answered(i) if i == sid));
    c.hold_call(id).unwrap();
    assert!(matches!(next(&mut s).await, CallEvent::Held(i) if i == sid));
    assert!(matches!(next(&mut c).await, CallEvent::Held(i) if i == id));
    c.resume_call(id).unwrap();
    assert!(matches!(next(&mut s).await, CallEvent::Resumed(i) if i == sid));
    assert!(matches!(next(&mut c).await, CallEvent::Resumed(i) if i == id));
    s.end_call(sid).unwrap();
    assert!(matches!(next(&mut s).await, CallEvent::Ended(i, EndReason::LocalBye) if i == sid));
    assert!(matches!(next(&mut c).await, CallEvent::Ended(i, EndReason::RemoteBye) if i == id));
}

#[tokio::test]
async fn an_untrusted_or_misnamed_server_gets_no_call_and_no_plaintext() {
    let (server_pki, client_pki, stranger) = (pki("127.0.0.1"), pki("127.0.0.1"), pki("127.0.0.1"));
    let misnamed = pki("127.0.0.2");
    // A server whose CA the client does not trust; one trusted but whose
    // certificate names another address.
    for (ours, client_trusts) in [(&server_pki, &stranger), (&misnamed, &misnamed)] {
        let s = server(tls(ours, &client_pki)).await;
        let mut c = client(tls(&client_pki, client_trusts)).await;
        let id = c.make_call(&format!("sips:alice@{}", s.tls_addr().unwrap())).unwrap();
        let ev = next(&mut c).await;
        assert!(matches!(ev, CallEvent::Failed(i, _) if i == id), "{ev:?}");
        assert_eq!(s.stats().total, 0, "the server never saw the call");
    }
}

#[tokio::test]
async fn with_tls_off_a_sips_call_fails_at_once_and_nothing_is_sent() {
    let s = server(None).await;
    let mut c = client(None).await;
    let id = c.make_call(&format!("sips:alice@{}", s.local_addr())).unwrap();
    let ev = next(&mut c).await;
    assert!(
        matches!(ev, CallEvent::Failed(i, StatusCode::UNSUPPORTED_URI_SCHEME) if i == id),
        "{ev:?}"
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        s.stats().total,
        0,
        "nothing reached the server, in plaintext or otherwise"
    );
}

#[tokio::test]
async fn a_bad_certificate_or_key_stops_the_start_naming_it() {
    let p = pki("127.0.0.1");
    let mut bad = tls(&p, &p).unwrap();
    bad.key_pem = b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n".to_vec();
    let cfg = ServerConfig {
        sip_addr: "127.0.0.1:0".parse().unwrap(),
        tls: Some(bad),
        ..Default::default()
    };
    let err = create_sip_server(cfg).await.err().expect("refused").to_string();
    assert!(err.contains("tls") && err.contains("key"), "{err}");
    let mut bad = tls(&p, &p).unwrap();
    bad.cert_chain_pem = b"not a certificate".to_vec();
    let cfg = ServerConfig {
        sip_addr: "127.0.0.1:0".parse().unwrap(),
        tls: Some(bad),
        ..Default::default()
    };
    let err = create_sip_server(cfg).await.err().expect("refused").to_string();
    assert!(err.contains("certificate"), "{err}");
}

#[tokio::test]
async fn a_renewed_certificate_is_taken_on_reload_and_failures_are_counted() {
    let (trusted, client_pki, stranger) = (pki("127.0.0.1"), pki("127.0.0.1"), pki("127.0.0.1"));
    // The server starts with a certificate the client does not trust.
    let mut s = server(tls(&stranger, &client_pki)).await;
    let mut c = client(tls(&client_pki, &trusted)).await;
    let at = s.tls_addr().unwrap();
    let id = c.make_call(&format!("sips:alice@{at}")).unwrap();
    assert!(matches!(next(&mut c).await, CallEvent::Failed(i, _) if i == id));
    assert_eq!(handshakes(&c, "out", "certificate"), 1, "{}", c.metrics().render());
    // The server sees the caller's alert a moment after the caller gives up.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while handshakes(&s, "in", "certificate") + handshakes(&s, "in", "error") < 1 {
        assert!(tokio::time::Instant::now() < deadline, "{}", s.metrics().render());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Renewed: the next call goes through, on the same listener.
    s.reload_tls(&tls(&trusted, &client_pki).unwrap()).unwrap();
    let mut bad = tls(&trusted, &client_pki).unwrap();
    bad.key_pem = b"garbage".to_vec();
    assert!(
        s.reload_tls(&bad).is_err(),
        "a bad key is refused and the good one stays"
    );
    let id = c.make_call(&format!("sips:alice@{at}")).unwrap();
    let CallEvent::Incoming(inc) = next(&mut s).await else {
        panic!("expected the call after the reload")
    };
    s.accept_call(inc).unwrap();
    assert!(matches!(next(&mut c).await, CallEvent::Answered(i) if i == id));
    assert_eq!((handshakes(&c, "out", "ok"), handshakes(&s, "in", "ok")), (1, 1));
}

#[tokio::test]
async fn stalled_handshakes_are_bounded_per_source_and_others_still_call() {
    let (server_pki, client_pki) = (pki("127.0.0.1"), pki("127.0.0.1"));
    let mut s = server(tls(&server_pki, &client_pki)).await;
    let at = s.tls_addr().unwrap();
    // A slowloris on 127.0.0.9: 20 connections that never say a word.
    let mut held = Vec::new();
    for _ in 0..20 {
        let sock = tokio::net::TcpSocket::new_v4().unwrap();
        sock.bind("127.0.0.9:0".parse().unwrap()).unwrap();
        held.push(sock.connect(at).await.unwrap());
    }
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while handshakes(&s, "in", "busy") < 4 {
        assert!(tokio::time::Instant::now() < deadline, "{}", s.metrics().render());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert_eq!(
        handshakes(&s, "in", "busy"),
        4,
        "16 may wait, the rest are closed at once"
    );
    // Garbage instead of a ClientHello is refused and counted.
    let sock = tokio::net::TcpSocket::new_v4().unwrap();
    sock.bind("127.0.0.10:0".parse().unwrap()).unwrap();
    let mut garbage = sock.connect(at).await.unwrap();
    tokio::io::AsyncWriteExt::write_all(&mut garbage, b"INVITE sip:x@y SIP/2.0\r\n\r\n")
        .await
        .unwrap();
    while handshakes(&s, "in", "error") < 1 {
        assert!(tokio::time::Instant::now() < deadline, "{}", s.metrics().render());
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // Someone else calls meanwhile, over TLS.
    let mut c = client(tls(&client_pki, &server_pki)).await;
    let id = c.make_call(&format!("sips:bob@{at}")).unwrap();
    let CallEvent::Incoming(inc) = next(&mut s).await else {
        panic!("expected bob's call during the slowloris")
    };
    s.accept_call(inc).unwrap();
    assert!(matches!(next(&mut c).await, CallEvent::Answered(i) if i == id));
    drop(held);
}

/// A server asking for client certificates signed by `clients`' CA,
/// trusting such callers; [auth] on, so anyone else is challenged.
async fn mutual_server(ours: &Pki, clients: &Pki) -> SipServer {
    let mut t = tls(ours, clients).unwrap();
    t.client_ca_pem = clients.ca_pem.clone().into_bytes();
    t.trust_clients = true;
    let cfg = ServerConfig {
        sip_addr: "127.0.0.1:0".parse().unwrap(),
        seed: Some(12),
        tls: Some(t),
        auth: Some(Auth::new(
            "rvoip",
            Credentials::default().with_password("alice", "rvoip", "secret"),
        )),
        ..Default::default()
    };
    create_sip_server(cfg).await.expect("server starts")
}

#[tokio::test]
async fn mutual_tls_lets_in_a_known_certificate_without_a_challenge_and_no_other() {
    let (server_pki, trunk, stranger) = (pki("127.0.0.1"), pki("127.0.0.1"), pki("127.0.0.1"));
    let mut s = mutual_server(&server_pki, &trunk).await;
    let at = s.tls_addr().unwrap();
    // The trunk's certificate is known: answered, never challenged.
    let mut c = client(tls(&trunk, &server_pki)).await;
    let id = c.make_call(&format!("sips:alice@{at}")).unwrap();
    let CallEvent::Incoming(inc) = next(&mut s).await else {
        panic!("expected the trunk's call, unchallenged")
    };
    s.accept_call(inc).unwrap();
    assert!(matches!(next(&mut c).await, CallEvent::Answered(i) if i == id));
    assert_eq!(s.stats().auth_challenged, 0);
    // A client whose certificate another CA signed gets no connection.
    let mut other = client(tls(&stranger, &server_pki)).await;
    let id = other.make_call(&format!("sips:alice@{at}")).unwrap();
    assert!(matches!(next(&mut other).await, CallEvent::Failed(i, _) if i == id));
    assert!(handshakes(&s, "in", "certificate") >= 1, "{}", s.metrics().render());
    assert_eq!(s.stats().total, 1, "only the trunk's call reached the server");
}

/// A connection that cannot be made fails its call at once with 503 (RFC
/// 3261 §8.1.3.1), not at Timer B (32 s with the default T1, beyond the
/// 10 s every event is awaited for): a TLS server the caller distrusts, a
/// TCP port nobody listens on, and a server that refuses the caller's
/// certificate (TLS 1.3: after the handshake, with an alert).
#[tokio::test]
async fn an_unreachable_peer_fails_the_call_at_once() {
    let (server_pki, client_pki, stranger) = (pki("127.0.0.1"), pki("127.0.0.1"), pki("127.0.0.1"));
    let s = server(tls(&server_pki, &client_pki)).await;
    let mut cfg = ClientConfig::default();
    cfg.server.tls = tls(&client_pki, &stranger);
    let mut c = create_sip_client(cfg).await.expect("client starts");
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    for uri in [
        format!("sips:alice@{}", s.tls_addr().unwrap()),
        format!("sip:alice@{closed};transport=tcp"),
    ] {
        let id = c.make_call(&uri).unwrap();
        let ev = next(&mut c).await;
        assert!(
            matches!(ev, CallEvent::Failed(i, StatusCode::SERVICE_UNAVAILABLE) if i == id),
            "{uri}: {ev:?}"
        );
    }
    let (mutual_pki, trunk) = (pki("127.0.0.1"), pki("127.0.0.1"));
    let m = mutual_server(&mutual_pki, &trunk).await;
    let mut cfg = ClientConfig::default();
    cfg.server.tls = tls(&client_pki, &mutual_pki);
    let mut c = create_sip_client(cfg).await.expect("client starts");
    let id = c.make_call(&format!("sips:alice@{}", m.tls_addr().unwrap())).unwrap();
    let ev = next(&mut c).await;
    assert!(
        matches!(ev, CallEvent::Failed(i, StatusCode::SERVICE_UNAVAILABLE) if i == id),
        "a refused certificate: {ev:?}"
    );
    assert!(handshakes(&m, "in", "certificate") >= 1, "{}", m.metrics().render());
}

/// TLS on [::1] (issue #18 item 8): a `sips:` call to an IPv6 literal,
/// the server's certificate holding ::1, is answered and ended over TLS.
#[tokio::test]
async fn a_sips_call_over_ipv6_is_answered_and_ended() {
    if std::net::UdpSocket::bind("[::1]:0").is_err() {
        return eprintln!("SKIPPED a_sips_call_over_ipv6_is_answered_and_ended: no IPv6 loopback [::1]");
    }
    let (server_pki, client_pki) = (pki("::1"), pki("::1"));
    let on_v6 = |t: Option<TlsConfig>| {
        t.map(|t| TlsConfig {
            listen: "[::1]:0".parse().unwrap(),
            ..t
        })
    };
    let mut s = create_sip_server(ServerConfig {
        sip_addr: "[::1]:0".parse().unwrap(),
        seed: Some(12),
        tls: on_v6(tls(&server_pki, &client_pki)),
        ..Default::default()
    })
    .await
    .expect("server starts on [::1]");
    let mut cfg = ClientConfig {
        bind: "[::1]:0".parse().unwrap(),
        ..Default::default()
    };
    cfg.server.tls = on_v6(tls(&client_pki, &server_pki));
    let mut c = create_sip_client(cfg).await.expect("client starts on [::1]");
    let at = s.tls_addr().expect("TLS listener bound");
    assert!(at.is_ipv6(), "{at}");
    let id = c.make_call(&format!("sips:alice@{at}")).unwrap();
    let CallEvent::Incoming(inc) = next(&mut s).await else {
        panic!("expected the call over TLS on [::1]")
    };
    assert!(inc.source().is_ipv6(), "{}", inc.source());
    let sid = s.accept_call(inc).unwrap();
    assert!(matches!(next(&mut c).await, CallEvent::Answered(i) if i == id));
    assert!(matches!(next(&mut s).await, CallEvent::Answered(i) if i == sid));
    c.end_call(id).unwrap();
    assert!(matches!(next(&mut s).await, CallEvent::Ended(i, EndReason::RemoteBye) if i == sid));
}
