//! Prometheus text exposition (format 0.0.4) of an endpoint's counters:
//! calls, SIP, queues, and per media worker packets, load and the latency
//! it adds. Rendered by hand from the atomics the driver and the workers
//! already publish (see the README's design notes).

mod access;
mod cluster;
mod gateway;
#[cfg(feature = "kernel-fastpath")]
mod kernel_path;
mod outgoing;
mod registrations;
mod shards;
mod tls;
mod workers;

use crate::driver::LiveStats;
use crate::media::MediaPlane;
use std::fmt::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// A cloneable, `Send` view of an endpoint's counters for an exporter.
#[derive(Clone)]
pub struct Metrics {
    pub(crate) stats: Arc<LiveStats>,
    pub(crate) media: Arc<MediaPlane>,
    pub(crate) gateway: bool,
    pub(crate) tls: Option<Arc<crate::transport::TlsStats>>,
    pub(crate) cluster: Option<Arc<crate::cluster::ClusterStats>>,
}

pub(super) fn put(out: &mut String, name: &str, kind: &str, help: &str, samples: &[(&str, u64)]) {
    let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} {kind}");
    for (labels, v) in samples {
        let _ = writeln!(out, "{name}{labels} {v}");
    }
}

/// One histogram's samples (its HELP and TYPE lines are the caller's,
/// written once for all label sets).
pub(super) fn histogram(out: &mut String, name: &str, labels: &str, le: &[(f64, u64)], count: u64, sum: f64) {
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
}

impl Metrics {
    /// The counters as a Prometheus text page.
    pub fn render(&self) -> String {
        let s = &self.stats;
        let t = s.totals();
        let g = |a: &AtomicU64| a.load(Relaxed);
        let mut out = String::with_capacity(8192);
        put(
            &mut out,
            "rvoip_sessions_active",
            "gauge",
            "SIP sessions (call legs) in progress",
            &[("", t.active)],
        );
        put(
            &mut out,
            "rvoip_sessions_total",
            "counter",
            "SIP sessions created",
            &[("", t.ua.calls_total)],
        );
        put(
            &mut out,
            "rvoip_sessions_answered_total",
            "counter",
            "SIP sessions answered",
            &[("", t.ua.calls_answered)],
        );
        put(
            &mut out,
            "rvoip_sessions_failed_total",
            "counter",
            "SIP sessions failed or rejected",
            &[("", t.ua.calls_failed)],
        );
        put(
            &mut out,
            "rvoip_sip_overload_rejected_total",
            "counter",
            "INVITEs refused with 503 by the session layer",
            &[("", t.ua.overload_rejected)],
        );
        put(
            &mut out,
            "rvoip_sip_shed_total",
            "counter",
            "new INVITEs answered 503 statelessly while SIP waited too long in the socket",
            &[("", t.ua.shed)],
        );
        self.render_access(&mut out);
        self.render_registrations(&mut out);
        self.render_tls(&mut out);
        self.render_cluster(&mut out);
        put(
            &mut out,
            "rvoip_sip_shedding",
            "gauge",
            "signalling threads refusing new INVITEs for queueing delay",
            &[("", t.shedding)],
        );
        let _ = writeln!(
            out,
            "# HELP rvoip_sip_queue_delay_max_seconds longest wait of a SIP datagram in the socket since the last scrape\n# TYPE rvoip_sip_queue_delay_max_seconds gauge\nrvoip_sip_queue_delay_max_seconds {}",
            s.take_queue_delay_max_us() as f64 / 1e6
        );
        put(
            &mut out,
            "rvoip_sip_bad_answered_total",
            "counter",
            "malformed messages answered with 4xx/5xx",
            &[("", t.ua.bad_answered)],
        );
        put(
            &mut out,
            "rvoip_sip_dropped_total",
            "counter",
            "messages dropped unanswered",
            &[("", t.ua.dropped)],
        );
        put(
            &mut out,
            "rvoip_transactions_active",
            "gauge",
            "SIP transactions alive",
            &[("", t.transactions)],
        );
        put(
            &mut out,
            "rvoip_queue_overflow_total",
            "counter",
            "items refused by a full queue",
            &[
                ("{queue=\"api_events\"}", g(&s.event_overflow)),
                ("{queue=\"api_commands\"}", g(&s.command_overflow)),
                ("{queue=\"shard_handover\"}", g(&s.shard_overflow)),
                ("{queue=\"media_commands\"}", g(&s.media_overflow)),
                ("{queue=\"tcp_send\"}", t.tcp_refused),
            ],
        );
        put(
            &mut out,
            "rvoip_rtp_lost_total",
            "counter",
            "RTP packets lost before reaching us (RFC 3550), ended calls",
            &[("", t.ua.rtp_lost)],
        );
        let streams = t.ua.rtp_streams;
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
            t.ua.rtp_jitter_us_sum as f64 / 1e6 / streams.max(1) as f64
        );
        put(
            &mut out,
            "rvoip_transcoded_calls_total",
            "counter",
            "bridged calls transcoded between codecs",
            &[("", t.ua.transcoded_calls)],
        );
        put(
            &mut out,
            "rvoip_media_bind_failed_total",
            "counter",
            "calls ended because their media ports could not be bound (descriptor limit, port taken)",
            &[("", t.ua.media_bind_failed)],
        );
        self.render_outgoing(&mut out);
        self.render_shards(&mut out);
        self.render_workers(&mut out);
        #[cfg(feature = "kernel-fastpath")]
        self.render_kernel_path(&mut out);
        if self.gateway {
            self.render_gateway(&mut out);
        }
        out
    }
}
