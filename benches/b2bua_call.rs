//! One bridged call through the sans-IO gateway (one `Endpoint`), as
//! perf/kamailio_compare.sh offers it: SIPp-style caller A -> gateway ->
//! SIPp-style callee B (answers at once), then A hangs up. Per iteration:
//! A's INVITE, B's 200, A's ACK, A's BYE, B's 200 to the BYE; every message the gateway
//! sends is taken (100 Trying, INVITE, ACK, 200, BYE, 200), timers run on
//! simulated time so transactions end. This is the signalling thread's CPU
//! per call without the sockets: the part of `DUT CPU µs/call` the gateway's
//! own code decides. The peers are hand-written text (a few µs of the
//! figure). `gateway/bridged_call_named_target` is the same call with the
//! route naming a host whose servers are cached (RFC 3263): the
//! difference is what a cached lookup adds per call; `cached_dns_lookup`
//! times the lookup alone (issue #18: under 5 µs).

use criterion::{Criterion, criterion_group, criterion_main};
use rvoip::media::{LegStats, MediaCommand, MediaEvent};
use rvoip::test_exports::auth::{Algorithm, AuthConfig, ClientCredentials, Credentials};
use rvoip::test_exports::endpoint::Endpoint;
use rvoip::test_exports::ids::{CallId, TransportKind};
use rvoip::test_exports::locate::{DnsConfig, Families, Locator, Query, Server, ServerSet, Waiter};
use rvoip::test_exports::session::UaConfig;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

#[path = "support/b2bua.rs"]
mod b2bua;
use b2bua::*;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Dut {
    ep: Endpoint,
    /// Time spent inside the gateway (its handlers and polls), not in
    /// the bench's peers.
    busy: Duration,
    /// The simulated time of the latest input.
    now: Instant,
}

impl Dut {
    fn new(shed_delay: Option<Duration>) -> Self {
        Self::with_auth(shed_delay, None)
    }

    /// A gateway whose callers must authenticate with `alg`.
    fn with_auth(shed_delay: Option<Duration>, alg: Option<Algorithm>) -> Self {
        Self::build(shed_delay, alg, format!("sip:{B}"))
    }

    /// A gateway whose route names `sip:trunk.bench`, its servers (B)
    /// looked up by a first call and cached for a day.
    fn named() -> Self {
        let mut dut = Self::build(None, None, "sip:trunk.bench".into());
        let now = Instant::now();
        let out = dut.feed(now, &invite(0), A);
        assert!(
            !out.iter().any(|(_, t)| t.starts_with("INVITE")),
            "sent before its target is located"
        );
        let r = dut.ep.poll_resolve().expect("a lookup");
        let server = Server {
            transport: TransportKind::Udp,
            priority: 0,
            weight: 0,
            addrs: vec![B.parse().unwrap()],
        };
        let set = ServerSet {
            groups: vec![vec![server]],
            valid_until: now + Duration::from_secs(86400),
        };
        dut.now = now;
        dut.ep.handle_resolved(now, r.id, Ok(set));
        let out = dut.outputs();
        rest_of_call(&mut dut, now, 0, out, 1);
        dut
    }

    fn build(shed_delay: Option<Duration>, alg: Option<Algorithm>, target: String) -> Self {
        let cfg = UaConfig {
            shed_delay,
            auth: alg.map(|alg| AuthConfig {
                realm: "rvoip".into(),
                proxy: false,
                nonce_lifetime: Duration::from_secs(300),
                algorithms: vec![alg],
                credentials: Arc::new(Credentials::default().with_password("sipp", "rvoip", "secret")),
                secret: [1; 32],
            }),
            ..ua_config()
        };
        Dut {
            ep: gateway(cfg, target),
            busy: Duration::ZERO,
            now: Instant::now(),
        }
    }

    /// Feeds one datagram and returns what the gateway sends (media
    /// commands taken, as the driver does).
    fn feed(&mut self, now: Instant, text: &str, from: &str) -> Vec<(SocketAddr, String)> {
        let start = Instant::now();
        self.now = now;
        self.ep.handle_datagram(now, udp(from), text.as_bytes());
        let out = self.outputs();
        self.busy += start.elapsed();
        out
    }

    fn outputs(&mut self) -> Vec<(SocketAddr, String)> {
        self.media();
        let mut out = Vec::new();
        while let Some(t) = self.ep.poll_transmit() {
            out.push((t.peer.addr, String::from_utf8(t.bytes.to_vec()).unwrap()));
        }
        while self.ep.poll_event().is_some() {}
        out
    }

    /// Takes the media commands as a worker would: a removed call's
    /// final statistics are reported back (the call's record completes
    /// and leaves, as in the driver; without this the bench's gateway
    /// kept every call's record and grew without bound).
    fn media(&mut self) {
        let mut removed = Vec::new();
        while let Some(cmd) = self.ep.poll_media_command() {
            if let MediaCommand::RemoveCall { call } = cmd {
                removed.push(call);
            }
        }
        for call in removed {
            let stats = [Some(LegStats::default()), Some(LegStats::default())];
            self.ep
                .handle_media_event(self.now, MediaEvent::Removed { call, stats });
        }
    }

    fn timers(&mut self, now: Instant) {
        let start = Instant::now();
        self.now = now;
        self.ep.handle_timeout(now);
        self.outputs();
        self.busy += start.elapsed();
    }
}

/// The message sent to `to` whose first line starts with `start`.
fn sent<'a>(out: &'a [(SocketAddr, String)], to: &str, start: &str) -> &'a str {
    let to: SocketAddr = to.parse().unwrap();
    out.iter()
        .find(|(a, t)| *a == to && t.starts_with(start))
        .map(|(_, t)| t.as_str())
        .unwrap_or_else(|| panic!("no {start} to {to} in {out:#?}"))
}

/// One whole call; checks each step happened.
fn call(dut: &mut Dut, now: Instant, n: u64) {
    let out = dut.feed(now, &invite(n), A);
    rest_of_call(dut, now, n, out, 1);
}

/// A call whose INVITE is challenged: the 401, its ACK, the INVITE again
/// with the answer (the client's HA1 known: two hashes on its side, as
/// the gateway does two), then the call.
fn challenged_call(dut: &mut Dut, now: Instant, n: u64, creds: &ClientCredentials) {
    let out = dut.feed(now, &invite(n), A);
    let challenge = sent(&out, A, "SIP/2.0 401").to_owned();
    let ack = in_dialog(n, "ACK", 1, &challenge).replace("-1-ACK", "-1-0");
    assert!(dut.feed(now, &ack, A).is_empty());
    let h = rvoip::test_exports::sip::receive(challenge.as_bytes()).expect("the 401 parses");
    let mut answered = creds.answer(false, &h).expect("a challenge we can answer");
    let auth = answered.authorize(creds, "INVITE", &format!("sip:service@{GW}"), "c0ffee");
    let out = dut.feed(now, &invite_with(n, 2, &format!("Authorization: {auth}\r\n")), A);
    rest_of_call(dut, now, n, out, 2);
}

/// From the INVITE the gateway took (`out`: what it sent), with CSeq
/// `cseq`, to the end of the call.
fn rest_of_call(dut: &mut Dut, now: Instant, n: u64, out: Vec<(SocketAddr, String)>, cseq: u32) {
    let inv_b = sent(&out, B, "INVITE").to_owned();
    let out = dut.feed(now, &ok(&inv_b, n, true), B);
    let ok_a = sent(&out, A, "SIP/2.0 200").to_owned();
    let mut acked = out.iter().any(|(_, t)| t.starts_with("ACK"));
    let out = dut.feed(now, &in_dialog(n, "ACK", cseq, &ok_a), A);
    acked |= out.iter().any(|(_, t)| t.starts_with("ACK"));
    let out = dut.feed(now, &in_dialog(n, "BYE", cseq + 1, &ok_a), A);
    acked |= out.iter().any(|(_, t)| t.starts_with("ACK"));
    assert!(acked, "B's 200 was never acknowledged");
    let bye_b = sent(&out, B, "BYE").to_owned();
    let mut all = out;
    all.extend(dut.feed(now, &ok(&bye_b, n, false), B));
    // A's BYE is answered whether or not B has answered its own.
    sent(&all, A, "SIP/2.0 200");
}

fn bench(c: &mut Criterion) {
    let mut dut = Dut::new(None);
    let mut now = Instant::now();
    let mut n = 0u64;
    c.bench_function("b2bua_call/bridged_call", |b| {
        b.iter(|| {
            n += 1;
            call(&mut dut, now, n);
            // 5,000 calls/s of simulated time: transactions wait out their
            // timers and leave, as on the wire.
            now += Duration::from_micros(200);
            if n.is_multiple_of(64) {
                dut.timers(now);
            }
        })
    });
    dut.timers(now + Duration::from_secs(64));
    assert_eq!(dut.ep.stats().2, 0, "transactions left behind");
}

/// What a call refused while shedding costs: A's INVITE answered with a
/// stateless 503, and A's ACK for it (§17.1.1.3), which finds nothing.
fn bench_shed(c: &mut Criterion) {
    let limit = Duration::from_millis(100);
    let mut dut = Dut::new(Some(limit));
    let now = Instant::now();
    dut.ep.handle_queue_delay(now, 2 * limit);
    dut.ep.handle_queue_delay(now + limit, 2 * limit);
    assert!(dut.ep.is_shedding());
    let mut n = 0u64;
    c.bench_function("b2bua_call/shed_invite", |b| {
        b.iter(|| {
            n += 1;
            let out = dut.feed(now, &invite(n), A);
            let refusal = sent(&out, A, "SIP/2.0 503");
            let ack = in_dialog(n, "ACK", 1, refusal).replace("-1-ACK", "-1-0");
            assert!(dut.feed(now, &ack, A).is_empty());
        })
    });
    assert_eq!(dut.ep.stats().2, 0, "shedding keeps no transaction");
}

/// What authentication costs a call: the same bridged call, its INVITE
/// challenged and sent again with credentials, with SHA-256 and with MD5
/// (issue #15: at most 1.3x an unauthenticated call in the same run). Two
/// measures: `authenticated_call_*` times the whole iteration, the peers'
/// work included (formatting, the client's own two hashes), against
/// `bridged_call`; `gateway/*` times only the gateway's handlers and polls,
/// the CPU a carrier pays, for an unauthenticated and both authenticated
/// calls side by side.
fn bench_auth(c: &mut Criterion) {
    let client = |alg: Algorithm| {
        let ha1 = alg.ha1("sipp", "rvoip", "secret");
        match alg {
            Algorithm::Md5 => ClientCredentials::ha1("sipp", "rvoip", Some(ha1), None),
            Algorithm::Sha256 => ClientCredentials::ha1("sipp", "rvoip", None, Some(ha1)),
        }
    };
    for (name, alg) in [("sha256", Algorithm::Sha256), ("md5", Algorithm::Md5)] {
        let mut dut = Dut::with_auth(None, Some(alg));
        let creds = client(alg);
        let mut now = Instant::now();
        let mut n = 0u64;
        c.bench_function(&format!("b2bua_call/authenticated_call_{name}"), |b| {
            b.iter(|| {
                n += 1;
                challenged_call(&mut dut, now, n, &creds);
                now += Duration::from_micros(200);
                if n.is_multiple_of(64) {
                    dut.timers(now);
                }
            })
        });
    }
    let mut group = c.benchmark_group("b2bua_call/gateway");
    for (name, alg) in [
        ("bridged_call", None),
        ("bridged_call_named_target", None),
        ("authenticated_sha256", Some(Algorithm::Sha256)),
        ("authenticated_md5", Some(Algorithm::Md5)),
    ] {
        let mut dut = match name {
            "bridged_call_named_target" => Dut::named(),
            _ => Dut::with_auth(None, alg),
        };
        let creds = alg.map(client);
        let mut now = Instant::now();
        let mut n = 0u64;
        group.bench_function(name, |b| {
            b.iter_custom(|iters| {
                dut.busy = Duration::ZERO;
                for _ in 0..iters {
                    n += 1;
                    match &creds {
                        Some(creds) => challenged_call(&mut dut, now, n, creds),
                        None => call(&mut dut, now, n),
                    }
                    now += Duration::from_micros(200);
                    if n.is_multiple_of(64) {
                        dut.timers(now);
                    }
                }
                dut.busy
            })
        });
    }
    group.finish();
}

/// A cached lookup alone: the servers of a name (two SRV priorities, two
/// weighted servers in the first) ordered afresh for one call.
fn bench_dns(c: &mut Criterion) {
    let local: SocketAddr = GW.parse().unwrap();
    let mut locator = Locator::new(DnsConfig::default(), false, Families::of(local), 1);
    let now = Instant::now();
    let q = Query {
        host: "trunk.bench".into(),
        port: None,
        transport: None,
        sips: false,
    };
    assert_eq!(locator.lookup(now, &q, Waiter::Place(CallId(1))), Ok(None));
    let r = locator.poll_resolve().expect("a lookup");
    let server = |priority, weight, port| Server {
        transport: TransportKind::Udp,
        priority,
        weight,
        addrs: vec![SocketAddr::from(([127, 0, 0, 1], port))],
    };
    let set = ServerSet {
        groups: vec![vec![server(10, 60, 5070), server(10, 40, 5071), server(20, 0, 5072)]],
        valid_until: now + Duration::from_secs(86400),
    };
    locator.handle_resolved(now, r.id, Ok(set));
    let mut n = 1;
    c.bench_function("b2bua_call/cached_dns_lookup", |b| {
        b.iter(|| {
            n += 1;
            let found = locator.lookup(now, &q, Waiter::Place(CallId(n)));
            assert_eq!(found.map(|p| p.map(|p| p.len())), Ok(Some(3)));
        })
    });
}

criterion_group!(benches, bench, bench_shed, bench_auth, bench_dns);
criterion_main!(benches);
