//! Load for the kernel fast path (perf/kernel_fastpath.sh runs it): one
//! role per process, each run by the script inside its network namespace
//! (peer A — gateway — peer B, as tests/netns builds them).
//!
//!     kernel_fwd_load gw   --calls N --secs S          # load, attach a1/b1, install N calls A→B, report the kernel's counts
//!     kernel_fwd_load recv --secs S                    # B: count what arrives
//!     kernel_fwd_load send --calls N --secs S --pps P  # A: 172-byte RTP to the N calls' ports, P packets/s (0: flat out)
//!     kernel_fwd_load send ... --raw-to MAC            # the same as whole frames through AF_PACKET (raw.rs) to a1's MAC
//!
//! Needs the `kernel-fastpath` feature and root.

use clap::Parser;
use rvoip::media::kernel::{ForwardEntry, KernelPath, RtpRewrite};
use rvoip::test_exports::udp_batch::{RecvBatch, SendBatch};
use std::net::{SocketAddr, SocketAddrV4, UdpSocket};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

#[derive(Parser)]
struct Args {
    /// gw, recv or send.
    role: String,
    #[arg(long, default_value_t = 10000)]
    calls: u16,
    #[arg(long, default_value_t = 5)]
    secs: u64,
    #[arg(long, default_value_t = 0)]
    pps: u64,
    /// Send whole frames to this MAC (a1's) through AF_PACKET.
    #[arg(long)]
    raw_to: Option<String>,
}

mod raw;

const A: [u8; 4] = [10, 201, 1, 1];
const GW_A: [u8; 4] = [10, 201, 1, 2];
const GW_B: [u8; 4] = [10, 201, 2, 2];
const B: [u8; 4] = [10, 201, 2, 1];
const PEER_PORT: u16 = 40000;
const FIRST_PORT: u16 = 10000;

fn port(call: u16) -> u16 {
    FIRST_PORT + 2 * call
}

fn main() {
    let args = Args::parse();
    match args.role.as_str() {
        "gw" => gateway(&args),
        "recv" => receive(&args),
        "send" => send(&args),
        other => panic!("role {other:?}: gw, recv or send"),
    }
}

fn gateway(args: &Args) {
    let mut k = KernelPath::load().expect("the kernel loads bpf/rtp_fwd.o");
    k.attach("a1").expect("attach a1");
    k.attach("b1").expect("attach b1");
    let peer = SocketAddrV4::new(A.into(), PEER_PORT);
    for c in 0..args.calls {
        let rewrite = RtpRewrite {
            in_ssrc: u32::from(c),
            out_ssrc: 0xabcd_0000 | u32::from(c),
            seq_delta: 1000,
            ts_delta: 160_000,
            pts: [Some((0, 0)), None],
        };
        let (local, from) = (
            SocketAddrV4::new(GW_A.into(), port(c)),
            SocketAddrV4::new(GW_B.into(), port(c)),
        );
        let entry = ForwardEntry::new(from, SocketAddrV4::new(B.into(), PEER_PORT), Some(rewrite));
        k.forward().install(local, peer, entry).expect("install");
    }
    println!("installed {}", args.calls);
    std::thread::sleep(Duration::from_secs(args.secs + 3));
    let n = k.counts().read().expect("counts");
    println!(
        "forwarded {} not_ours {} stranger {} not_rtp {} other_ssrc {} ip_unusual {} no_route {}",
        n.forwarded, n.not_ours, n.stranger, n.not_rtp, n.other_ssrc, n.ip_unusual, n.no_route
    );
}

fn receive(args: &Args) {
    let s = UdpSocket::bind(SocketAddrV4::new(B.into(), PEER_PORT)).expect("bind B");
    socket2::SockRef::from(&s).set_recv_buffer_size(8 << 20).unwrap();
    let (mut batch, fd, mut n) = (RecvBatch::new(), s.as_raw_fd(), 0u64);
    // Counts from the first packet until the send has surely ended.
    let mut end = Instant::now() + Duration::from_secs(args.secs + 4);
    let mut started = false;
    while Instant::now() < end {
        match batch.recv(fd) {
            Ok(got) if got > 0 => {
                n += got as u64;
                if !started {
                    (started, end) = (true, Instant::now() + Duration::from_secs(args.secs + 1));
                }
            }
            _ => std::thread::sleep(Duration::from_micros(50)),
        }
    }
    println!("received {n}");
}

fn send(args: &Args) {
    if let Some(mac) = &args.raw_to {
        let load = raw::RawLoad {
            iface: "a0",
            dst_mac: raw::parse_mac(mac),
            src: (A, PEER_PORT),
            dst_ip: GW_A,
            ports: (0..args.calls).map(port).collect(),
            pps: args.pps,
            secs: args.secs,
        };
        let (sent, took) = load.run();
        let secs = took.as_secs_f64();
        println!("sent {sent} in {secs:.3} s ({:.0} pps)", sent as f64 / secs);
        return;
    }
    let s = UdpSocket::bind(SocketAddrV4::new(A.into(), PEER_PORT)).expect("bind A");
    let dests: Vec<SocketAddr> = (0..args.calls)
        .map(|c| SocketAddrV4::new(GW_A.into(), port(c)).into())
        .collect();
    let (mut batch, fd) = (SendBatch::new(), s.as_raw_fd());
    // One buffer per batch slot: a queued datagram is sent from its own.
    let mut bufs = [[0u8; 172]; SendBatch::BATCH];
    let (start, mut sent) = (Instant::now(), 0u64);
    let end = start + Duration::from_secs(args.secs);
    let mut seq = 0u16;
    while Instant::now() < end {
        for (c, dest) in dests.iter().enumerate() {
            if batch.pending() == SendBatch::BATCH {
                while batch.pending() > 0 {
                    sent += batch.flush().0;
                }
            }
            let pkt = &mut bufs[batch.pending()];
            pkt[0] = 0x80;
            pkt[2..4].copy_from_slice(&seq.to_be_bytes());
            pkt[8..12].copy_from_slice(&(c as u32).to_be_bytes());
            batch.push(fd, pkt, *dest);
            if args.pps > 0 && c % 64 == 0 {
                let due = start + Duration::from_nanos(sent * 1_000_000_000 / args.pps);
                if let Some(wait) = due.checked_duration_since(Instant::now()) {
                    std::thread::sleep(wait);
                }
            }
        }
        seq = seq.wrapping_add(1);
    }
    while batch.pending() > 0 {
        sent += batch.flush().0;
    }
    let secs = start.elapsed().as_secs_f64();
    println!("sent {sent} in {secs:.3} s ({:.0} pps)", sent as f64 / secs);
}
