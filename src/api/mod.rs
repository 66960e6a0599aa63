//! The session API: the only module a user imports.
//!
//! ```no_run
//! # async fn demo() -> Result<(), rvoip::api::ApiError> {
//! use rvoip::api::*;
//! let mut server = create_sip_server(ServerConfig::default()).await?;
//! while let Some(event) = server.next_event().await {
//!     if let CallEvent::Incoming(call) = event {
//!         server.accept_call(call)?;
//!     }
//! }
//! # Ok(()) }
//! ```

mod auth;
mod call_event;
mod call_options;
mod calls;
mod capture;
mod client_config;
mod config;
mod event;
mod file_task;
mod gateway;
mod handles;
mod launch;
mod listen;
mod media_stats;
mod metrics;
mod parts;
mod recording;
mod registration;
mod shelf;
mod stats;
mod tls;
mod tls_start;
mod ua;
mod wav;
mod ws_bridge;
mod ws_connect;
mod ws_playback;

pub use crate::access::{AbuseConfig, AccessConfig, Acl, AclAction, Refusal, Untrusted};
pub use crate::auth::ClientCredentials;
pub use crate::cluster::ClusterConfig;
pub use crate::ids::{CallId, TransportKind as Transport};
pub use crate::locate::DnsConfig;
pub use crate::media::audio::{
    AudioCounters, AudioError, AudioFrame, CallAudio, Direction, PlayOutcome, Playback, Prompt, TapReader,
};
pub use crate::sdp::SrtpPolicy;
pub use crate::session::{CallRecord, EndReason, Fork, LegRecord};
pub use crate::session::{ListenerSrtp, SessionTimerConfig};
pub use crate::status::StatusCode;
pub use auth::{Auth, Credentials, ha1};
pub use call_options::{AudioConfig, CallOptions};
pub use capture::{Capture, Captured};
pub use client_config::ClientConfig;
pub use config::{ServerConfig, Timers};
pub use event::{CallEvent, IncomingCall};
pub use file_task::FileTask;
pub use gateway::{GatewayConfig, GatewayStats, Route, RouteAction, SETUP_BUCKETS_MS, SipGateway, create_gateway};
pub use handles::{SipClient, SipServer};
pub use media_stats::MediaStats;
pub use metrics::Metrics;
pub use recording::{Record, Recorded, Recording, record_call};
pub use registration::{RegistrarConfig, RegistrationConfig, RegistrationState, RegistrationStatus};
pub use stats::Stats;
pub use tls::TlsConfig;
pub use ua::SipUa;
pub use wav::{WavPlayer, WavRecorder};
pub use ws_bridge::{bridge_websocket, bridge_websocket_trusting};

/// Errors of the session API.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// A socket could not be bound.
    #[error("cannot bind {addr}: {source}")]
    Bind {
        /// The address.
        addr: std::net::SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The signalling task has stopped.
    #[error("the SIP endpoint has shut down")]
    Closed,
    /// The command queue is full (counted; try again later).
    #[error("command queue full")]
    Overloaded,
    /// A configuration value is out of range.
    #[error("invalid configuration: {0}")]
    Config(String),
}

/// Lifts the process's open-file limit as far as it may go (each call's
/// media holds sockets): call once at start-up of a gateway process.
pub fn raise_fd_limit() {
    crate::limits::raise_fd_limit();
}

/// Turns transparent huge pages off for the process, so that memory taken
/// under load is faulted in 4 KiB at a time, not 2 MiB (a stall of the
/// thread that touches it): call once at start-up of a gateway process.
pub fn no_huge_pages() {
    crate::limits::no_huge_pages();
}

/// How many bridged calls' media the open-file limit holds: four sockets
/// each (RTP and RTCP per leg), a sixteenth of the limit (at most 1,024
/// descriptors) kept for the rest.
pub fn bridged_calls_within_fd_limit() -> u64 {
    let fds = crate::limits::fd_limit();
    (fds - (fds / 16).min(1024)) / 4
}

/// Whether `uri` can be a route or call target: a `sip:` or `sips:` URI
/// whose host is an IP address, `localhost` or a host name (located by
/// DNS, RFC 3263), over UDP, TCP or TLS.
pub fn is_reachable_target(uri: &str) -> bool {
    crate::locate::Query::of(uri, crate::ids::TransportKind::Udp).is_some()
}

/// The IP address a `sip:`/`sips:` target names (`sip:[::1]:5080` gives
/// ::1, `localhost` 127.0.0.1); `None` for a host name or no SIP URI.
pub fn target_ip(uri: &str) -> Option<std::net::IpAddr> {
    crate::sip::uri_host(uri)?.ip()
}

/// Whether `uri` is a `sip:` or `sips:` URI (a domain is fine: an
/// address-of-record needs no address).
pub fn is_sip_uri(uri: &str) -> bool {
    crate::sip::parse_uri(crate::sip::uri_of(uri))
        .is_ok_and(|u| matches!(u.scheme, Some(rsip::Scheme::Sip) | Some(rsip::Scheme::Sips)))
}

/// Starts a SIP server listening on `cfg.sip_addr` (UDP and/or TCP).
pub async fn create_sip_server(cfg: ServerConfig) -> Result<SipServer, ApiError> {
    launch::start(cfg.into_parts(), None).await.map(SipServer)
}

/// Starts a SIP client on an ephemeral port of `cfg.bind`.
pub async fn create_sip_client(cfg: ClientConfig) -> Result<SipClient, ApiError> {
    launch::start(cfg.into_parts(), None).await.map(SipClient)
}
