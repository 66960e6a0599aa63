//! The whole sans-IO SIP endpoint (transactions, dialogs, calls, and the
//! B2BUA on top) fed arbitrary datagrams, split on a marker, with time
//! moving between them: never panics, and every timer it asks for can be
//! served.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rvoip::test_exports::endpoint::Endpoint;
use rvoip::test_exports::gateway::{Gateway, GatewayConfig};
use rvoip::test_exports::ids::{Peer, TransportKind};
use rvoip::test_exports::session::UaConfig;
use std::time::{Duration, Instant, SystemTime};

fuzz_target!(|data: &[u8]| {
    let cfg = UaConfig {
        local: "127.0.0.1:5060".parse().unwrap(),
        local_alt: None,
        tls_local: None,
        user: "fuzz".into(),
        timers: Default::default(),
        media_addr: "127.0.0.1".parse().unwrap(),
        media_addr_alt: None,
        ports: (10000, 10100),
        codecs: rvoip::test_exports::sdp::Codec::from_names(&["PCMU".into(), "opus".into()]),
        max_calls: 16,
        retry_after: 5,
        seed: 1,
        media_workers: 1,
        shard: 0,
        shards: 1,
        max_redirects: 3,
        shed_delay: None,
        auth: None,
        access: Default::default(),
        registrations: Vec::new(),
        srtp: Default::default(),
        session_timer: Default::default(),
        node: None,
        registrar: None,
        dns: Default::default(),
    };
    let mut now = Instant::now();
    let mut ep = Endpoint::new(cfg, Some(Gateway::new(GatewayConfig::default())), now, SystemTime::UNIX_EPOCH);
    let peer = Peer { transport: TransportKind::Udp, addr: "127.0.0.1:5070".parse().unwrap() };
    for chunk in data.split(|&b| b == 0xff) {
        ep.handle_datagram(now, peer, chunk);
        while ep.poll_media_command().is_some() || ep.poll_transmit().is_some() || ep.poll_event().is_some() {}
        now += Duration::from_millis(300);
        if ep.poll_timeout().is_some_and(|t| t <= now) {
            ep.handle_timeout(now);
        }
    }
});
