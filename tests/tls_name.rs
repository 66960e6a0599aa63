//! RFC 5922 §4 over real loopback sockets, with the in-process DNS server
//! (dns_server/) and certificates made here (rcgen): a TLS server DNS
//! located for a `sips:` URI's host name must show that name (a dNSName,
//! no IP in the certificate needed); the SRV target's own name is not
//! enough, nor another name; the call then fails like any certificate
//! failure (503, counted as "certificate", nothing sent to the server).
//! An IP-literal URI is still checked against the address. A connection
//! checked for the address is not reused for a request that expects a
//! name, and an address one name led to is not used for another.

use rvoip::api::*;

mod dns_server;
mod events;
mod pki;

use events::next;
use pki::{Pki, handshakes, pki_for, tls};
use std::net::SocketAddr;
use std::time::Duration;

/// A server with TLS presenting `ours` (its callers' CA: `callers`).
async fn server(ours: &Pki, callers: &Pki) -> SipServer {
    let cfg = ServerConfig {
        sip_addr: "127.0.0.1:0".parse().unwrap(),
        seed: Some(13),
        tls: tls(ours, callers),
        ..Default::default()
    };
    create_sip_server(cfg).await.expect("server starts")
}

/// A client presenting `ours`, trusting `server`'s CA, asking DNS at `dns`.
async fn client(ours: &Pki, server: &Pki, dns: SocketAddr) -> SipClient {
    let mut cfg = ClientConfig::default();
    cfg.server.tls = tls(ours, server);
    cfg.server.timers.t1 = Duration::from_millis(10);
    cfg.server.dns.servers = vec![dns];
    create_sip_client(cfg).await.expect("client starts")
}

/// A zone for `test.` with `records` (relative names) after its SOA.
fn zone(records: &str) -> String {
    format!("$ORIGIN test.\n$TTL 60\n@ IN SOA ns.test. admin.test. 1 3600 600 86400 60\n{records}")
}

/// `sip.test` by SRV (`_sips._tcp.sip.test` to `host1.test`) and by A,
/// both leading to the server's TLS port; `other.test` to it too.
async fn dns_for(tls_port: u16) -> dns_server::DnsServer {
    let records = format!(
        "_sips._tcp.sip IN SRV 0 0 {tls_port} host1.test.\n\
         host1 IN A 127.0.0.1\n\
         sip IN A 127.0.0.1\n\
         other IN A 127.0.0.1\n"
    );
    dns_server::serve("test.", &zone(&records), true).await
}

/// `c` calls `uri`; `s` answers; `c` hangs up; both see the end.
async fn call_completes(c: &mut SipClient, s: &mut SipServer, uri: &str) {
    let id = c.make_call(uri).unwrap();
    let inc = match next(s).await {
        CallEvent::Incoming(i) => i,
        ev => panic!("{uri}: expected the call over TLS, got {ev:?}"),
    };
    let sid = s.accept_call(inc).unwrap();
    assert!(matches!(next(c).await, CallEvent::Answered(i) if i == id), "{uri}");
    assert!(matches!(next(s).await, CallEvent::Answered(i) if i == sid), "{uri}");
    c.end_call(id).unwrap();
    assert!(matches!(next(c).await, CallEvent::Ended(i, _) if i == id), "{uri}");
    assert!(
        matches!(next(s).await, CallEvent::Ended(i, EndReason::RemoteBye) if i == sid),
        "{uri}: the BYE (to the Contact's address) reached the server"
    );
}

/// `c`'s call to `uri` fails at once (503), as a connection refused.
async fn call_fails(c: &mut SipClient, uri: &str) {
    let id = c.make_call(uri).unwrap();
    let ev = next(c).await;
    assert!(
        matches!(ev, CallEvent::Failed(i, StatusCode::SERVICE_UNAVAILABLE) if i == id),
        "{uri}: {ev:?}"
    );
}

#[tokio::test]
async fn a_server_located_by_srv_shows_the_uris_domain_and_the_whole_call_uses_one_connection() {
    let (named, caller) = (pki_for(&["sip.test"]), pki_for(&["127.0.0.1"]));
    let mut s = server(&named, &caller).await;
    let dns = dns_for(s.tls_addr().unwrap().port()).await;
    let mut c = client(&caller, &named, dns.addr).await;
    call_completes(&mut c, &mut s, "sips:alice@sip.test").await;
    // The ACK and BYE went to the Contact's IP address on the connection
    // checked for sip.test: one handshake (an IP check would have failed).
    assert_eq!(handshakes(&c, "out", "ok"), 1, "{}", c.metrics().render());
    assert_eq!(handshakes(&c, "out", "certificate"), 0);
}

#[tokio::test]
async fn a_server_located_by_a_record_shows_the_name() {
    let (named, caller) = (pki_for(&["sip.test"]), pki_for(&["127.0.0.1"]));
    let mut s = server(&named, &caller).await;
    let port = s.tls_addr().unwrap().port();
    let dns = dns_for(port).await;
    let mut c = client(&caller, &named, dns.addr).await;
    call_completes(&mut c, &mut s, &format!("sips:alice@sip.test:{port}")).await;
}

#[tokio::test]
async fn a_certificate_for_another_name_or_the_srv_target_fails_the_call_and_nothing_is_sent() {
    let caller = pki_for(&["127.0.0.1"]);
    for wrong in ["other.test", "host1.test"] {
        let misnamed = pki_for(&[wrong]);
        let s = server(&misnamed, &caller).await;
        let port = s.tls_addr().unwrap().port();
        let dns = dns_for(port).await;
        let mut c = client(&caller, &misnamed, dns.addr).await;
        call_fails(&mut c, "sips:alice@sip.test").await;
        call_fails(&mut c, &format!("sips:alice@sip.test:{port}")).await;
        assert_eq!(
            handshakes(&c, "out", "certificate"),
            2,
            "{wrong}: {}",
            c.metrics().render()
        );
        assert_eq!(handshakes(&c, "out", "ok"), 0, "{wrong}");
        assert_eq!(s.stats().total, 0, "{wrong}: the server never saw a request");
    }
}

#[tokio::test]
async fn an_ip_literal_uri_is_still_checked_against_the_address() {
    let (named, caller) = (pki_for(&["sip.test"]), pki_for(&["127.0.0.1"]));
    let s = server(&named, &caller).await;
    let dns = dns_for(s.tls_addr().unwrap().port()).await;
    let mut c = client(&caller, &named, dns.addr).await;
    // The certificate names sip.test only: not good for 127.0.0.1.
    call_fails(&mut c, &format!("sips:alice@{}", s.tls_addr().unwrap())).await;
    assert_eq!(handshakes(&c, "out", "certificate"), 1, "{}", c.metrics().render());
    assert_eq!(s.stats().total, 0);
}

#[tokio::test]
async fn a_connection_is_checked_anew_for_a_name_and_one_name_keeps_its_address() {
    // Good for the address and both names: only the table decides.
    let (both, caller) = (
        pki_for(&["127.0.0.1", "sip.test", "other.test"]),
        pki_for(&["127.0.0.1"]),
    );
    let mut s = server(&both, &caller).await;
    let at = s.tls_addr().unwrap();
    let dns = dns_for(at.port()).await;
    let mut c = client(&caller, &both, dns.addr).await;
    call_completes(&mut c, &mut s, &format!("sips:alice@{at}")).await;
    assert_eq!(handshakes(&c, "out", "ok"), 1);
    // The connection checked for the address is not reused for sip.test.
    call_completes(&mut c, &mut s, &format!("sips:alice@sip.test:{}", at.port())).await;
    assert_eq!(handshakes(&c, "out", "ok"), 2, "a second handshake, for sip.test");
    // Bound to sip.test, the address is not used for other.test.
    call_fails(&mut c, &format!("sips:alice@other.test:{}", at.port())).await;
    assert_eq!(handshakes(&c, "out", "ok"), 2);
    assert_eq!(s.stats().total, 2, "only the two good calls reached the server");
}
