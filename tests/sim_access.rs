//! Who may talk to the UA core, in simulated time: a trusted peer calls
//! without credentials, a denied one gets 403, an unlisted one is
//! challenged and blocked after too many failed attempts (its datagrams
//! then dropped unread), a scanner's User-Agent blocks its source at
//! once, a listener that refuses untrusted sources answers their INVITEs
//! 403 (or nothing), and a route kept for some sources serves no other.

mod sim;

use rvoip::test_exports::access::{AbuseConfig, AccessConfig, Acl, AclAction, Refusal, Untrusted};
use rvoip::test_exports::auth::{AuthConfig, Credentials};
use rvoip::test_exports::gateway::{GatewayConfig, Route, RouteAction};
use rvoip::test_exports::ids::TransportKind;
use rvoip::test_exports::session::{SessionEvent, UaConfig};
use sim::raw::{self, header};
use sim::{Net, addr, ua_config};
use std::sync::Arc;
use std::time::Duration;

const SECOND: Duration = Duration::from_secs(1);
const UA: usize = 0;

fn net(untrusted: Untrusted) -> Net {
    let mut net = Net::new(0, 60);
    let acl = Acl::new(vec![
        ("127.0.0.7/32".parse().unwrap(), AclAction::Deny),
        ("127.0.0.8/32".parse().unwrap(), AclAction::Trust),
    ]);
    let cfg = UaConfig {
        auth: Some(AuthConfig {
            realm: "rvoip".into(),
            proxy: false,
            nonce_lifetime: Duration::from_secs(300),
            algorithms: vec![rvoip::test_exports::auth::Algorithm::Md5],
            credentials: Arc::new(Credentials::default().with_password("alice", "rvoip", "secret")),
            secret: [3; 32],
        }),
        access: AccessConfig {
            trust_tls_clients: false,
            acl,
            untrusted,
            refusal: Refusal::Forbid,
            abuse: AbuseConfig {
                auth_failures: 3,
                ..AbuseConfig::default()
            },
        },
        ..ua_config(addr(0), 61)
    };
    net.add(cfg, None);
    net
}

/// A peer on its own loopback address (the ACL sees addresses, not ports).
fn peer(host: u8) -> std::net::SocketAddr {
    std::net::SocketAddr::from(([127, 0, 0, host], 5090))
}

fn invite_from(net: &mut Net, from: std::net::SocketAddr, call: &str, extra: &str) {
    let text = String::from_utf8(raw::invite(from, addr(0), "bob", call, call, "")).unwrap();
    let text = text.replacen("Max-Forwards: 70\r\n", &format!("Max-Forwards: 70\r\n{extra}"), 1);
    net.send(from, addr(0), text.into_bytes());
    net.run_for(SECOND);
}

/// The final statuses `to` received, in order.
fn finals(net: &Net, to: std::net::SocketAddr) -> Vec<String> {
    net.received(to, "SIP/2.0")
        .into_iter()
        .map(|s| s.first_line().to_owned())
        .filter(|l| !l.starts_with("SIP/2.0 1"))
        .collect()
}

#[test]
fn trusted_peers_skip_authentication_and_denied_ones_get_403() {
    let mut net = net(Untrusted::Challenge);
    invite_from(&mut net, peer(8), "trusted-1", "");
    assert!(
        net.take_events(UA)
            .iter()
            .any(|e| matches!(e, SessionEvent::Incoming(..))),
        "a trusted peer's call is offered without a challenge"
    );
    assert!(finals(&net, peer(8)).is_empty());
    invite_from(&mut net, peer(7), "denied-1", "");
    assert_eq!(finals(&net, peer(7)), ["SIP/2.0 403 Forbidden"]);
    invite_from(&mut net, peer(5), "unlisted-1", "");
    assert_eq!(finals(&net, peer(5)), ["SIP/2.0 401 Unauthorized"]);
    assert!(net.take_events(UA).is_empty(), "neither reached the API");
    let (stats, calls, txs) = net.nodes[UA].ep.stats();
    assert_eq!((stats.access_refused, stats.auth_challenged, calls), (1, 1, 1));
    assert_eq!(txs, 1, "only the offered call's INVITE keeps a transaction");
}

#[test]
fn failed_attempts_block_a_source_and_its_datagrams_are_dropped() {
    let mut net = net(Untrusted::Challenge);
    let me = peer(5);
    for i in 0..3 {
        let call = format!("guess-{i}");
        let bad = "Authorization: Digest username=\"alice\", realm=\"rvoip\", nonce=\"0000000000000000000000000000000000000000000000000000000000000000\", uri=\"sip:bob@127.0.0.1:5060\", response=\"00\"\r\n";
        invite_from(&mut net, me, &call, bad);
    }
    assert_eq!(finals(&net, me).len(), 3, "each failed attempt was challenged again");
    let (stats, ..) = net.nodes[UA].ep.stats();
    assert_eq!(
        (stats.auth_failed, stats.access_blocks),
        (3, 1),
        "the third failure blocked it"
    );
    invite_from(&mut net, me, "after-block", "");
    assert_eq!(finals(&net, me).len(), 3, "a blocked source gets no answer");
    let (stats, ..) = net.nodes[UA].ep.stats();
    assert_eq!(stats.access_dropped, 1);
    // Another source is not touched.
    invite_from(&mut net, peer(6), "other", "");
    assert_eq!(finals(&net, peer(6)), ["SIP/2.0 401 Unauthorized"]);
}

#[test]
fn a_scanner_user_agent_blocks_its_source_at_once() {
    let mut net = net(Untrusted::Challenge);
    let scanner = peer(9);
    invite_from(&mut net, scanner, "scan-1", "User-Agent: friendly-scanner\r\n");
    invite_from(&mut net, scanner, "scan-2", "User-Agent: innocent\r\n");
    assert!(net.received(scanner, "SIP/2.0").is_empty(), "nothing answers a scanner");
    let (stats, ..) = net.nodes[UA].ep.stats();
    assert_eq!((stats.access_blocks, stats.access_dropped), (1, 1));
}

#[test]
fn a_listener_refusing_untrusted_sources_answers_403_or_nothing() {
    let mut net = net(Untrusted::Forbid);
    invite_from(&mut net, peer(5), "u-1", "");
    assert_eq!(finals(&net, peer(5)), ["SIP/2.0 403 Forbidden"]);
    invite_from(&mut net, peer(8), "t-1", "");
    assert!(finals(&net, peer(8)).is_empty(), "the trusted peer still calls");
    let mut net = net_drop();
    invite_from(&mut net, peer(5), "u-2", "");
    assert!(net.received(peer(5), "SIP/2.0").is_empty(), "dropped: not even a 100");
}

fn net_drop() -> Net {
    net(Untrusted::Drop)
}

#[test]
fn a_route_kept_for_some_sources_serves_no_other() {
    let mut net = Net::new(0, 62);
    let route = Route {
        capture_dir: None,
        transfer: true,
        user_prefix: String::new(),
        domain: None,
        sources: vec!["127.0.0.5/32".parse().unwrap()],
        action: RouteAction::Forward {
            uri: format!("sip:{}", addr(2)),
            credentials: None,
            srtp: Default::default(),
            sdes_in_clear: false,
            transport: TransportKind::Udp,
            codecs: Vec::new(),
        },
    };
    let gw = GatewayConfig {
        routes: vec![route],
        ..GatewayConfig::default()
    };
    net.add(ua_config(addr(0), 63), Some(gw));
    invite_from(&mut net, peer(6), "outsider", "");
    let refused = finals(&net, peer(6));
    assert!(
        !refused.is_empty() && refused.iter().all(|l| l == "SIP/2.0 404 Not Found"),
        "no route: {refused:?}"
    );
    invite_from(&mut net, peer(5), "insider", "");
    let out = net.received(addr(2), "INVITE sip:bob@");
    assert!(!out.is_empty(), "the insider's call is bridged");
    assert!(header(&out[0].text, "Call-ID") != "insider", "a B2BUA leg of its own");
}
