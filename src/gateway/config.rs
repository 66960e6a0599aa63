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
        /// Credentials for a target that challenges our INVITE (a trunk).
        credentials: Option<std::sync::Arc<crate::auth::ClientCredentials>>,
        /// SRTP on the outbound leg.
        srtp: crate::sdp::SrtpPolicy,
        /// SDES keys may be offered to a target over UDP/TCP.
        sdes_in_clear: bool,
    },
    /// Call the Request-URI user's Contacts registered at our registrar
    /// (all at once when there are several; 480 when there are none).
    Registered,
    /// Hand the call to the application: `SipGateway::next_event` gives it
    /// as `CallEvent::Incoming`, whose `target()` is this (e.g. the
    /// `ws://` URL of a WebSocket audio bridge), to accept or reject.
    Application(String),
}

/// One route: a call matches when its Request-URI user starts with
/// `user_prefix`, if `domain` is set its host equals it, and if `sources`
/// is not empty its source address is in one of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Route {
    /// Request-URI user prefix ("" matches all).
    pub user_prefix: String,
    /// Request-URI host to match (case-insensitive), if any.
    pub domain: Option<String>,
    /// Source networks the route serves (empty: any source): a route to a
    /// paid trunk can be kept for the sources that may use it.
    pub sources: Vec<ipnet::IpNet>,
    /// What to do.
    pub action: RouteAction,
    /// Write each call's media packets (both legs, both ways) to a pcap
    /// in this directory (the API's `capture_call`).
    pub capture_dir: Option<std::path::PathBuf>,
    /// Its calls may be transferred: a REFER from either leg is taken on
    /// (when its target has a route of its own); `false` answers 403.
    pub transfer: bool,
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
                capture_dir: None,
                transfer: true,
                user_prefix: String::new(),
                domain: None,
                sources: Vec::new(),
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
