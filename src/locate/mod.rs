//! Locating SIP servers (RFC 3263): the transport, address and port a SIP
//! URI's requests go to, and the ones to fail over to.
//!
//! Split as the rest of the signalling plane is. The sans-IO half lives in
//! the UA core: [`Query::of`] tells an IP literal (an address at once)
//! from a host name to look up; a [`Locator`] answers a lookup from its
//! cache (kept by TTL) or emits a [`Resolve`] intent and holds the waiters
//! until the answer comes back as an input (or its time runs out); each
//! request orders the answer afresh (`order.rs`: SRV priority, then
//! weight, with the core's seeded random source), the peers that failed
//! lately last. The driver performs each [`Resolve`] on tokio
//! ([`DnsResolver`]: NAPTR, then SRV, then A/AAAA with hickory-resolver)
//! and never on the signalling thread's time. Each TLS peer handed out
//! for a name is bound to it ([`TlsNames`]): the name its certificate
//! must show (RFC 5922 §4), which the driver passes to the connection.

mod dns;
mod families;
mod locator;
mod naptr;
mod order;
mod rfc3263;
mod tls_names;

pub use dns::DnsResolver;
pub use families::Families;
pub use locator::{Located, Locator, Waiter};
pub use tls_names::TlsNames;

use crate::ids::TransportKind;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// DNS settings: where queries go, how long a lookup may take, how long a
/// server that failed is tried last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsConfig {
    /// Name servers to ask (UDP, and TCP for truncated answers); empty:
    /// the system's (`/etc/resolv.conf`).
    pub servers: Vec<SocketAddr>,
    /// Longest a lookup (NAPTR, SRV and A/AAAA together) may take before
    /// the request waiting on it fails (408).
    pub timeout: Duration,
    /// How long a server that did not answer (Timer B/F) or could not be
    /// reached is tried after the others of a name (RFC 3263 §4.3).
    pub failed_for: Duration,
}

impl Default for DnsConfig {
    fn default() -> Self {
        DnsConfig {
            servers: Vec::new(),
            timeout: Duration::from_secs(5),
            failed_for: Duration::from_secs(60),
        }
    }
}

/// A host name to look up for a SIP URI (RFC 3263 §4.1, §4.2).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Query {
    /// The host name, lower-case, without a trailing dot.
    pub host: String,
    /// The URI's port: then only A/AAAA are asked.
    pub port: Option<u16>,
    /// The transport the URI names (TLS for `sips:`): then no NAPTR.
    pub transport: Option<TransportKind>,
    /// A `sips:` URI: only TLS will do.
    pub sips: bool,
}

/// Where a URI points before any DNS.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Target {
    /// An IP literal (or `localhost`): this peer.
    Peer(crate::ids::Peer),
    /// A host name to look up.
    Name(Query),
}

impl Query {
    /// Where `uri` points: a peer (over the URI's transport, else
    /// `default`) or a name to look up; `None` when it is no SIP URI we
    /// can send to (see [`crate::sip::uri_host`]).
    pub fn of(uri: &str, default: TransportKind) -> Option<Target> {
        if let Some(peer) = crate::sip::uri_peer(uri, default) {
            return Some(Target::Peer(peer));
        }
        let h = crate::sip::uri_host(uri)?;
        let host = h.host.trim_end_matches('.').to_ascii_lowercase();
        let name = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '.' || c == '_';
        let ok = !host.is_empty() && host.chars().all(name);
        ok.then_some(Target::Name(Query {
            host,
            port: h.port,
            transport: h.transport,
            sips: h.sips,
        }))
    }
}

/// One server DNS named for a target: an SRV record's (or the host's own
/// when it has none), with the addresses its name has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    /// The transport its NAPTR or SRV record (or the URI) says.
    pub transport: TransportKind,
    /// SRV priority: lower first.
    pub priority: u16,
    /// SRV weight: the share of requests among equal priorities.
    pub weight: u16,
    /// Its addresses, with the SRV record's port.
    pub addrs: Vec<SocketAddr>,
}

/// What DNS said about a target, before a request orders it: groups in
/// NAPTR order (or ours of the SRV queries), each one SRV record set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerSet {
    /// The groups, first preferred.
    pub groups: Vec<Vec<Server>>,
    /// When the shortest TTL of the records it came from runs out.
    pub valid_until: Instant,
}

/// The id of one lookup in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResolveId(pub u64);

/// A lookup the driver is to perform; its answer comes back through
/// `Endpoint::handle_resolved` with the same id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolve {
    /// Its id.
    pub id: ResolveId,
    /// What to look up.
    pub query: Query,
}

/// Why a target could not be located.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LocateError {
    /// DNS has no such name, or no records of the types asked.
    #[error("{0}: no such name, or no SIP server records or addresses")]
    NotFound(String),
    /// DNS failed: a server error, a refused, truncated or bad answer.
    #[error("{0}: DNS failed: {1}")]
    Dns(String, String),
    /// No answer within the configured time.
    #[error("{0}: no DNS answer in time")]
    Timeout(String),
    /// Its servers are all on transports or address families we cannot
    /// use (TLS off, IPv6 only on an IPv4 listener).
    #[error("{0}: no server on a transport and address family we can use")]
    Unusable(String),
    /// Too many lookups in flight.
    #[error("{0}: too many DNS lookups in flight")]
    Busy(String),
}

impl LocateError {
    /// The status a request that could not be sent for it fails with:
    /// 408 when DNS did not answer in time (as Timer B would), else 503.
    pub fn status(&self) -> crate::status::StatusCode {
        match self {
            LocateError::Timeout(_) => crate::status::StatusCode::REQUEST_TIMEOUT,
            _ => crate::status::StatusCode::SERVICE_UNAVAILABLE,
        }
    }
}
