//! The gateway's counters, and the setup-time histogram's buckets.

/// Gateway counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct GatewayStats {
    /// Inbound calls in progress (bridged or echoed).
    pub active: u64,
    /// Calls bridged to a target (outbound leg placed).
    pub bridged: u64,
    /// Calls answered by the echo service.
    pub echoed: u64,
    /// Bridged calls answered end to end.
    pub bridged_answered: u64,
    /// Bridged calls taken over from a node that died (their caller took
    /// our re-INVITE; issue #19).
    pub taken_over: u64,
    /// Calls refused by a reject route or with no route (404).
    pub route_rejected: u64,
    /// Calls refused with 503 beyond `max_calls`.
    pub over_limit: u64,
    /// Calls refused with 503 beyond the per-source rate.
    pub rate_limited: u64,
    /// Calls refused with 503 beyond the overall rate (`max_cps`).
    pub over_rate: u64,
    /// Calls refused with 503 while draining.
    pub drain_rejected: u64,
    /// Outbound legs that failed (their status relayed).
    pub outbound_failed: u64,
    /// Draining: new calls are refused, calls in progress may finish.
    pub draining: bool,
    /// Bridged calls answered within each of `SETUP_BUCKETS_MS` of the
    /// INVITE arriving (cumulative).
    pub setup_le: [u64; SETUP_BUCKETS_MS.len()],
    /// Sum of those setup times (ms).
    pub setup_sum_ms: u64,
}

impl GatewayStats {
    /// The sum of two shards' counters.
    pub fn merged(mut self, o: &GatewayStats) -> GatewayStats {
        for (a, b) in [
            (&mut self.active, o.active),
            (&mut self.bridged, o.bridged),
            (&mut self.echoed, o.echoed),
            (&mut self.bridged_answered, o.bridged_answered),
            (&mut self.taken_over, o.taken_over),
            (&mut self.route_rejected, o.route_rejected),
            (&mut self.over_limit, o.over_limit),
            (&mut self.rate_limited, o.rate_limited),
            (&mut self.over_rate, o.over_rate),
            (&mut self.drain_rejected, o.drain_rejected),
            (&mut self.outbound_failed, o.outbound_failed),
            (&mut self.setup_sum_ms, o.setup_sum_ms),
        ] {
            *a += b;
        }
        for (a, b) in self.setup_le.iter_mut().zip(o.setup_le) {
            *a += b;
        }
        self.draining |= o.draining;
        self
    }
}

/// Upper bounds (ms) of the setup-time histogram buckets.
pub const SETUP_BUCKETS_MS: [u64; 8] = [10, 50, 100, 250, 500, 1_000, 5_000, 30_000];
