//! The whole sans-IO SIP endpoint (transactions, dialogs, calls) fed
//! arbitrary datagrams, split on a marker, with time moving between them:
//! never panics, and every timer it asks for can be served.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rvoip::test_exports::ids::{Peer, TransportKind};
use rvoip::test_exports::session::{UaConfig, UserAgent};
use std::time::{Duration, Instant};

fuzz_target!(|data: &[u8]| {
    let cfg = UaConfig {
        local: "127.0.0.1:5060".parse().unwrap(),
        user: "fuzz".into(),
        timers: Default::default(),
        media_addr: "127.0.0.1".parse().unwrap(),
        ports: (10000, 10100),
        codecs: rvoip::test_exports::sdp::Codec::from_names(&["PCMU".into(), "opus".into()]),
        max_calls: 16,
        retry_after: 5,
        seed: 1,
    };
    let mut ua = UserAgent::new(cfg);
    let peer = Peer { transport: TransportKind::Udp, addr: "127.0.0.1:5070".parse().unwrap() };
    let mut now = Instant::now();
    for chunk in data.split(|&b| b == 0xff) {
        ua.handle_datagram(now, chunk, peer);
        while ua.poll_transmit().is_some() {}
        while let Some(ev) = ua.poll_event() {
            if let rvoip::test_exports::session::SessionEvent::Incoming(id, _) = ev {
                ua.handle_command(now, rvoip::test_exports::session::Command::Accept(id, rvoip::test_exports::session::MediaMode::None));
            }
        }
        while ua.poll_media().is_some() {}
        now += Duration::from_millis(300);
        if ua.poll_timeout().is_some_and(|t| t <= now) {
            ua.handle_timeout(now);
        }
    }
});
