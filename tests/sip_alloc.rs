//! What a bridged call's SIP messages cost in heap allocations: a counting
//! global allocator watches the gateway (one sans-IO `Endpoint`, as
//! benches/b2bua_call.rs drives it, no sockets, simulated time) handle
//! one call from a SIPp-style caller A to a callee B: A's INVITE (the
//! gateway sends 100 and INVITE to B), B's 180 (180 to A), B's 200 (200 to
//! A, ACK to B), A's ACK, A's BYE (BYE to B, 200 to A), B's 200 to the BYE.
//! Allocations are counted on this thread only, inside the gateway's
//! handlers and polls (the peers' own text is made outside the count),
//! averaged over many calls after a warm-up, and printed per step; the
//! total per call is pinned so it can only go down.
//!
//! `SIP_ALLOC_SITES=1 cargo test --test sip_alloc -- --nocapture` also
//! prints where they come from: a backtrace taken at every allocation of
//! one call, grouped by the innermost frames of this crate.

use rvoip::media::{LegStats, MediaCommand, MediaEvent};
use rvoip::test_exports::endpoint::Endpoint;
use std::alloc::{GlobalAlloc, Layout, System};
use std::backtrace::Backtrace;
use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

struct Counting;
thread_local! {
    static MINE: Cell<u64> = const { Cell::new(0) };
    /// Backtraces are being taken (one call, SIP_ALLOC_SITES set).
    static TRACING: Cell<bool> = const { Cell::new(false) };
    /// Inside the allocator's own bookkeeping: not counted, not traced.
    static IN_HOOK: Cell<bool> = const { Cell::new(false) };
    static SITES: RefCell<Vec<(&'static str, Backtrace)>> = const { RefCell::new(Vec::new()) };
    static STEP: Cell<&'static str> = const { Cell::new("") };
    /// Inside `counted`: the gateway's own work.
    static COUNTING: Cell<bool> = const { Cell::new(false) };
}

fn count() {
    if IN_HOOK.with(|h| h.get()) {
        return;
    }
    MINE.with(|m| m.set(m.get() + 1));
    if TRACING.with(|t| t.get()) && COUNTING.with(|c| c.get()) {
        IN_HOOK.with(|h| h.set(true));
        let bt = Backtrace::force_capture();
        SITES.with(|s| s.borrow_mut().push((STEP.with(|s| s.get()), bt)));
        IN_HOOK.with(|h| h.set(false));
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[path = "../benches/support/b2bua.rs"]
mod b2bua;
use b2bua::*;

/// Allocations per call (all steps), plus a small margin: it may only go
/// down. 368 when first measured; 286 since the parser's borrowed view,
/// the one-buffer `Core`, borrowed dialog lookups and the replies written
/// straight into their buffer; 189 since transactions are matched with
/// borrowed keys, a dialog's strings share one buffer and its 18x, 200,
/// ACK and BYE are written straight into their buffers; 171 with more
/// of the same; 121 since a received message is a `Message` (its text,
/// its header index and its body: three allocations, not one per header
/// as rsip's); 113 once its header index is inline and a UTF-8 body is
/// kept in its text; 110 with an INVITE's Content-Type checked and its
/// session-timer headers made without copies; 105 with the INVITE we send
/// written straight as a `Message`; 99 with a message's core (Call-ID,
/// branch, sent-by, tags) kept inline; 78 with an incoming call's four
/// strings one, a record's peer an address, the INVITE we send written
/// from borrowed parts with its extension headers lent from the stack,
/// the route's user read in place and SDP's address written where it goes;
/// 74 with the Via of a request written at once on the stack and an
/// ACK's bytes sized exactly; 70 with SDP's parsed parts on the stack;
/// 69 with an answered INVITE's Call-ID read from its dialog, not copied;
/// 66 with the dialog index keyed by a fingerprint, not a copy of the
/// Call-ID and tag; 62 with transactions keyed the same way, not by a
/// shared copy of branch and sent-by (perf/README.md, issue #20).
const PINNED_PER_CALL: u64 = 64;

/// The steps of a call, in order: what comes in, and what the gateway
/// sends for it.
const STEPS: [&str; 6] = [
    "INVITE from A -> 100 to A, INVITE to B",
    "180 from B -> 180 to A",
    "200 from B -> 200 to A, ACK to B",
    "ACK from A",
    "BYE from A -> BYE to B, 200 to A",
    "200 (BYE) from B",
];

/// Messages per call: 6 in, 7 out.
const MESSAGES: u64 = 13;

/// The gateway and the allocations it made, per step, on this thread.
struct Dut {
    ep: Endpoint,
    allocs: [u64; STEPS.len()],
    /// Per step: the allocations of the handler alone (parsing, the
    /// state machines, building), the rest are the polls.
    handler: [u64; STEPS.len()],
}

fn counted<T>(f: impl FnOnce() -> T) -> (T, u64) {
    let before = MINE.with(|m| m.get());
    COUNTING.with(|c| c.set(true));
    let out = f();
    COUNTING.with(|c| c.set(false));
    (out, MINE.with(|m| m.get()) - before)
}

impl Dut {
    /// Feeds `text` from `from` as step `step`; returns what was sent
    /// (its text made outside the count).
    fn feed(&mut self, now: Instant, step: usize, text: &str, from: &str) -> Vec<(SocketAddr, String)> {
        STEP.with(|s| s.set(STEPS[step]));
        let ep = &mut self.ep;
        let ((), n) = counted(|| ep.handle_datagram(now, udp(from), text.as_bytes()));
        self.handler[step] += n;
        self.allocs[step] += n;
        let mut out = Vec::with_capacity(8);
        loop {
            let ep = &mut self.ep;
            let (t, n) = counted(|| {
                // As a worker would: a removed call's statistics come back
                // (its record completes and leaves).
                while let Some(cmd) = ep.poll_media_command() {
                    if let MediaCommand::RemoveCall { call } = cmd {
                        let stats = [Some(LegStats::default()), Some(LegStats::default())];
                        ep.handle_media_event(now, MediaEvent::Removed { call, stats });
                    }
                }
                ep.poll_transmit()
            });
            self.allocs[step] += n;
            let Some(t) = t else { break };
            out.push((t.peer.addr, String::from_utf8(t.bytes.to_vec()).unwrap()));
        }
        let ep = &mut self.ep;
        let ((), n) = counted(|| while ep.poll_event().is_some() {});
        self.allocs[step] += n;
        STEP.with(|s| s.set(""));
        out
    }
}

/// One whole call, each step checked.
fn call(dut: &mut Dut, now: Instant, n: u64) {
    let out = dut.feed(now, 0, &invite(n), A);
    sent(&out, A, "SIP/2.0 100");
    let inv_b = sent(&out, B, "INVITE");
    let out = dut.feed(now, 1, &reply(&inv_b, n, "180 Ringing", false), B);
    sent(&out, A, "SIP/2.0 180");
    let out = dut.feed(now, 2, &reply(&inv_b, n, "200 OK", true), B);
    let ok_a = sent(&out, A, "SIP/2.0 200");
    sent(&out, B, "ACK");
    assert!(dut.feed(now, 3, &in_dialog(n, "ACK", 1, &ok_a), A).is_empty());
    let out = dut.feed(now, 4, &in_dialog(n, "BYE", 2, &ok_a), A);
    let bye_b = sent(&out, B, "BYE");
    let mut all = out;
    all.extend(dut.feed(now, 5, &reply(&bye_b, n, "200 OK", false), B));
    sent(&all, A, "SIP/2.0 200");
}

#[test]
fn a_bridged_calls_messages_allocate_no_more_than_pinned() {
    let mut dut = Dut {
        ep: gateway(ua_config(), format!("sip:{B}")),
        allocs: [0; STEPS.len()],
        handler: [0; STEPS.len()],
    };
    let mut now = Instant::now();
    // Warm-up: maps and pools grown, first-use work done.
    const WARM: u64 = 200;
    // More calls for a steadier CPU measurement (perf/sip_alloc.sh).
    let calls = std::env::var("SIP_ALLOC_CALLS").ok().and_then(|n| n.parse().ok());
    let calls: u64 = calls.unwrap_or(200);
    let mut timers = 0;
    for n in 1..=WARM + calls {
        if n == WARM + 1 {
            dut.allocs = [0; STEPS.len()];
            dut.handler = [0; STEPS.len()];
        }
        let trace = n == WARM + calls && std::env::var_os("SIP_ALLOC_SITES").is_some();
        TRACING.with(|t| t.set(trace));
        call(&mut dut, now, n);
        TRACING.with(|t| t.set(false));
        // 5,000 calls/s: transactions wait out their timers and leave.
        now += Duration::from_micros(200);
        if n % 64 == 0 {
            let ep = &mut dut.ep;
            let ((), a) = counted(|| {
                ep.handle_timeout(now);
                while ep.poll_transmit().is_some() {}
            });
            if n > WARM {
                timers += a;
            }
        }
    }
    let per_call: u64 = dut.allocs.iter().sum::<u64>() / calls;
    println!("allocations per bridged call, averaged over {calls} calls:");
    for (i, step) in STEPS.iter().enumerate() {
        println!(
            "  {:6.1}  (handler {:6.1})  {step}",
            dut.allocs[i] as f64 / calls as f64,
            dut.handler[i] as f64 / calls as f64
        );
    }
    println!(
        "  {per_call:6}  per call, {:.1} per message ({MESSAGES} messages)",
        per_call as f64 / MESSAGES as f64
    );
    println!("  {:6.1}  timers per call", timers as f64 / calls as f64);
    if std::env::var_os("SIP_ALLOC_SITES").is_some() {
        print_sites();
    }
    dut.ep.handle_timeout(now + Duration::from_secs(64));
    assert_eq!(dut.ep.stats().2, 0, "transactions left behind");
    assert_eq!(dut.ep.stats().1, 0, "calls left behind");
    assert!(
        per_call <= PINNED_PER_CALL,
        "a bridged call now allocates {per_call} times, more than the {PINNED_PER_CALL} pinned"
    );
}

/// The traced call's allocations grouped by step and by the innermost
/// two frames of this crate (function and line).
fn print_sites() {
    let sites = SITES.with(|s| std::mem::take(&mut *s.borrow_mut()));
    // SIP_ALLOC_DEPTH: how many frames of this crate name a site (2).
    let depth = std::env::var("SIP_ALLOC_DEPTH")
        .ok()
        .and_then(|d| d.parse().ok())
        .unwrap_or(2);
    let mut by: BTreeMap<(&str, String), u64> = BTreeMap::new();
    let mut by_fn: BTreeMap<String, u64> = BTreeMap::new();
    for (step, bt) in &sites {
        let text = bt.to_string();
        let lines: Vec<&str> = text.lines().map(str::trim).collect();
        let mut frames = Vec::new();
        for (i, l) in lines.iter().enumerate() {
            let Some((_, sym)) = l.split_once(": ") else { continue };
            // Ours: a frame in this crate's src/, inlined ones included
            // (a release build names those without their path).
            let Some(path) = lines.get(i + 1).and_then(|n| n.strip_prefix("at ")) else {
                continue;
            };
            let Some((root, at)) = path.rsplit_once("/src/") else {
                continue;
            };
            if root.contains("/.cargo/") || root.contains("/rustc/") || path.contains("/tests/") {
                continue;
            }
            let sym = sym.rsplit_once("::h").map_or(sym, |(s, _)| s);
            frames.push(format!("{sym} ({at})"));
            if frames.len() == depth {
                break;
            }
        }
        let inner = frames
            .first()
            .map_or("(outside rvoip)", |f| f.split(" (").next().unwrap_or(f));
        *by_fn.entry(inner.to_owned()).or_default() += 1;
        *by.entry((step, frames.join(" <- "))).or_default() += 1;
    }
    println!(
        "\none call's {} allocations by the innermost function of rvoip:",
        sites.len()
    );
    let mut fns: Vec<_> = by_fn.into_iter().collect();
    fns.sort_by_key(|f| std::cmp::Reverse(f.1));
    for (f, n) in fns {
        println!("  {n:4}  {f}");
    }
    println!("\nwhere one call's allocations come from (step, innermost frames of rvoip):");
    let mut rows: Vec<_> = by.into_iter().collect();
    rows.sort_by(|a, b| a.0.0.cmp(b.0.0).then(b.1.cmp(&a.1)));
    for ((step, frames), n) in rows {
        println!("  {n:4}  [{}] {frames}", step.split(" ->").next().unwrap_or(step));
    }
}
