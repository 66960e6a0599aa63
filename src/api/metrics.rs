//! Prometheus text exposition (format 0.0.4) of an endpoint's counters:
//! calls, SIP, queues, and per media worker packets, load and the latency
//! it adds. Rendered by hand from the atomics the driver and the workers
//! already publish (see the README's design notes).

use crate::driver::LiveStats;
use crate::gateway::SETUP_BUCKETS_MS;
use crate::media::MediaPlane;
use crate::media::worker::BUCKETS_US;
use std::fmt::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// A cloneable, `Send` view of an endpoint's counters for an exporter.
#[derive(Clone)]
pub struct Metrics {
    pub(crate) stats: Arc<LiveStats>,
    pub(crate) media: Arc<MediaPlane>,
    pub(crate) gateway: bool,
}

fn put(out: &mut String, name: &str, kind: &str, help: &str, samples: &[(&str, u64)]) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
    for (labels, v) in samples {
        let _ = writeln!(out, "{name}{labels} {v}");
    }
}

fn histogram(out: &mut String, name: &str, help: &str, labels: &str, le: &[(f64, u64)], count: u64, sum: f64) {
    let sep = if labels.is_empty() { "" } else { "," };
    for (bound, n) in le {
        let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"{bound}\"}} {n}");
    }
    let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {count}");
    let braces = if labels.is_empty() {
        String::new()
    } else {
        format!("{{{labels}}}")
    };
    let _ = writeln!(out, "{name}_sum{braces} {sum}\n{name}_count{braces} {count}");
    let _ = help;
}

impl Metrics {
    /// The counters as a Prometheus text page.
    pub fn render(&self) -> String {
        let s = &self.stats;
        let g = |a: &AtomicU64| a.load(Relaxed);
        let mut out = String::with_capacity(8192);
        put(
            &mut out,
            "rvoip_sessions_active",
            "gauge",
            "SIP sessions (call legs) in progress",
            &[("", g(&s.active))],
        );
        put(
            &mut out,
            "rvoip_sessions_total",
            "counter",
            "SIP sessions created",
            &[("", g(&s.total))],
        );
        put(
            &mut out,
            "rvoip_sessions_answered_total",
            "counter",
            "SIP sessions answered",
            &[("", g(&s.answered))],
        );
        put(
            &mut out,
            "rvoip_sessions_failed_total",
            "counter",
            "SIP sessions failed or rejected",
            &[("", g(&s.failed))],
        );
        put(
            &mut out,
            "rvoip_sip_overload_rejected_total",
            "counter",
            "INVITEs refused with 503 by the session layer",
            &[("", g(&s.overload))],
        );
        put(
            &mut out,
            "rvoip_sip_bad_answered_total",
            "counter",
            "malformed messages answered with 4xx/5xx",
            &[("", g(&s.bad_answered))],
        );
        put(
            &mut out,
            "rvoip_sip_dropped_total",
            "counter",
            "messages dropped unanswered",
            &[("", g(&s.dropped))],
        );
        put(
            &mut out,
            "rvoip_transactions_active",
            "gauge",
            "SIP transactions alive",
            &[("", g(&s.transactions))],
        );
        put(
            &mut out,
            "rvoip_queue_overflow_total",
            "counter",
            "items refused by a full queue",
            &[
                ("{queue=\"api_events\"}", g(&s.event_overflow)),
                ("{queue=\"api_commands\"}", g(&s.command_overflow)),
                ("{queue=\"media_commands\"}", g(&s.media_overflow)),
                ("{queue=\"tcp_send\"}", g(&s.tcp_refused)),
            ],
        );
        put(
            &mut out,
            "rvoip_rtp_lost_total",
            "counter",
            "RTP packets lost before reaching us (RFC 3550), ended calls",
            &[("", g(&s.rtp_lost))],
        );
        let streams = g(&s.rtp_streams);
        put(
            &mut out,
            "rvoip_rtp_streams_total",
            "counter",
            "RTP streams of ended calls",
            &[("", streams)],
        );
        let _ = writeln!(
            out,
            "# HELP rvoip_rtp_jitter_seconds mean final RFC 3550 jitter of ended streams\n# TYPE rvoip_rtp_jitter_seconds gauge\nrvoip_rtp_jitter_seconds {}",
            g(&s.rtp_jitter_us_sum) as f64 / 1e6 / streams.max(1) as f64
        );
        put(
            &mut out,
            "rvoip_transcoded_calls_total",
            "counter",
            "bridged calls transcoded between codecs",
            &[("", g(&s.transcoded_calls))],
        );
        self.render_workers(&mut out);
        if self.gateway {
            self.render_gateway(&mut out);
        }
        out
    }

    fn render_workers(&self, out: &mut String) {
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
                "packets not forwarded (malformed, strangers, hold)",
                per(&|w| w.dropped.load(Relaxed)),
            ),
            (
                "rvoip_media_calls",
                "gauge",
                "calls on each media worker",
                per(&|w| w.calls.load(Relaxed)),
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
            histogram(
                out,
                name,
                "",
                &format!("worker=\"{i}\""),
                &le,
                l.count.load(Relaxed),
                sum,
            );
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

    fn render_gateway(&self, out: &mut String) {
        let gs = self.stats.gateway.lock().map(|g| *g).unwrap_or_default();
        put(
            out,
            "rvoip_calls_active",
            "gauge",
            "inbound calls in progress",
            &[("", gs.active)],
        );
        put(
            out,
            "rvoip_calls_total",
            "counter",
            "inbound calls by what the gateway did",
            &[
                ("{outcome=\"bridged\"}", gs.bridged),
                ("{outcome=\"echoed\"}", gs.echoed),
                ("{outcome=\"route_rejected\"}", gs.route_rejected),
                ("{outcome=\"over_limit\"}", gs.over_limit),
                ("{outcome=\"rate_limited\"}", gs.rate_limited),
                ("{outcome=\"over_rate\"}", gs.over_rate),
                ("{outcome=\"drain_rejected\"}", gs.drain_rejected),
            ],
        );
        put(
            out,
            "rvoip_calls_answered_total",
            "counter",
            "bridged calls answered end to end",
            &[("", gs.bridged_answered)],
        );
        let failures = self
            .stats
            .gateway_failures
            .lock()
            .map(|f| f.clone())
            .unwrap_or_default();
        let rows: Vec<(String, u64)> = failures
            .iter()
            .map(|(st, n)| (format!("{{status=\"{st}\"}}"), *n))
            .collect();
        let samples: Vec<(&str, u64)> = rows.iter().map(|(l, v)| (l.as_str(), *v)).collect();
        put(
            out,
            "rvoip_calls_failed_total",
            "counter",
            "outbound legs failed, by status",
            &samples,
        );
        put(
            out,
            "rvoip_draining",
            "gauge",
            "1 while draining",
            &[("", u64::from(gs.draining))],
        );
        let name = "rvoip_call_setup_seconds";
        let _ = writeln!(
            out,
            "# HELP {name} INVITE in to answer from the far side\n# TYPE {name} histogram"
        );
        let le: Vec<(f64, u64)> = SETUP_BUCKETS_MS
            .iter()
            .zip(gs.setup_le)
            .map(|(ms, n)| (*ms as f64 / 1e3, n))
            .collect();
        histogram(
            out,
            name,
            "",
            "",
            &le,
            gs.bridged_answered,
            gs.setup_sum_ms as f64 / 1e3,
        );
    }
}
