//! `rvoip-rtpload`: sets up N relayed calls on an in-process media plane and
//! streams 50 packets/s of G.711 both ways per call, stamping the send time
//! in each payload; reports packets sent, received, lost, latency p50/p99/max
//! and the relay workers' CPU time. `--direct` sends endpoint to endpoint
//! without the relay, to measure the loopback baseline; `--rtpengine`
//! relays through a running rtpengine instead, set up over its ng protocol;
//! `--sip` places the calls over SIP on a running rvoip-gw whose far end
//! echoes (one endpoint per call, which hears its own packets back).

mod endpoints;
mod local;
mod ng;
mod receive;
mod report;
mod send;
mod sip;
mod voice;

use clap::Parser;
use rvoip::media::{MediaIo, OpusSettings};
use std::net::SocketAddr;
use std::time::Duration;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser, Debug)]
#[command(version, about)]
pub struct Args {
    /// Relayed calls (each: two endpoints, two relay legs).
    #[arg(long, default_value_t = 100)]
    calls: usize,
    /// Seconds of streaming.
    #[arg(long, default_value_t = 10.0)]
    duration: f64,
    /// Media worker threads (0: one per core).
    #[arg(long, default_value_t = 0)]
    workers: usize,
    /// First relay port (even; each call takes 4 ports). Keep the ports
    /// below the kernel's ephemeral range.
    #[arg(long, default_value_t = 12000)]
    base_port: u16,
    /// Spread each 20 ms tick's packets over this many slots (1: a burst).
    #[arg(long, default_value_t = 1)]
    slots: usize,
    /// Send endpoint to endpoint, bypassing the relay (loopback baseline).
    #[arg(long)]
    direct: bool,
    /// Relay through rtpengine, whose ng control port is here (e.g.
    /// 127.0.0.1:2223), instead of an in-process media plane.
    #[arg(long)]
    rtpengine: Option<SocketAddr>,
    /// Run the relay workers at this SCHED_FIFO priority (1-99; 0: normal
    /// scheduling; needs CAP_SYS_NICE).
    #[arg(long, default_value_t = 0)]
    realtime: u8,
    /// The relay's process id when it is rtpengine or rvoip-gw (for its
    /// CPU time).
    #[arg(long)]
    relay_pid: Option<u32>,
    /// Place the calls over SIP (UDP) on the server here, e.g. a running
    /// `rvoip-gw` at 127.0.0.1:5060, instead of an in-process media plane.
    #[arg(long)]
    sip: Option<SocketAddr>,
    /// Request-URI of the calls with --sip (default: sip:rtpload@SERVER,
    /// which the gateway's default route answers with its echo service).
    #[arg(long)]
    uri: Option<String>,
    /// New calls per second with --sip.
    #[arg(long, default_value_t = 200)]
    cps: u32,
    /// SRTP (AES_CM_128_HMAC_SHA1_80) on each relayed call's A leg: the A
    /// endpoint protects what it sends and checks what it receives; the
    /// relay unprotects A->B and protects B->A (in-process relay only).
    #[arg(long)]
    srtp: bool,
    /// The in-process relay drops RTP older than this (ms since the
    /// kernel received it) instead of relaying it late; 0: never.
    #[arg(long, default_value_t = 40)]
    max_delay_ms: u64,
    /// The in-process relay's workers poll this long (µs) for packets
    /// without sleeping before they sleep; 0: never.
    #[arg(long, default_value_t = 0)]
    busy_poll_us: u64,
    /// Transcoded calls besides the relayed ones (in-process relay): A
    /// speaks PCMU, B Opus; their packets are counted, not timed (the
    /// stamp does not survive re-coding).
    #[arg(long, default_value_t = 0)]
    transcoded: usize,
    /// The in-process relay's transcoder threads (0: its workers
    /// transcode inline).
    #[arg(long, default_value_t = 0)]
    transcoders: usize,
    /// The in-process relay's Opus encoder complexity (0-10), as
    /// `media.opus_complexity`.
    #[arg(long, default_value_t = OpusSettings::default().complexity, value_parser = clap::value_parser!(u8).range(0..=10))]
    opus_complexity: u8,
    /// The in-process relay's Opus bitrate (bit/s; 0: libopus's choice),
    /// as `media.opus_bitrate`.
    #[arg(long, default_value_t = OpusSettings::default().bitrate)]
    opus_bitrate: u32,
    /// The in-process relay's socket I/O: uring or epoll.
    #[arg(long, default_value_t = MediaIo::default())]
    io: MediaIo,
    /// Pin the load (the sender and receiver threads) to this core once
    /// the in-process relay's workers have taken theirs (worker i on core
    /// i). `taskset` on the whole process would confine the workers to the
    /// load's core as well.
    #[arg(long)]
    load_core: Option<usize>,
    /// Every endpoint on one socket (in-process relay, plain calls): each
    /// slot's packets go out in `sendmmsg` batches and the relay's come
    /// back in `recvmmsg` batches, so the load tool's core can keep up with
    /// a relay core at thousands of calls (and holds 1 descriptor, not 2 a
    /// call). The relay's side is unchanged: its sockets, a pair a call.
    #[arg(long)]
    shared_socket: bool,
    /// The in-process relay's address (a 127.0.0.0/8 address of its own
    /// keeps its ports apart from other gateways' on a shared machine).
    #[arg(long, default_value = "127.0.0.1")]
    relay_ip: std::net::IpAddr,
}

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
    if args.shared_socket && (args.sip.is_some() || args.rtpengine.is_some() || args.direct || args.transcoded > 0) {
        fail(
            "--shared-socket is for the in-process relay's plain calls (not with --sip, --rtpengine, --direct or --transcoded)",
        );
    }
    let n = per_call * (args.calls + args.transcoded);
    let eps = match args.shared_socket {
        true => endpoints::Endpoints::open_shared(n, args.base_port),
        false => endpoints::Endpoints::open(n),
    };
    let mut eps = eps.unwrap_or_else(|e| fail(&format!("endpoint sockets: {e}")));
    let addrs: Vec<SocketAddr> = (0..n).map(|i| eps.addr(i)).collect();
    let mut plane = None;
    let mut calls = None;
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
    report::print(&args, &result, cpu, plane.as_ref().map(|(p, _)| p), calls.as_ref());
    if calls.is_some_and(|c| c.answered().1 > 0) {
        std::process::exit(1); // failed calls fail the run, as in SIPp
    }
}

fn fail(msg: &str) -> ! {
    eprintln!("rvoip-rtpload: {msg}");
    std::process::exit(2)
}
