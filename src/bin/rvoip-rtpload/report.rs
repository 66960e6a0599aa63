//! Results: the relay workers' CPU from /proc, and the printed summary.

use crate::Args;
use crate::endpoints::RunResult;
use crate::sip::SipCalls;
use rvoip::media::{LATENCY_BUCKETS_US, MediaPlane};
use std::sync::atomic::Ordering::Relaxed;

/// CPU seconds (user+sys) used so far by the relay: this process's media
/// workers, or process `pid` (an external relay such as rtpengine).
pub fn relay_cpu_seconds(pid: Option<u32>) -> f64 {
    let cpu = |stat: String| {
        let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
        let num = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
        (num(11) + num(12)) / 100.0 // USER_HZ on Linux
    };
    if let Some(pid) = pid {
        return std::fs::read_to_string(format!("/proc/{pid}/stat")).map_or(0.0, cpu);
    }
    let Ok(tasks) = std::fs::read_dir("/proc/self/task") else {
        return 0.0;
    };
    tasks
        .flatten()
        .filter(|t| {
            let comm = std::fs::read_to_string(t.path().join("comm")).unwrap_or_default();
            comm.starts_with("rvoip-media") || comm.starts_with("rvoip-transcod")
        })
        .filter_map(|t| std::fs::read_to_string(t.path().join("stat")).ok())
        .map(cpu)
        .sum()
}

pub fn print(args: &Args, r: &RunResult, cpu: f64, plane: Option<&MediaPlane>, calls: Option<&SipCalls>) {
    let lost = r.sent.saturating_sub(r.received);
    let pps = r.received as f64 / r.elapsed.as_secs_f64();
    let q = |p: f64| r.latency_us.value_at_quantile(p);
    println!(
        "mode        {}",
        match (&args.rtpengine, args.direct, args.sip) {
            (_, true, _) => "direct (no relay)".to_string(),
            (_, _, Some(s)) => format!(
                "SIP via {s} (pid {}), echoed: latency is the round trip",
                args.relay_pid.unwrap_or(0)
            ),
            (Some(ng), _, _) => format!("rtpengine at {ng} (pid {})", args.relay_pid.unwrap_or(0)),
            (None, false, None) if args.bare =>
                "bare relay (epoll, recvmmsg and sendmmsg per ready socket; the floor)".to_string(),
            (None, false, None) if args.srtp => "relay (rvoip media plane), SRTP on each call's A leg".to_string(),
            (None, false, None) => "relay (rvoip media plane)".to_string(),
        }
    );
    match (plane, calls) {
        (Some(p), _) => println!(
            "calls       {} ({} workers, {} I/O, {} transcoder threads)",
            args.calls,
            p.workers(),
            p.io(),
            p.transcoders()
        ),
        (_, Some(c)) => {
            let (ok, failed) = c.answered();
            println!(
                "calls       {} (answered {ok}, failed {failed}, BYEs answered {})",
                args.calls,
                c.byes_answered()
            );
        }
        _ if args.bare => println!("calls       {} (1 thread, bare I/O)", args.calls),
        _ => println!("calls       {}", args.calls),
    }
    println!("sent        {}", r.sent);
    println!("received    {}", r.received);
    println!(
        "lost        {} ({:.4} %)",
        lost,
        100.0 * lost as f64 / r.sent.max(1) as f64
    );
    if args.srtp {
        println!("srtp_failed {} (failed authentication at the endpoints)", r.srtp_failed);
    }
    println!("rate_pps    {pps:.0}");
    if args.transcoded > 0 {
        let lost = r.xc_sent.saturating_sub(r.xc_received);
        println!(
            "transcoded  {} calls PCMU<->Opus (complexity {}, {} bit/s): sent {} received {} lost {} ({:.4} %; counted, not timed)",
            args.transcoded,
            args.opus_complexity,
            args.opus_bitrate,
            r.xc_sent,
            r.xc_received,
            lost,
            100.0 * lost as f64 / r.xc_sent.max(1) as f64
        );
    }
    println!("latency_us  p50={} p99={} max={}", q(0.5), q(0.99), r.latency_us.max());
    println!(
        "slowest     sent at {:.3} s of {:.1} s; {} packets over {} ms (a stall shows as its time and size)",
        r.slowest.0.as_secs_f64(),
        r.elapsed.as_secs_f64(),
        r.slowest.1,
        crate::endpoints::SLOW_US / 1000
    );
    if !args.direct && (plane.is_some() || args.bare || args.relay_pid.is_some()) {
        let calls = args.calls + args.transcoded;
        let per_k = cpu / r.elapsed.as_secs_f64() / (calls as f64 / 1000.0);
        println!(
            "relay_cpu_s {cpu:.2} ({:.3} cores per 1,000 calls, {:.0} ns per packet)",
            per_k,
            cpu * 1e9 / (r.received + r.xc_received).max(1) as f64
        );
    }
    if let Some(p) = plane {
        print_added(p);
    }
}

/// The latency the workers themselves add (kernel arrival stamp to sent),
/// from their own histograms: the worst worker's p99 and max, and the share
/// of all packets relayed within 200 µs.
fn print_added(plane: &MediaPlane) {
    let (mut count, mut within, mut p50, mut p99, mut max) = (0u64, 0u64, 0u64, 0u64, 0u64);
    let (mut late, mut kernel, mut xc_dropped) = (0u64, 0u64, 0u64);
    let i200 = LATENCY_BUCKETS_US
        .iter()
        .position(|&b| b == 200)
        .expect("200 µs bucket");
    for c in plane.counters() {
        let l = &c.latency;
        count += l.count.load(Relaxed);
        within += l.le[i200].load(Relaxed);
        p50 = p50.max(l.p50_ns.load(Relaxed));
        p99 = p99.max(l.p99_ns.load(Relaxed));
        max = max.max(l.max_ns.load(Relaxed));
        late += c.late.load(Relaxed);
        kernel += c.kernel_dropped.load(Relaxed);
        xc_dropped += c.transcode_dropped.load(Relaxed);
    }
    println!(
        "added_us    p50={} p99={} max={} within_200us={:.2} % ({} packets; worst worker)",
        p50 / 1000,
        p99 / 1000,
        max / 1000,
        100.0 * within as f64 / count.max(1) as f64,
        count
    );
    let xc = |f: fn(&rvoip::media::LatencyCounters) -> &std::sync::atomic::AtomicU64| {
        plane
            .counters()
            .map(|c| f(&c.transcoded_latency).load(Relaxed))
            .max()
            .unwrap_or(0)
    };
    println!(
        "transcoded_us p50={} p99={} max={} ({} packets; worst worker; voice's arrival to the re-coded send)",
        xc(|l| &l.p50_ns) / 1000,
        xc(|l| &l.p99_ns) / 1000,
        xc(|l| &l.max_ns) / 1000,
        plane
            .counters()
            .map(|c| c.transcoded_latency.count.load(Relaxed))
            .sum::<u64>()
    );
    println!(
        "relay_drops late={late} kernel={kernel} transcode={xc_dropped} (late: older than --max-delay-ms; kernel: socket buffer full; transcode: transcoder queue full)"
    );
}
