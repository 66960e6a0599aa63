//! A gateway whose signalling runs on two threads (shards by Call-ID): every
//! call still completes end to end, with its media on the workers, each
//! datagram reaches the shard owning its call with no hand-over (the
//! kernel steers them: needs root, as rvoip-gw's steering does), and the
//! gateway's limits hold across the shards.

use rvoip::api::*;
use std::collections::HashSet;

mod events;
mod ports;
mod sim;
use events::{next, next_any};

fn server_cfg(pairs: u16, threads: usize) -> ServerConfig {
    let base = ports::free_block(pairs);
    ServerConfig {
        sip_addr: "127.0.0.1:0".parse().unwrap(),
        rtp_ports: (base, base + 2 * pairs),
        media_workers: 2,
        sip_threads: threads,
        seed: Some(5),
        ..Default::default()
    }
}

fn forward_to(server: &SipServer) -> Route {
    Route {
        capture_dir: None,
        transfer: true,
        user_prefix: String::new(),
        domain: None,
        sources: Vec::new(),
        action: RouteAction::Forward {
            uri: format!("sip:{}", server.local_addr()),
            credentials: None,
            srtp: Default::default(),
            sdes_in_clear: false,
            transport: Transport::Udp,
            codecs: Vec::new(),
        },
    }
}

const CALLS: usize = 24;

#[tokio::test]
async fn calls_spread_over_two_signalling_threads_all_complete() {
    let mut server = create_sip_server(server_cfg(CALLS as u16 + 4, 1)).await.unwrap();
    let cfg = GatewayConfig {
        routes: vec![forward_to(&server)],
        ..Default::default()
    };
    let gw = create_gateway(server_cfg(4 * CALLS as u16, 2), cfg).await.unwrap();
    let mut client = create_sip_client(ClientConfig::default()).await.unwrap();
    let target = format!("sip:bob@{}", gw.local_addr());
    let ids: HashSet<CallId> = (0..CALLS).map(|_| client.make_call(&target).unwrap()).collect();
    let mut answered_b = Vec::new();
    while answered_b.len() < CALLS {
        match next(&mut server).await {
            CallEvent::Incoming(inc) => answered_b.push(server.accept_call(inc).unwrap()),
            CallEvent::Answered(_) => {}
            ev => panic!("unexpected at the callee: {ev:?}"),
        }
    }
    let mut answered = HashSet::new();
    while answered.len() < CALLS {
        match next(&mut client).await {
            CallEvent::Answered(id) => assert!(answered.insert(id) && ids.contains(&id)),
            CallEvent::Ringing(_) => {}
            ev => panic!("unexpected at the caller: {ev:?}"),
        }
    }
    let g = gw.gateway_stats();
    assert_eq!(
        (g.bridged, g.bridged_answered, g.active),
        (CALLS as u64, CALLS as u64, CALLS as u64)
    );
    assert_eq!(
        gw.stats().active,
        2 * CALLS as u64,
        "two legs per call, summed over the shards"
    );
    // The kernel steered every datagram to the shard owning its call:
    // none was handed from one shard to the other.
    let page = gw.metrics().render();
    for line in [
        "rvoip_sip_threads 2",
        "rvoip_sip_steered 1",
        "rvoip_sip_handover_total 0",
    ] {
        assert!(page.lines().any(|l| l == line), "{line} not in\n{page}");
    }
    for id in &ids {
        client.end_call(*id).unwrap();
    }
    let mut ended = 0;
    while ended < CALLS {
        match next(&mut server).await {
            CallEvent::Ended(_, EndReason::RemoteBye) => ended += 1,
            CallEvent::Answered(_) => {}
            ev => panic!("unexpected at the callee: {ev:?}"),
        }
    }
    // A call's detail record comes once both its legs have ended and its
    // media is released; each shard publishes its counters before the
    // events of the same input, so with every record in, they are final.
    let mut gw = gw;
    let mut records = 0;
    while records < CALLS {
        if let CallEvent::Record(r) = next_any(&mut gw).await {
            assert_eq!(r.legs.len(), 2, "{r:?}");
            records += 1;
        }
    }
    assert_eq!(
        (gw.gateway_stats().active, gw.stats().active),
        (0, 0),
        "calls left behind"
    );
    assert_eq!(answered_b.len(), CALLS);
}

#[tokio::test]
async fn max_calls_holds_across_the_shards() {
    let mut server = create_sip_server(server_cfg(16, 1)).await.unwrap();
    let cfg = GatewayConfig {
        routes: vec![forward_to(&server)],
        max_calls: 5,
        ..Default::default()
    };
    let gw = create_gateway(server_cfg(64, 2), cfg).await.unwrap();
    let mut client = create_sip_client(ClientConfig::default()).await.unwrap();
    let target = format!("sip:bob@{}", gw.local_addr());
    for _ in 0..12 {
        client.make_call(&target).unwrap();
    }
    let mut refused = 0;
    while refused < 7 {
        match next(&mut client).await {
            CallEvent::Failed(_, StatusCode::SERVICE_UNAVAILABLE) => refused += 1,
            ev => panic!("unexpected at the caller: {ev:?}"),
        }
    }
    let mut offered = 0;
    while offered < 5 {
        if let CallEvent::Incoming(_) = next(&mut server).await {
            offered += 1;
        }
    }
    let g = gw.gateway_stats();
    assert_eq!((g.active, g.over_limit, g.bridged), (5, 7, 5));
}

#[test]
fn shards_sharing_a_seed_draw_different_branches_and_tags() {
    use rvoip::test_exports::endpoint::Endpoint;
    use rvoip::test_exports::ids::TransportKind;
    use rvoip::test_exports::session::{Command, UaConfig};
    let first_invite = |shard: usize| {
        let now = std::time::Instant::now();
        let cfg = UaConfig {
            shard,
            shards: 2,
            max_redirects: 3,
            shed_delay: None,
            ..sim::ua_config(sim::addr(0), 42)
        };
        let mut ua = Endpoint::new(cfg, None, now, std::time::SystemTime::now());
        ua.handle_command(
            now,
            Command::Call(
                CallId(2 + shard as u64),
                "sip:bob@127.0.0.1:5999".into(),
                TransportKind::Udp,
            ),
        );
        while ua.poll_media_command().is_some() {}
        let t = ua.poll_transmit().expect("an INVITE");
        String::from_utf8_lossy(&t.bytes).into_owned()
    };
    let header = |m: &str, name: &str| m.lines().find(|l| l.starts_with(name)).unwrap_or_default().to_owned();
    let (a, b) = (first_invite(0), first_invite(1));
    assert_ne!(header(&a, "Via:"), header(&b, "Via:"), "branches repeat across shards");
    assert_ne!(header(&a, "From:"), header(&b, "From:"), "tags repeat across shards");
}
