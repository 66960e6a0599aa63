//! `realtime` on the media plane: where the system allows SCHED_FIFO, every
//! worker thread runs under it at the priority asked; where it refuses, the
//! plane still starts and relays at normal priority. (Its own test binary:
//! the check reads this process's threads, which no other test may add to.)

use rvoip::media::rtp::write_header;
use rvoip::media::{LegConfig, MediaCommand, MediaConfig, MediaPlane, WorkerConfig};
use std::net::UdpSocket;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

mod ports;

/// Scheduling policy and real-time priority of each `rvoip-media-*` thread.
fn worker_policies() -> Vec<(u32, u32)> {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .flatten()
        .filter(|t| std::fs::read_to_string(t.path().join("comm")).is_ok_and(|c| c.starts_with("rvoip-media")))
        .map(|t| {
            let stat = std::fs::read_to_string(t.path().join("stat")).unwrap();
            let f: Vec<&str> = stat.rsplit(')').next().unwrap().split_whitespace().collect();
            // proc(5): rt_priority is field 40, policy 41; f[0] is field 3.
            (f[38].parse().unwrap(), f[37].parse().unwrap())
        })
        .collect()
}

/// Whether this process may take SCHED_FIFO (probed on a throwaway thread).
fn fifo_allowed() -> bool {
    std::thread::spawn(|| {
        let p = libc::sched_param { sched_priority: 1 };
        // SAFETY: pid 0 is this (throwaway) thread; `p` is valid.
        unsafe { libc::sched_setscheduler(0, libc::SCHED_FIFO, &p) == 0 }
    })
    .join()
    .unwrap()
}

#[test]
fn workers_take_realtime_priority_when_allowed_and_relay_either_way() {
    let (tx, _events) = tokio::sync::mpsc::channel(64);
    let cfg = MediaConfig {
        workers: 2,
        pin: true,
        realtime: 7,
        transcoders: 0,
        worker: WorkerConfig::default(),
    };
    let plane = MediaPlane::start(cfg, tx).unwrap();
    let (a, b) = (
        UdpSocket::bind("127.0.0.1:0").unwrap(),
        UdpSocket::bind("127.0.0.1:0").unwrap(),
    );
    b.set_read_timeout(Some(Duration::from_millis(500))).unwrap();
    let (pa, pb) = (ports::free_pair(), ports::free_pair());
    let leg = |port, remote: &UdpSocket| LegConfig::pcmu(port, remote.local_addr().unwrap());
    // Call 1 goes to worker 1, call 0 (an echo nobody sends to) to worker 0:
    // once each worker counts its call, each has placed its own thread and
    // bound the call's sockets.
    let calls = [
        (1, leg(pa, &a), Some(leg(pb, &b))),
        (0, leg(ports::free_pair(), &a), None),
    ];
    for (call, la, lb) in calls {
        plane.submit(MediaCommand::AddCall { call, a: la, b: lb }).unwrap();
    }
    let deadline = Instant::now() + Duration::from_secs(5);
    while !plane.counters().all(|c| c.calls.load(Relaxed) == 1) {
        assert!(Instant::now() < deadline, "the workers did not take their calls");
        std::thread::yield_now();
    }
    let policies = worker_policies();
    assert_eq!(policies.len(), 2, "two worker threads");
    let want = if fifo_allowed() {
        (libc::SCHED_FIFO as u32, 7)
    } else {
        (libc::SCHED_OTHER as u32, 0)
    };
    assert!(
        policies.iter().all(|&p| p == want),
        "workers {policies:?}, expected {want:?}"
    );
    let mut pkt = vec![0u8; 172];
    write_header(&mut pkt, 0, false, 1, 160, 0xa);
    let mut buf = [0u8; 2048];
    for _ in 0..3 {
        a.send_to(&pkt, ("127.0.0.1", pa)).unwrap();
        let n = b.recv(&mut buf).expect("relayed to B");
        assert_eq!(&buf[12..n], &pkt[12..], "payload intact");
    }
}
