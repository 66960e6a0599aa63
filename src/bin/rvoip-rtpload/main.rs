//! `rvoip-rtpload`: sets up N relayed calls on an in-process media plane and
//! streams 50 packets/s of G.711 both ways per call, stamping the send time
//! in each payload; reports packets sent, received, lost, latency p50/p99/max
//! and the relay workers' CPU time. `--direct` sends endpoint to endpoint
//! without the relay, to measure the loopback baseline; `--rtpengine`
//! relays through a running rtpengine instead, set up over its ng protocol;
//! `--sip` places the calls over SIP on a running rvoip-gw whose far end
//! echoes (one endpoint per call, which hears its own packets back).

mod args;
mod bare;
mod endpoints;
mod local;
mod ng;
mod receive;
mod report;
mod send;
mod sip;
mod voice;

pub use args::Args;
use clap::Parser;
use std::net::SocketAddr;
use std::time::Duration;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args = Args::parse();
    if args.calls == 0 || args.duration <= 0.0 || args.base_port % 2 == 1 {
        eprintln!("rvoip-rtpload: --calls and --duration must be positive, --base-port even");
        std::process::exit(2);
    }
    rvoip::api::raise_fd_limit();
    let per_call = if args.sip.is_some() { 1 } else { 2 };
    if args.srtp && (args.sip.is_some() || args.rtpengine.is_some() || args.direct) {
        fail("--srtp is for the in-process relay (not with --sip, --rtpengine or --direct)");
    }
    if args.transcoded > 0 && (args.sip.is_some() || args.rtpengine.is_some() || args.direct) {
        fail("--transcoded is for the in-process relay (not with --sip, --rtpengine or --direct)");
    }
    if args.bare && (args.sip.is_some() || args.rtpengine.is_some() || args.direct || args.srtp || args.transcoded > 0)
    {
        fail(
            "--bare relays plain calls in place of the media plane (not with --sip, --rtpengine, --direct, --srtp or --transcoded)",
        );
    }
    if args.shared_socket && (args.sip.is_some() || args.rtpengine.is_some() || args.direct || args.transcoded > 0) {
        fail(
            "--shared-socket is for the in-process relay's plain calls (not with --sip, --rtpengine, --direct or --transcoded)",
        );
    }
    let n = per_call * (args.calls + args.transcoded);
    if args.sip.is_none() && args.rtpengine.is_none() && !args.direct && usize::from(args.base_port) + 2 * n > 1 << 16 {
        fail("--base-port: the relay's ports (4 a call) run past 65535");
    }
    let eps = match args.shared_socket {
        true => endpoints::Endpoints::open_shared(n, args.base_port),
        false => endpoints::Endpoints::open(n),
    };
    let mut eps = eps.unwrap_or_else(|e| fail(&format!("endpoint sockets: {e}")));
    let addrs: Vec<SocketAddr> = (0..n).map(|i| eps.addr(i)).collect();
    let mut plane = None;
    let mut calls = None;
    let mut bare = None;
    let targets = if let Some(server) = args.sip {
        let uri = args.uri.clone().unwrap_or_else(|| format!("sip:rtpload@{server}"));
        let mut c = sip::SipCalls::new(server, uri, addrs).unwrap_or_else(|e| fail(&format!("SIP socket: {e}")));
        c.place(args.cps);
        let t = (0..args.calls).map(|i| c.media(i)).collect();
        calls = Some(c);
        t
    } else if let Some(server) = args.rtpengine {
        let mut ng = ng::Ng::new(server).unwrap_or_else(|e| fail(&format!("ng socket: {e}")));
        let mut t = Vec::with_capacity(2 * args.calls);
        for i in 0..args.calls {
            let (ta, tb) = ng.relay(i, addrs[2 * i], addrs[2 * i + 1]).unwrap_or_else(|e| fail(&e));
            t.extend([Some(ta), Some(tb)]);
        }
        t
    } else if args.bare {
        let (b, t) = bare::Bare::start(args.relay_ip, args.base_port, &addrs)
            .unwrap_or_else(|e| fail(&format!("bare relay: {e}")));
        bare = Some(b);
        t
    } else {
        let p = (!args.direct).then(|| local::start_plane(&args));
        let t = local::local_targets(&args, &addrs, p.as_ref().map(|(p, _)| p), &mut eps);
        plane = p;
        t
    };
    std::thread::sleep(Duration::from_millis(300)); // workers bind their sockets
    if let Some(id) = args.load_core {
        let core = core_affinity::CoreId { id };
        let ours = core_affinity::get_core_ids().unwrap_or_default();
        if !ours.contains(&core) || !core_affinity::set_for_current(core) {
            fail(&format!(
                "--load-core {id}: not a core this process may run on ({ours:?})"
            ));
        }
    }
    let cpu0 = report::relay_cpu_seconds(args.relay_pid);
    let result = eps.run(&targets, Duration::from_secs_f64(args.duration), args.slots);
    let cpu = report::relay_cpu_seconds(args.relay_pid) - cpu0;
    if let Some(c) = calls.as_mut() {
        c.hang_up();
    }
    std::thread::sleep(Duration::from_millis(300)); // workers publish latency every 250 ms
    drop(bare);
    report::print(&args, &result, cpu, plane.as_ref().map(|(p, _)| p), calls.as_ref());
    if calls.is_some_and(|c| c.answered().1 > 0) {
        std::process::exit(1); // failed calls fail the run, as in SIPp
    }
}

fn fail(msg: &str) -> ! {
    eprintln!("rvoip-rtpload: {msg}");
    std::process::exit(2)
}
