//! A server INVITE transaction end to end in the sans-IO layer: INVITE in
//! (parse, validate, match, create), automatic 100 out, 200 out, transaction
//! dropped after Timer L.

use criterion::{Criterion, black_box, criterion_group, criterion_main};
use rvoip::test_exports::ids::{Peer, TransportKind};
use rvoip::test_exports::sip::{self, Incoming};
use rvoip::test_exports::transaction::{TimerConfig, Transactions, TxEvent};
use std::time::{Duration, Instant};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "support/invite.rs"]
mod common;

fn bench(c: &mut Criterion) {
    let peer = Peer {
        transport: TransportKind::Udp,
        addr: "127.0.0.1:5061".parse().unwrap(),
    };
    let mut txs = Transactions::new(TimerConfig::default());
    let mut now = Instant::now();
    let mut n = 0u64;
    c.bench_function("server_transaction/invite_100_200", |b| {
        b.iter(|| {
            n += 1;
            let text = common::INVITE.replace("z9hG4bK-12345-1-0", &format!("z9hG4bK-{n}"));
            let msg = sip::receive(text.as_bytes()).unwrap();
            let core = sip::validate(&msg).unwrap();
            txs.handle_incoming(now, Incoming::new(msg, core), peer);
            let Some(TxEvent::Request { tx, req, .. }) = txs.poll_event() else {
                panic!("no request event")
            };
            txs.respond(now, tx, sip::response(&req.req, 200, None, Some("tag1")));
            while let Some(t) = txs.poll_transmit() {
                black_box(t);
            }
            now += Duration::from_millis(1);
            txs.handle_timeout(now);
        })
    });
    // Let every transaction reach Terminated so the table is measured empty.
    txs.handle_timeout(now + Duration::from_secs(64));
    assert_eq!(txs.len(), 0);
}

criterion_group!(benches, bench);
criterion_main!(benches);
