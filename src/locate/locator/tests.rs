use super::*;
use crate::locate::Server;
use crate::status::StatusCode;
use std::net::SocketAddr;
use std::time::Duration;

fn query(host: &str) -> Query {
    Query {
        host: host.into(),
        port: None,
        transport: None,
        sips: false,
    }
}

fn answer(now: Instant, ttl: u64, ports: &[u16]) -> ServerSet {
    let servers = ports.iter().enumerate().map(|(i, &port)| Server {
        transport: TransportKind::Udp,
        priority: i as u16,
        weight: 0,
        addrs: vec![SocketAddr::from(([127, 0, 0, 1], port))],
    });
    ServerSet {
        groups: vec![servers.collect()],
        valid_until: now + Duration::from_secs(ttl),
    }
}

fn locator() -> Locator {
    let cfg = DnsConfig {
        servers: Vec::new(),
        timeout: Duration::from_secs(5),
        failed_for: Duration::from_secs(60),
    };
    Locator::new(cfg, false, Families::of(SocketAddr::from(([127, 0, 0, 1], 5060))), 1)
}

fn ports(found: &Located) -> Vec<u16> {
    found.as_ref().expect("peers").iter().map(|p| p.addr.port()).collect()
}

use crate::ids::TransportKind;

#[test]
fn one_lookup_per_name_its_answer_cached_for_its_ttl() {
    let (mut l, t0) = (locator(), Instant::now());
    let q = query("trunk.example.net");
    assert_eq!(l.lookup(t0, &q, Waiter::Place(CallId(1))), Ok(None));
    assert_eq!(
        l.lookup(t0, &q, Waiter::Place(CallId(2))),
        Ok(None),
        "waits on the same lookup"
    );
    let r = l.poll_resolve().expect("one lookup");
    assert_eq!(r.query, q);
    assert!(l.poll_resolve().is_none(), "not two");
    let given = l.handle_resolved(t0, r.id, Ok(answer(t0, 30, &[5070, 5071])));
    assert_eq!(given.len(), 2);
    for (w, found) in &given {
        assert!(matches!(w, Waiter::Place(_)));
        assert_eq!(ports(found), [5070, 5071]);
    }
    let cached = l.lookup(t0 + Duration::from_secs(29), &q, Waiter::Place(CallId(3)));
    assert_eq!(cached.expect("cached").map(|p| p.len()), Some(2), "from the cache");
    assert!(l.poll_resolve().is_none());
    let expired = l.lookup(t0 + Duration::from_secs(30), &q, Waiter::Place(CallId(4)));
    assert_eq!(expired, Ok(None), "looked up again once the TTL ran out");
    assert!(l.poll_resolve().is_some());
}

#[test]
fn a_lookup_not_answered_in_time_fails_its_waiters_with_408() {
    let (mut l, t0) = (locator(), Instant::now());
    let q = query("slow.example.net");
    assert_eq!(l.lookup(t0, &q, Waiter::Call(CallId(9))), Ok(None));
    let r = l.poll_resolve().unwrap();
    assert_eq!(l.poll_timeout(), Some(t0 + Duration::from_secs(5)));
    assert!(l.handle_timeout(t0 + Duration::from_millis(4999)).is_empty());
    let given = l.handle_timeout(t0 + Duration::from_secs(5));
    assert_eq!(given.len(), 1);
    let e = given[0].1.clone().unwrap_err();
    assert_eq!(e, LocateError::Timeout("slow.example.net".into()));
    assert_eq!(e.status(), StatusCode::REQUEST_TIMEOUT);
    assert!(
        l.handle_resolved(t0 + Duration::from_secs(6), r.id, Ok(answer(t0, 30, &[1])))
            .is_empty(),
        "a late answer finds no one"
    );
}

#[test]
fn failures_reach_every_waiter_and_are_not_cached() {
    let (mut l, t0) = (locator(), Instant::now());
    let q = query("nowhere.example.net");
    l.lookup(t0, &q, Waiter::Registration(0)).unwrap();
    let r = l.poll_resolve().unwrap();
    let given = l.handle_resolved(t0, r.id, Err(LocateError::NotFound(q.host.clone())));
    assert_eq!(
        given[0].1.clone().unwrap_err().status(),
        StatusCode::SERVICE_UNAVAILABLE
    );
    assert_eq!(l.lookup(t0, &q, Waiter::Registration(0)), Ok(None), "asked again");
}

#[test]
fn a_failed_peer_goes_last_until_its_time_is_up() {
    let (mut l, t0) = (locator(), Instant::now());
    let q = query("pair.example.net");
    l.lookup(t0, &q, Waiter::Place(CallId(1))).unwrap();
    let r = l.poll_resolve().unwrap();
    l.handle_resolved(t0, r.id, Ok(answer(t0, 3600, &[5070, 5071])));
    l.mark_failed(
        t0,
        Peer {
            transport: TransportKind::Udp,
            addr: SocketAddr::from(([127, 0, 0, 1], 5070)),
        },
    );
    let at = |s| t0 + Duration::from_secs(s);
    let mut l2 = |s| ports(&l.lookup(at(s), &q, Waiter::Place(CallId(2))).map(|p| p.unwrap()));
    assert_eq!(l2(1), [5071, 5070]);
    assert_eq!(l2(59), [5071, 5070]);
    assert_eq!(l2(60), [5070, 5071], "remembered for failed_for only");
}

#[test]
fn tls_servers_are_unusable_without_tls() {
    let (mut l, t0) = (locator(), Instant::now());
    let q = query("secure.example.net");
    l.lookup(t0, &q, Waiter::Place(CallId(1))).unwrap();
    let r = l.poll_resolve().unwrap();
    let mut set = answer(t0, 30, &[5061]);
    set.groups[0][0].transport = TransportKind::Tls;
    let given = l.handle_resolved(t0, r.id, Ok(set));
    assert_eq!(given[0].1, Err(LocateError::Unusable(q.host.clone())));
}
