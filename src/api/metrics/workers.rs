//! The media workers' part of the page: packets, drops (late ones and the
//! kernel's among them), calls, busy time and the latency each worker
//! adds (histogram, and p50/p99/p999 from its hdrhistogram). Live: read
//! from the atomics the workers update per batch, calls up or not.

use super::{Metrics, histogram, put};
use crate::media::LATENCY_BUCKETS_US as BUCKETS_US;
use crate::media::{LatencyCounters, WorkerCounters};
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

impl Metrics {
    pub(super) fn render_workers(&self, out: &mut String) {
        let workers: Vec<_> = self.media.counters().collect();
        let per = |f: &dyn Fn(&crate::media::worker::WorkerCounters) -> u64| -> Vec<(String, u64)> {
            workers
                .iter()
                .enumerate()
                .map(|(i, w)| (format!("{{worker=\"{i}\"}}"), f(w)))
                .collect()
        };
        for (name, kind, help, rows) in [
            (
                "rvoip_rtp_packets_in_total",
                "counter",
                "RTP/RTCP packets received",
                per(&|w| w.packets_in.load(Relaxed)),
            ),
            (
                "rvoip_rtp_packets_out_total",
                "counter",
                "RTP/RTCP packets sent",
                per(&|w| w.packets_out.load(Relaxed)),
            ),
            (
                "rvoip_rtp_dropped_total",
                "counter",
                "packets not forwarded (malformed, strangers, hold, unnegotiated payload types, SRTP failures)",
                per(&|w| w.dropped.load(Relaxed)),
            ),
            (
                "rvoip_rtp_unnegotiated_total",
                "counter",
                "RTP packets dropped for a payload type not negotiated on their legs",
                per(&|w| w.unnegotiated.load(Relaxed)),
            ),
            (
                "rvoip_rtp_late_dropped_total",
                "counter",
                "RTP packets dropped for having waited longer than media.max_delay_ms since they arrived",
                per(&|w| w.late.load(Relaxed)),
            ),
            (
                "rvoip_rtp_kernel_dropped_total",
                "counter",
                "datagrams the kernel dropped on the worker's sockets, their receive buffers full",
                per(&|w| w.kernel_dropped.load(Relaxed)),
            ),
            (
                "rvoip_rtp_transcode_dropped_total",
                "counter",
                "voice packets to re-code dropped: the transcoder thread's queue was full (media.transcoders)",
                per(&|w| w.transcode_dropped.load(Relaxed)),
            ),
            (
                "rvoip_media_transcoders",
                "gauge",
                "transcoder states held on transcoder threads for each media worker's calls",
                per(&|w| w.transcoders.load(Relaxed)),
            ),
            (
                "rvoip_srtp_auth_failed_total",
                "counter",
                "SRTP/SRTCP packets dropped: authentication failed (corrupted or forged)",
                per(&|w| w.srtp_auth_failed.load(Relaxed)),
            ),
            (
                "rvoip_srtp_replayed_total",
                "counter",
                "SRTP/SRTCP packets dropped: replayed or older than the replay window",
                per(&|w| w.srtp_replayed.load(Relaxed)),
            ),
            (
                "rvoip_media_calls",
                "gauge",
                "calls on each media worker",
                per(&|w| w.calls.load(Relaxed)),
            ),
            (
                "rvoip_media_sockets_opened_total",
                "counter",
                "media sockets opened (others were reused from ended calls)",
                per(&|w| w.sockets_opened.load(Relaxed)),
            ),
            (
                "rvoip_media_event_overflow_total",
                "counter",
                "worker events refused by a full queue",
                per(&|w| w.event_overflow.load(Relaxed)),
            ),
        ] {
            let samples: Vec<(&str, u64)> = rows.iter().map(|(l, v)| (l.as_str(), *v)).collect();
            put(out, name, kind, help, &samples);
        }
        let _ = writeln!(
            out,
            "# HELP rvoip_media_worker_busy_seconds_total time each worker spent working\n# TYPE rvoip_media_worker_busy_seconds_total counter"
        );
        for (i, w) in workers.iter().enumerate() {
            let _ = writeln!(
                out,
                "rvoip_media_worker_busy_seconds_total{{worker=\"{i}\"}} {}",
                w.busy_ns.load(Relaxed) as f64 / 1e9
            );
        }
        for (what, help, of) in LATENCIES {
            let name = format!("rvoip_media_{what}_seconds");
            let _ = writeln!(out, "# HELP {name} {help}, per packet\n# TYPE {name} histogram");
            for (i, w) in workers.iter().enumerate() {
                let l = of(w);
                let le: Vec<(f64, u64)> = BUCKETS_US
                    .iter()
                    .zip(&l.le)
                    .map(|(us, n)| (*us as f64 / 1e6, n.load(Relaxed)))
                    .collect();
                let sum = l.sum_ns.load(Relaxed) as f64 / 1e9;
                histogram(out, &name, &format!("worker=\"{i}\""), &le, l.count.load(Relaxed), sum);
            }
            for (q, help, get) in QUANTILES {
                let name = format!("rvoip_media_{what}_{q}_seconds");
                let _ = writeln!(
                    out,
                    "# HELP {name} {help} of the {}\n# TYPE {name} gauge",
                    what.replace('_', " ")
                );
                for (i, w) in workers.iter().enumerate() {
                    let ns = get(of(w)).load(Relaxed);
                    let _ = writeln!(out, "{name}{{worker=\"{i}\"}} {}", ns as f64 / 1e9);
                }
            }
        }
    }
}

/// The latencies exported: name, what is measured, where each worker
/// publishes it.
type Latency = (&'static str, &'static str, fn(&WorkerCounters) -> &LatencyCounters);
const LATENCIES: [Latency; 2] = [
    ("added_latency", "kernel arrival to end of processing", |w| &w.latency),
    (
        "transcoded_latency",
        "a re-coded packet's voice's kernel arrival to its send",
        |w| &w.transcoded_latency,
    ),
];

/// The added latency's quantiles exported (from each worker's
/// hdrhistogram, since it started).
type Quantile = (&'static str, &'static str, fn(&LatencyCounters) -> &AtomicU64);
const QUANTILES: [Quantile; 3] = [
    ("p50", "median", |l| &l.p50_ns),
    ("p99", "99th percentile", |l| &l.p99_ns),
    ("p999", "99.9th percentile", |l| &l.p999_ns),
];
