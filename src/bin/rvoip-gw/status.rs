//! The status line's live media rates: packets in and out per second and
//! drops per second (all of them, the kernel's included; and the late
//! ones alone), from the media workers' counters, which move while calls
//! are up.

use rvoip::api::MediaStats;
use std::time::Instant;

/// The last reading, to take rates from.
pub struct MediaRates {
    last: (Instant, MediaStats),
}

impl MediaRates {
    /// Rates from `now` on.
    pub fn new(now: Instant, stats: MediaStats) -> Self {
        MediaRates { last: (now, stats) }
    }

    /// ` pps_in=… pps_out=… drops_ps=… late_ps=…` since the last call.
    pub fn line(&mut self, now: Instant, s: MediaStats) -> String {
        let (then, p) = std::mem::replace(&mut self.last, (now, s));
        let secs = now.duration_since(then).as_secs_f64().max(1e-3);
        let rate = |a: u64, b: u64| (a.saturating_sub(b) as f64 / secs).round() as u64;
        format!(
            " pps_in={} pps_out={} drops_ps={} late_ps={}",
            rate(s.packets_in, p.packets_in),
            rate(s.packets_out, p.packets_out),
            rate(s.dropped + s.kernel_dropped, p.dropped + p.kernel_dropped),
            rate(s.late, p.late),
        )
    }
}
