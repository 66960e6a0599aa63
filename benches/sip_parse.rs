//! Parse + validate a realistic INVITE with SDP (the `sip` layer's cost per
//! request), and the same with rsip alone for comparison; the SDP of that
//! INVITE parsed and rendered (each bridged call parses two SDPs).

use criterion::{Criterion, black_box, criterion_group, criterion_main};

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "support/invite.rs"]
mod common;

fn bench(c: &mut Criterion) {
    let bytes = common::INVITE.as_bytes();
    let msg = rvoip::test_exports::sip::receive(bytes).expect("the bench INVITE parses");
    rvoip::test_exports::sip::validate(&msg).expect("the bench INVITE is valid");
    c.bench_function("sip_parse/invite_parse_validate", |b| {
        b.iter(|| {
            let msg = rvoip::test_exports::sip::receive(black_box(bytes)).unwrap();
            black_box(rvoip::test_exports::sip::validate(&msg).unwrap());
        })
    });
    c.bench_function("sip_parse/rsip_only", |b| {
        b.iter(|| black_box(rsip::SipMessage::try_from(black_box(bytes)).unwrap()))
    });
    let msg = rvoip::test_exports::sip::parse(bytes).expect("rsip's oracle parses it too");
    c.bench_function("sip_parse/serialize_invite", |b| {
        b.iter(|| black_box(rvoip::test_exports::sip::message_bytes(&msg)))
    });
    let text = &common::INVITE[common::INVITE.find("v=0").expect("an SDP body")..];
    let sdp = rvoip::test_exports::sdp::parse(text).expect("the bench SDP parses");
    c.bench_function("sip_parse/sdp_parse", |b| {
        b.iter(|| black_box(rvoip::test_exports::sdp::parse(black_box(text)).unwrap()))
    });
    c.bench_function("sip_parse/sdp_render", |b| {
        b.iter(|| black_box(rvoip::test_exports::sdp::render(black_box(&sdp))))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
