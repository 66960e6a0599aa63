//! The media workers' part of the page: packets, drops, calls, busy time
//! and the latency each worker adds.

use super::{Metrics, histogram, put};
use crate::media::LATENCY_BUCKETS_US as BUCKETS_US;
use std::fmt::Write;
use std::sync::atomic::Ordering::Relaxed;

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
        let name = "rvoip_media_added_latency_seconds";
        let _ = writeln!(
            out,
            "# HELP {name} kernel arrival to end of processing, per packet\n# TYPE {name} histogram"
        );
        for (i, w) in workers.iter().enumerate() {
            let l = &w.latency;
            let le: Vec<(f64, u64)> = BUCKETS_US
                .iter()
                .zip(&l.le)
                .map(|(us, n)| (*us as f64 / 1e6, n.load(Relaxed)))
                .collect();
            let sum = l.sum_ns.load(Relaxed) as f64 / 1e9;
            histogram(out, name, &format!("worker=\"{i}\""), &le, l.count.load(Relaxed), sum);
        }
        let _ = writeln!(
            out,
            "# HELP rvoip_media_added_latency_p99_seconds 99th percentile of the added latency\n# TYPE rvoip_media_added_latency_p99_seconds gauge"
        );
        for (i, w) in workers.iter().enumerate() {
            let _ = writeln!(
                out,
                "rvoip_media_added_latency_p99_seconds{{worker=\"{i}\"}} {}",
                w.latency.p99_ns.load(Relaxed) as f64 / 1e9
            );
        }
    }
}
