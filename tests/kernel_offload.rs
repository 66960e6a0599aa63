//! A media worker offloading a plain call to the kernel fast path, over
//! real interfaces (peer A - gateway - peer B in three network
//! namespaces, see `netns::line`): once the worker has latched both legs
//! and relayed a packet each way, its next check installs the call in
//! the kernel, which relays while the worker does not run, continuing
//! the worker's stream (SSRC, numbering); the worker counts what the
//! kernel forwarded, a call heard only in the kernel does not time out,
//! hold takes the call back and, resumed, the worker's stream goes on
//! after the kernel's last packet; the call's final counters include
//! what the kernel sent. Needs root; skips, saying why, where namespaces
//! cannot be made.
#![cfg(feature = "kernel-fastpath")]

mod netns;

use netns::Netns;
use netns::udp::{addr, bind, recv, rtp};
use rvoip::media::kernel::{ForwardMap, KernelPath};
use rvoip::media::{
    LegConfig, MediaCommand, MediaConfig, MediaEvent, MediaIo, MediaKernel, MediaPlane, Side, WorkerConfig,
};
use rvoip::test_exports::media::SteppedWorker;
use std::net::{SocketAddr, SocketAddrV4, UdpSocket};
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

const TIMEOUT: Duration = Duration::from_millis(400);

/// A PCMU leg on our `local`:`port` towards `peer`.
fn leg(local: [u8; 4], port: u16, peer: &UdpSocket, send: bool) -> LegConfig {
    LegConfig {
        local: Some(local.into()),
        send,
        ..LegConfig::pcmu(port, SocketAddr::V4(addr(peer)))
    }
}

/// Adds call `id` to `w` between peers `a` and `b`, its legs on our
/// ports `port` (A) and `port + 2` (B).
fn add_call(w: &mut SteppedWorker, id: u64, port: u16, [a, b]: [&UdpSocket; 2]) {
    let (la, lb) = (
        leg([10, 201, 1, 2], port, a, true),
        leg([10, 201, 2, 2], port + 2, b, true),
    );
    let add = MediaCommand::AddCall {
        call: id,
        a: la,
        b: Some(lb),
    };
    w.inbox.push(add).unwrap();
    w.step(Duration::ZERO);
}

/// Steps `w` until it has read `n` packets in all (kernel-forwarded ones
/// included, once a check counts them).
fn step_until_in(w: &mut SteppedWorker, n: u64) {
    let deadline = Instant::now() + Duration::from_secs(5);
    while w.counters.packets_in.load(Relaxed) < n {
        assert!(Instant::now() < deadline, "the worker did not count {n} packets");
        w.step(Duration::from_millis(10));
    }
}

fn seq(p: &[u8]) -> u16 {
    u16::from_be_bytes([p[2], p[3]])
}

fn ssrc(p: &[u8]) -> u32 {
    u32::from_be_bytes(p[8..12].try_into().unwrap())
}

/// The gateway's namespace, peers A and B's sockets, and the namespaces
/// to hold (see `netns::line`); `None` (the test skips, saying why)
/// where namespaces cannot be made.
fn line() -> Option<(Netns, [UdpSocket; 2], [Netns; 2])> {
    if let Some(why) = netns::unavailable() {
        eprintln!("skipped: {why}");
        return None;
    }
    let [na, gw, nb] = netns::line().expect("namespaces and veths");
    let a = na.enter(|| bind("10.201.1.1")).unwrap();
    let b = nb.enter(|| bind("10.201.2.1")).unwrap();
    Some((gw, [a, b], [na, nb]))
}

/// Whether `w` reported a media timeout since the last look.
fn timed_out(w: &mut SteppedWorker) -> bool {
    std::iter::from_fn(|| w.events.try_recv().ok()).any(|e| matches!(e, MediaEvent::Timeout { .. }))
}

#[test]
fn a_latched_plain_call_is_relayed_in_the_kernel_until_hold_takes_it_back() {
    let Some((gw, [a, b], _ns)) = line() else {
        return;
    };
    let (gw_a, gw_b) = (
        SocketAddrV4::new([10, 201, 1, 2].into(), 20000),
        SocketAddrV4::new([10, 201, 2, 2].into(), 20002),
    );
    // The worker runs in the gateway's namespace: its sockets are there.
    gw.enter(|| {
        let mut kernel = KernelPath::load().expect("the kernel loads bpf/rtp_fwd.o");
        kernel.attach("a1").unwrap();
        kernel.attach("b1").unwrap();
        let cfg = WorkerConfig {
            io: MediaIo::Epoll,
            timeout: TIMEOUT,
            ..WorkerConfig::default()
        };
        let mut w = SteppedWorker::new(cfg).unwrap();
        w.set_offload(kernel.forward().try_clone().unwrap());
        add_call(&mut w, 1, 20000, [&a, &b]);

        // Both peers speak; the worker latches them and relays.
        a.send_to(&rtp(0, 100, 8000, 0xa, &[1; 160]), gw_a).unwrap();
        b.send_to(&rtp(0, 500, 0, 0xb, &[2; 160]), gw_b).unwrap();
        step_until_in(&mut w, 2);
        let (first, from) = recv(&b);
        assert_eq!(from, gw_b);
        recv(&a);
        let (s0, ours) = (seq(&first), ssrc(&first));
        let map: &ForwardMap = kernel.forward();
        assert!(
            map.get(gw_a, addr(&a)).unwrap().is_some(),
            "the check after relaying installed A→B"
        );
        assert!(map.get(gw_b, addr(&b)).unwrap().is_some(), "and B→A");

        // The worker does not run: the kernel relays, continuing its stream.
        for i in 1..=10u16 {
            a.send_to(&rtp(0, 100 + i, 8000 + 160 * u32::from(i), 0xa, &[1; 160]), gw_a)
                .unwrap();
            let (got, from) = recv(&b);
            assert_eq!((from, seq(&got), ssrc(&got)), (gw_b, s0.wrapping_add(i), ours));
        }
        assert_eq!(w.counters.packets_in.load(Relaxed), 2, "nothing reached the worker");
        // Longer than the media timeout with the worker asleep: its check
        // hears what the kernel forwarded, and the call lives on.
        std::thread::sleep(TIMEOUT + TIMEOUT / 4);
        w.step(Duration::ZERO);
        assert_eq!(w.counters.packets_in.load(Relaxed), 12, "the kernel's packets counted");
        assert!(!timed_out(&mut w), "a call heard in the kernel does not time out");
        // Comfort noise (PT 13, not negotiated) goes up to the worker,
        // which drops it; the call stays in the kernel.
        a.send_to(&rtp(13, 5000, 0, 0xa, &[0; 1]), gw_a).unwrap();
        step_until_in(&mut w, 13);
        assert!(
            kernel.forward().get(gw_a, addr(&a)).unwrap().is_some(),
            "still A→B in the kernel"
        );
        // A restarts with a new SSRC: the worker takes the call back
        // before relaying it, so its stream goes on after the kernel's
        // last packet; its check then installs the new source.
        a.send_to(&rtp(0, 7000, 0, 0xa2, &[1; 160]), gw_a).unwrap();
        step_until_in(&mut w, 14);
        let (got, _) = recv(&b);
        assert_eq!((seq(&got), ssrc(&got)), (s0.wrapping_add(11), ours), "continued");
        w.step(Duration::ZERO);
        let again = kernel.forward().get(gw_a, addr(&a)).unwrap();
        assert_eq!(
            again.map(|e| e.packets()),
            Some(0),
            "installed again for the new source"
        );

        // Hold towards B: the worker takes A→B back and drops A's voice.
        let update = |send| MediaCommand::UpdateLeg {
            call: 1,
            side: Side::B,
            leg: leg([10, 201, 2, 2], 20002, &b, send),
        };
        w.inbox.push(update(false)).unwrap();
        w.step(Duration::ZERO);
        assert!(
            kernel.forward().get(gw_a, addr(&a)).unwrap().is_none(),
            "held: A→B is the worker's"
        );
        a.send_to(&rtp(0, 111, 8000 + 160 * 11, 0xa, &[1; 160]), gw_a).unwrap();
        step_until_in(&mut w, 15);
        // Resumed: the worker's stream goes on after the kernel's last packet.
        w.inbox.push(update(true)).unwrap();
        w.step(Duration::ZERO);
        a.send_to(&rtp(0, 112, 8000 + 160 * 12, 0xa, &[1; 160]), gw_a).unwrap();
        step_until_in(&mut w, 16);
        let (got, _) = recv(&b);
        assert_eq!(
            (seq(&got), ssrc(&got)),
            (s0.wrapping_add(12), ours),
            "no gap, no repeat"
        );

        w.inbox.push(MediaCommand::RemoveCall { call: 1 }).unwrap();
        w.step(Duration::ZERO);
        let stats = std::iter::from_fn(|| w.events.try_recv().ok()).find_map(|e| match e {
            MediaEvent::Removed { stats, .. } => Some(stats),
            _ => None,
        });
        let b_stats = stats.expect("the call's counters")[1].expect("leg B");
        assert_eq!(
            b_stats.tx_packets, 13,
            "one relayed by the worker, ten by the kernel, the new source's, one after hold"
        );
        assert!(
            kernel.forward().get(gw_b, addr(&b)).unwrap().is_none(),
            "hung up: nothing left in the kernel"
        );

        // Silence past the timeout on a call the kernel no longer hears.
        add_call(&mut w, 2, 20004, [&a, &b]);
        std::thread::sleep(TIMEOUT + TIMEOUT / 4);
        w.step(Duration::ZERO);
        assert!(timed_out(&mut w), "a silent call still times out");
    })
    .unwrap();
}

/// A plane started with `media.kernel = "auto"` in the gateway's
/// namespace attaches the program to its interfaces (a1, b1) and its
/// workers (io_uring, the default) offload a plain call: A's packets
/// soon reach B from the kernel, still in the worker's stream.
#[test]
fn a_plane_with_the_kernel_on_offloads_its_plain_calls() {
    let Some((gw, [a, b], _ns)) = line() else {
        return;
    };
    let gw_a = SocketAddrV4::new([10, 201, 1, 2].into(), 20000);
    gw.enter(|| {
        let (tx, _events) = tokio::sync::mpsc::channel(64);
        let worker = WorkerConfig {
            kernel: MediaKernel::Auto,
            ..WorkerConfig::default()
        };
        let cfg = MediaConfig {
            workers: 1,
            pin: false,
            realtime: 0,
            transcoders: 0,
            worker,
        };
        let plane = MediaPlane::start(cfg, tx).unwrap();
        let counts = plane.kernel_counts().expect("the kernel took the program");
        let (la, lb) = (
            leg([10, 201, 1, 2], 20000, &a, true),
            leg([10, 201, 2, 2], 20002, &b, true),
        );
        plane
            .submit(MediaCommand::AddCall {
                call: 1,
                a: la,
                b: Some(lb),
            })
            .unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        while plane.counters().map(|c| c.calls.load(Relaxed)).sum::<u64>() == 0 {
            assert!(Instant::now() < deadline, "the call's sockets were never bound");
            std::thread::yield_now();
        }
        b.send_to(
            &rtp(0, 500, 0, 0xb, &[2; 160]),
            SocketAddrV4::new([10, 201, 2, 2].into(), 20002),
        )
        .unwrap();
        // A speaks every 20 ms until the kernel has forwarded some of it;
        // B hears every packet, from the worker then from the kernel, in
        // one stream.
        let mut heard = Vec::new();
        for i in 0u16.. {
            assert!(Instant::now() < deadline, "the plane never offloaded the call");
            a.send_to(&rtp(0, 100 + i, 160 * u32::from(i), 0xa, &[1; 160]), gw_a)
                .unwrap();
            let (got, _) = recv(&b);
            heard.push((seq(&got), ssrc(&got)));
            if plane.kernel_counts().unwrap().forwarded > counts.forwarded {
                break;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let (s0, ours) = heard[0];
        let want: Vec<_> = (0..heard.len() as u16).map(|i| (s0.wrapping_add(i), ours)).collect();
        assert_eq!(heard, want, "one stream across the move to the kernel");
        assert!(heard.len() > 1, "the worker relayed first");
    })
    .unwrap();
}

/// `rvoip-gw` with `media.kernel = "auto"` in the gateway's namespace
/// says once that the kernel forwards, on which interfaces, and its
/// metrics page shows what the program did.
#[test]
fn the_gateway_says_it_forwards_in_the_kernel_and_shows_its_counts() {
    use std::io::{BufRead, BufReader, Read, Write};
    let Some((gw, _peers, _ns)) = line() else {
        return;
    };
    let cfg = std::env::temp_dir().join(format!("rvoip-kernel-gw-{}.toml", std::process::id()));
    let toml = "[metrics]\nlisten = \"127.0.0.1:0\"\n[media]\nkernel = \"auto\"\naddress = \"10.201.1.2\"\n";
    std::fs::write(&cfg, toml).unwrap();
    let bin = env!("CARGO_BIN_EXE_rvoip-gw");
    let mut child = std::process::Command::new("ip")
        .args(["netns", "exec", &gw.name, bin, "--sip", "127.0.0.1:0", "--config"])
        .arg(&cfg)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut said = Vec::new();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let metrics = loop {
        let line = lines.next().expect("rvoip-gw exited").unwrap();
        said.push(line.clone());
        if let Some(at) = line.split("http://").nth(1) {
            break at.trim_end_matches("/metrics").to_owned();
        }
    };
    let kernel: Vec<_> = said.iter().filter(|l| l.contains("media.kernel")).collect();
    assert_eq!(kernel.len(), 1, "said once: {said:?}");
    assert!(
        kernel[0].contains("forwarded in the kernel on") && kernel[0].contains("a1"),
        "{said:?}"
    );
    let page = gw
        .enter(|| {
            let mut conn = std::net::TcpStream::connect(&metrics).unwrap();
            conn.write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n").unwrap();
            let mut page = String::new();
            conn.read_to_string(&mut page).unwrap();
            page
        })
        .unwrap();
    let _ = child.kill();
    let _ = child.wait();
    let _ = std::fs::remove_file(&cfg);
    assert!(
        page.contains("rvoip_rtp_kernel_path_total{outcome=\"forwarded\"} 0"),
        "{page}"
    );
    assert!(
        page.contains("rvoip_rtp_kernel_path_total{outcome=\"stranger\"} 0"),
        "{page}"
    );
}
