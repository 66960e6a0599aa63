//! What a held bridged call keeps on the heap of the signalling plane
//! (issue #20: 10,000 held calls under 4 KiB of RSS each). A counting
//! global allocator tracks live bytes while the gateway (one sans-IO
//! `Endpoint`, as benches/b2bua_call.rs drives it, no sockets, simulated
//! time) takes calls from a SIPp-style caller A to a callee B up to A's
//! ACK, then time runs past Timer L, so every transaction of the setup
//! has gone and only the calls' own state (two dialogs, two calls, the
//! bridge, the record, the SDPs) is left. Live bytes per held call are
//! printed and pinned so they can only go down; the media worker's part
//! (808 bytes per call in its slot) is not in this figure, nor the
//! allocator's own overhead (perf/held_calls.sh measures RSS).

use rvoip::media::{LegStats, MediaCommand, MediaEvent};
use rvoip::test_exports::endpoint::Endpoint;
use std::alloc::{GlobalAlloc, Layout, System};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicIsize, Ordering::Relaxed};
use std::time::{Duration, Instant};

struct Live;
static LIVE: AtomicIsize = AtomicIsize::new(0);
/// Live blocks by size, 8 bytes a row (the last: bytes of blocks over
/// 4 KiB, the maps' tables): `HELD_HEAP_SIZES=1` prints them per call.
static SIZES: [AtomicIsize; 514] = [const { AtomicIsize::new(0) }; 514];

fn count(size: usize, blocks: isize) {
    let (row, n) = if size > 4096 {
        (513, blocks * size as isize)
    } else {
        (size.div_ceil(8), blocks)
    };
    SIZES[row].fetch_add(n, Relaxed);
}

unsafe impl GlobalAlloc for Live {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Relaxed);
        count(layout.size(), 1);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Relaxed);
        count(layout.size(), -1);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size as isize - layout.size() as isize, Relaxed);
        count(layout.size(), -1);
        count(new_size, 1);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Live = Live;

#[path = "../benches/support/b2bua.rs"]
mod b2bua;
use b2bua::*;

/// Live heap bytes per held bridged call, plus a small margin: it may only
/// go down. 8,323 when first measured (the calls' rare parts boxed, the
/// received INVITE freed at its ACK); 6,931 once a call's list of early
/// dialogs made room for one fork, not four; 6,595 once a dialog's five
/// fixed strings shared one buffer; 6,575 with SDP codec names shared;
/// 5,181 once the INVITE we sent was let go when its 2xx formed the
/// dialog (about 1.4 KB); 4,618 once the answering fork's early dialog
/// was let go too; 3,809 once an open record's media counts were boxed,
/// a call's timers counted from its start, and its rarely used parts
/// (queues, target set, flows, route set, SDP keys, crypto and rejected
/// m-lines) kept in a word each; 3,258 once an SDP's codec list was sized
/// to its m-line (a Vec grown from empty kept room for four codecs of 56
/// bytes); 3,097 once a `Call` fitted the allocator's 768-byte class
/// (816 bytes took an 896-byte block: its rare REFER state boxed, its
/// early dialogs and answer time in a word each) and kept its tag in a
/// `Box<str>` of 16 bytes, not a `String` with room for 40; 2,797 once a
/// `Call` fitted the 640-byte class (its redirect targets, credentials,
/// INFO queue and reliable provisionals boxed only when used, its bridge
/// partner and media key in a word each) and an answered INVITE's Call-ID
/// was read from its dialog, not kept twice; 2,613 once the gateway's leg
/// took 24 bytes, not 40 (its answered flag in it, not in a set of its
/// own) and an open call record 32, not 72; 2,390 once a call's own copy
/// of its tag went when its dialog formed (the dialog has it), the dialog
/// index kept a 16-byte fingerprint of Call-ID and tag, not a copy of
/// them, and a codec took 40 bytes, not 56. What is left: the two `Call`s
/// (640 bytes each), about 555 bytes of the maps' tables (two legs per
/// call in most), the SDPs' codec lists, the dialogs' texts and remote
/// targets.
const PINNED_PER_CALL: isize = 2_420;

/// Feeds `text` from `from`, answers the media plane as a worker would,
/// and returns what the gateway sent.
fn feed(ep: &mut Endpoint, now: Instant, text: &str, from: &str) -> Vec<(SocketAddr, String)> {
    ep.handle_datagram(now, udp(from), text.as_bytes());
    drain(ep, now)
}

fn drain(ep: &mut Endpoint, now: Instant) -> Vec<(SocketAddr, String)> {
    let mut out = Vec::new();
    loop {
        while let Some(cmd) = ep.poll_media_command() {
            if let MediaCommand::RemoveCall { call } = cmd {
                let stats = [Some(LegStats::default()), Some(LegStats::default())];
                ep.handle_media_event(now, MediaEvent::Removed { call, stats });
            }
        }
        let Some(t) = ep.poll_transmit() else { break };
        out.push((t.peer.addr, String::from_utf8(t.bytes.to_vec()).unwrap()));
    }
    while ep.poll_event().is_some() {}
    out
}

/// Call `n` set up and ACKed; returns the 200 A got (for its BYE).
fn set_up(ep: &mut Endpoint, now: Instant, n: u64) -> String {
    let out = feed(ep, now, &invite(n), A);
    let inv_b = sent(&out, B, "INVITE");
    feed(ep, now, &reply(&inv_b, n, "180 Ringing", false), B);
    let out = feed(ep, now, &reply(&inv_b, n, "200 OK", true), B);
    let ok_a = sent(&out, A, "SIP/2.0 200");
    sent(&out, B, "ACK");
    assert!(feed(ep, now, &in_dialog(n, "ACK", 1, &ok_a), A).is_empty());
    ok_a
}

/// Runs the clock `secs` seconds on, a tenth of a second at a time.
fn run_for(ep: &mut Endpoint, now: &mut Instant, secs: u64) {
    for _ in 0..secs * 10 {
        *now += Duration::from_millis(100);
        ep.handle_timeout(*now);
        drain(ep, *now);
    }
}

#[test]
fn a_held_bridged_call_keeps_no_more_heap_than_pinned() {
    let mut ep = gateway(ua_config(), format!("sip:{B}"));
    let mut now = Instant::now();
    // Warm-up: calls set up and ended, so first-use work is done.
    for n in 1..=50 {
        let ok_a = set_up(&mut ep, now, n);
        let out = feed(&mut ep, now, &in_dialog(n, "BYE", 2, &ok_a), A);
        let bye_b = sent(&out, B, "BYE");
        feed(&mut ep, now, &reply(&bye_b, n, "200 OK", false), B);
    }
    run_for(&mut ep, &mut now, 40);
    assert_eq!(ep.stats().1, 0, "the warm-up's calls are gone");
    let before = LIVE.load(Relaxed);
    let sizes_before: Vec<isize> = SIZES.iter().map(|s| s.load(Relaxed)).collect();
    const HELD: u64 = 2_000;
    for n in 1_000..1_000 + HELD {
        set_up(&mut ep, now, n);
        now += Duration::from_micros(200);
    }
    // Past Timer L (32 s): only the calls' own state is left.
    run_for(&mut ep, &mut now, 40);
    assert_eq!(ep.stats().2, 0, "no transaction left");
    assert_eq!(ep.stats().1 as u64, 2 * HELD, "every call still up, both legs");
    let per_call = (LIVE.load(Relaxed) - before) / HELD as isize;
    if std::env::var_os("HELD_HEAP_SIZES").is_some() {
        print_sizes(&sizes_before, HELD as isize);
    }
    println!("live heap per held bridged call: {per_call} bytes ({HELD} calls)");
    assert!(
        per_call <= PINNED_PER_CALL,
        "a held bridged call now keeps {per_call} bytes, more than the {PINNED_PER_CALL} pinned"
    );
}

/// What each held call keeps, by block size.
fn print_sizes(before: &[isize], calls: isize) {
    for (row, (now, was)) in SIZES.iter().zip(before).enumerate() {
        match (now.load(Relaxed) - was, row) {
            (0, _) => {}
            (bytes, 513) => println!("blocks over 4 KiB: {} bytes per call", bytes / calls),
            (blocks, _) => println!(
                "blocks of {}..={} bytes: {:.2} per call",
                row * 8 - 7,
                row * 8,
                blocks as f64 / calls as f64
            ),
        }
    }
}
