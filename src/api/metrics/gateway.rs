//! The B2BUA's part of the page: calls by outcome, failures by status,
//! the setup-time histogram.

use super::{Metrics, histogram, put};
use crate::gateway::SETUP_BUCKETS_MS;
use std::fmt::Write;

impl Metrics {
    pub(super) fn render_gateway(&self, out: &mut String) {
        let gs = self.stats.gateway_total();
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
        put(
            out,
            "rvoip_calls_taken_over_total",
            "counter",
            "bridged calls taken over from a cluster node that died (the caller took our re-INVITE)",
            &[("", gs.taken_over)],
        );
        let failures = self.stats.gateway_failures_total();
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
        histogram(out, name, "", &le, gs.bridged_answered, gs.setup_sum_ms as f64 / 1e3);
    }
}
