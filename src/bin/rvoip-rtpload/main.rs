//! `rvoip-rtpload`: sets up N relayed calls on an in-process media plane and
//! streams 50 packets/s of G.711 both ways per call, stamping the send time
//! in each payload; reports packets sent, received, lost, latency p50/p99/max
//! and the relay workers' CPU time. `--direct` sends endpoint to endpoint
//! without the relay, to measure the loopback baseline; `--rtpengine`
//! relays through a running rtpengine instead, set up over its ng protocol.

mod endpoints;
mod ng;
mod report;

use clap::Parser;
use rvoip::media::{LegConfig, MediaCommand, MediaConfig, MediaPlane, WorkerConfig};
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
    rtpengine: Option<std::net::SocketAddr>,
    /// Run the relay workers at this SCHED_FIFO priority (1-99; 0: normal
    /// scheduling; needs CAP_SYS_NICE).
    #[arg(long, default_value_t = 0)]
    realtime: u8,
    /// The relay's process id when it is rtpengine (for its CPU time).
    #[arg(long)]
    relay_pid: Option<u32>,
}

fn main() {
    let args = Args::parse();
    if args.calls == 0 || args.duration <= 0.0 || args.base_port % 2 == 1 {
        eprintln!("rvoip-rtpload: --calls and --duration must be positive, --base-port even");
        std::process::exit(2);
    }
    rvoip::limits::raise_fd_limit();
    let eps = endpoints::Endpoints::open(args.calls).unwrap_or_else(|e| fail(&format!("endpoint sockets: {e}")));
    let (tx, _events) = tokio::sync::mpsc::channel(65536);
    let worker = WorkerConfig {
        timeout: Duration::from_secs(3600),
        ..WorkerConfig::default()
    };
    let plane = MediaPlane::start(
        MediaConfig {
            workers: args.workers,
            pin: true,
            realtime: args.realtime,
            worker,
        },
        tx,
    )
    .unwrap_or_else(|e| fail(&format!("media plane: {e}")));
    let mut targets = Vec::with_capacity(args.calls);
    if let Some(server) = args.rtpengine {
        let mut ng = ng::Ng::new(server).unwrap_or_else(|e| fail(&format!("ng socket: {e}")));
        for i in 0..args.calls {
            targets.push(
                ng.relay(i, eps.addr(2 * i), eps.addr(2 * i + 1))
                    .unwrap_or_else(|e| fail(&e)),
            );
        }
    }
    for i in (0..args.calls).filter(|_| args.rtpengine.is_none()) {
        let (pa, pb) = (args.base_port + 4 * i as u16, args.base_port + 4 * i as u16 + 2);
        let (a, b) = (eps.addr(2 * i), eps.addr(2 * i + 1));
        let leg = LegConfig::pcmu;
        if !args.direct {
            let cmd = MediaCommand::AddCall {
                call: i as u64,
                a: leg(pa, a),
                b: Some(leg(pb, b)),
            };
            while plane.submit(cmd.clone()).is_err() {
                std::thread::sleep(Duration::from_millis(1));
            }
        }
        let relay = |p| std::net::SocketAddr::from(([127, 0, 0, 1], p));
        // A sends to its relay leg (or straight to B when direct), and B likewise.
        targets.push(if args.direct { (b, a) } else { (relay(pa), relay(pb)) });
    }
    std::thread::sleep(Duration::from_millis(300)); // workers bind their sockets
    let cpu0 = report::relay_cpu_seconds(args.relay_pid);
    let result = eps.run(&targets, Duration::from_secs_f64(args.duration), args.slots);
    let cpu = report::relay_cpu_seconds(args.relay_pid) - cpu0;
    std::thread::sleep(Duration::from_millis(300)); // workers publish latency every 250 ms
    report::print(&args, &result, cpu, &plane);
    drop(plane);
}

fn fail(msg: &str) -> ! {
    eprintln!("rvoip-rtpload: {msg}");
    std::process::exit(2)
}
