use super::*;
use crate::locate::Server;
use rand::SeedableRng;
use std::net::SocketAddr;
use std::time::Duration;

fn server(transport: TransportKind, priority: u16, weight: u16, port: u16) -> Server {
    Server {
        transport,
        priority,
        weight,
        addrs: vec![SocketAddr::from(([127, 0, 0, 1], port))],
    }
}

fn set(groups: Vec<Vec<Server>>) -> ServerSet {
    ServerSet {
        groups,
        valid_until: Instant::now() + Duration::from_secs(60),
    }
}

fn ports(peers: &[Peer]) -> Vec<u16> {
    peers.iter().map(|p| p.addr.port()).collect()
}

const UDP: TransportKind = TransportKind::Udp;

#[test]
fn lower_priority_first_whatever_the_weights() {
    let s = set(vec![vec![
        server(UDP, 20, 1000, 1),
        server(UDP, 10, 0, 2),
        server(UDP, 30, 5, 3),
    ]]);
    for seed in 0..20 {
        let mut rng = SmallRng::seed_from_u64(seed);
        assert_eq!(
            ports(&order(&s, &mut rng, |_| true, |_| false)),
            [2, 1, 3],
            "seed {seed}"
        );
    }
}

#[test]
fn weights_share_the_first_place_in_proportion() {
    // RFC 2782: among equal priorities, each is first with a chance
    // proportional to its weight (a zero weight: a small one).
    let s = set(vec![vec![
        server(UDP, 10, 90, 1),
        server(UDP, 10, 10, 2),
        server(UDP, 10, 0, 3),
    ]]);
    let mut rng = SmallRng::seed_from_u64(7);
    let mut first = [0u32; 4];
    for _ in 0..10_000 {
        let p = order(&s, &mut rng, |_| true, |_| false);
        assert_eq!(p.len(), 3, "every server once");
        first[p[0].addr.port() as usize] += 1;
    }
    // Drawn from 0..=100: 90/101, 10/101 and 1/101 of the time.
    assert!((8600..=9200).contains(&first[1]), "{first:?}");
    assert!((800..=1200).contains(&first[2]), "{first:?}");
    assert!((40..=160).contains(&first[3]), "weight 0 is seldom first: {first:?}");
}

#[test]
fn all_zero_weights_keep_dns_order_and_groups_keep_naptr_order() {
    let tcp = TransportKind::Tcp;
    let s = set(vec![
        vec![server(tcp, 0, 0, 1), server(tcp, 0, 0, 2)],
        vec![server(UDP, 0, 0, 3)],
    ]);
    let p = order(&s, &mut SmallRng::seed_from_u64(1), |_| true, |_| false);
    assert_eq!(ports(&p), [1, 2, 3]);
    assert_eq!(p[0].transport, tcp);
    assert_eq!(p[2].transport, UDP);
}

#[test]
fn failed_peers_last_unusable_dropped_duplicates_once() {
    let s = set(vec![
        vec![
            server(UDP, 1, 0, 1),
            server(UDP, 2, 0, 2),
            server(TransportKind::Tls, 3, 0, 4),
        ],
        vec![server(UDP, 0, 0, 1), server(UDP, 0, 0, 3)],
    ]);
    let failed = |p: &Peer| p.addr.port() == 1;
    let usable = |p: &Peer| p.transport != TransportKind::Tls;
    let p = order(&s, &mut SmallRng::seed_from_u64(1), usable, failed);
    assert_eq!(ports(&p), [2, 3, 1], "1 failed: last; 4 is TLS: dropped; 1 once");
}

#[test]
fn at_most_max_peers() {
    let many: Vec<Server> = (0..40).map(|i| server(UDP, i, 0, 1000 + i)).collect();
    let p = order(&set(vec![many]), &mut SmallRng::seed_from_u64(1), |_| true, |_| false);
    assert_eq!(p.len(), MAX_PEERS);
}
