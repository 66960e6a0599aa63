//! What the gateway is told: routes, limits, the echo service's manners.

use crate::ids::TransportKind;
use std::time::Duration;

/// What a matching route does with a call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RouteAction {
    /// Answer with a final status (300–699).
    Reject(crate::status::StatusCode),
    /// The built-in echo service, answered after `answer_after` of ringing.
    Echo {
        /// Ringing time before the 200.
        answer_after: Duration,
    },
    /// Bridge to `uri` (its user part, if empty, becomes the caller's
    /// Request-URI user).
    Forward {
        /// Target URI, e.g. `sip:127.0.0.1:5070` or `sip:pbx@10.0.0.2;transport=tcp`.
        uri: String,
        /// Transport unless the URI names one.
        transport: TransportKind,
        /// Codecs to offer on the outbound leg (`PCMU`, `PCMA`, `opus`);
        /// empty: follow the caller's offer.
        codecs: Vec<String>,
    },
}

/// One route: a call matches when its Request-URI user starts with
/// `user_prefix` and, if `domain` is set, its host equals it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// Request-URI user prefix ("" matches all).
    pub user_prefix: String,
    /// Request-URI host to match (case-insensitive), if any.
    pub domain: Option<String>,
    /// What to do.
    pub action: RouteAction,
}

/// The gateway's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayConfig {
    /// Tried in order; no match answers 404.
    pub routes: Vec<Route>,
    /// Most concurrent inbound calls; beyond them 503 + Retry-After.
    pub max_calls: usize,
    /// New calls per second admitted from one source address (0: no
    /// limit); beyond it 503 + Retry-After.
    pub calls_per_source: u32,
    /// New calls per second admitted in all (0: no limit); beyond it 503 +
    /// Retry-After, so admitted calls keep the capacity they need.
    pub max_cps: u32,
    /// The echo service sends 180 before answering.
    pub echo_ring: bool,
}

impl Default for GatewayConfig {
    fn default() -> Self {
        GatewayConfig {
            routes: vec![Route {
                user_prefix: String::new(),
                domain: None,
                action: RouteAction::Echo {
                    answer_after: Duration::ZERO,
                },
            }],
            max_calls: 20_000,
            calls_per_source: 0,
            max_cps: 0,
            echo_ring: true,
        }
    }
}

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
    /// Bridged calls answered within each of [`SETUP_BUCKETS_MS`] of the
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
