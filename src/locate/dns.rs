//! The driver's DNS: a hickory-resolver per signalling shard, asking the
//! configured name servers (or the system's), with its own cache; each
//! [`Resolve`](super::Resolve) is performed as RFC 3263 says
//! (`rfc3263.rs`) within the configured time, on tokio.

use super::{DnsConfig, LocateError, Query, ServerSet};
use hickory_resolver::TokioResolver;
use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig, ResolverOpts};
use hickory_resolver::net::NetError;
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use std::time::Duration;

/// A resolver for SIP targets.
#[derive(Clone)]
pub struct DnsResolver {
    resolver: TokioResolver,
    timeout: Duration,
}

impl std::fmt::Debug for DnsResolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DnsResolver({:?})", self.timeout)
    }
}

impl DnsResolver {
    /// A resolver asking `cfg.servers` (UDP, and TCP for truncated
    /// answers), or the system's name servers when there are none.
    pub fn new(cfg: &DnsConfig) -> Result<Self, String> {
        let provider = TokioRuntimeProvider::default();
        let mut builder = if cfg.servers.is_empty() {
            TokioResolver::builder(provider).map_err(|e| format!("the system's DNS settings: {e}"))?
        } else {
            let servers = cfg.servers.iter().map(|s| {
                let (mut udp, mut tcp) = (ConnectionConfig::udp(), ConnectionConfig::tcp());
                (udp.port, tcp.port) = (s.port(), s.port());
                NameServerConfig::new(s.ip(), true, vec![udp, tcp])
            });
            let config = ResolverConfig::from_name_servers(servers.collect());
            TokioResolver::builder_with_config(config, provider).with_options(ResolverOpts::default())
        };
        // Each query may try twice within the whole lookup's time, which
        // may take three queries in a row (NAPTR, SRV, A).
        let opts = builder.options_mut();
        opts.timeout = (cfg.timeout / 6).max(Duration::from_millis(100));
        opts.attempts = 2;
        let resolver = builder.build().map_err(|e| format!("DNS resolver: {e}"))?;
        Ok(DnsResolver {
            resolver,
            timeout: cfg.timeout,
        })
    }

    /// The servers for `query` (RFC 3263 §4), within the configured time.
    pub async fn locate(&self, query: &Query) -> Result<ServerSet, LocateError> {
        // RFC 6761 §6.4: no name under .invalid exists; no server is asked.
        if query.host == "invalid" || query.host.ends_with(".invalid") {
            return Err(LocateError::NotFound(query.host.clone()));
        }
        let found = tokio::time::timeout(self.timeout, self.servers(query)).await;
        let found = found.unwrap_or_else(|_| Err(LocateError::Timeout(query.host.clone())));
        match &found {
            Ok(set) => tracing::debug!(host = %query.host, groups = set.groups.len(), "located"),
            Err(e) => tracing::warn!("cannot locate SIP target: {e}"),
        }
        found
    }

    /// The inner resolver (for the RFC 3263 steps).
    pub(super) fn inner(&self) -> &TokioResolver {
        &self.resolver
    }
}

/// What a failed query means for the lookup: no records (go on to the
/// next step: `None`), or a failure of the whole lookup.
pub(super) fn failure(host: &str, e: NetError) -> Option<LocateError> {
    if e.is_no_records_found() || e.is_nx_domain() {
        return None;
    }
    let e = match e {
        NetError::Timeout => LocateError::Timeout(host.to_owned()),
        e => LocateError::Dns(host.to_owned(), e.to_string()),
    };
    Some(e)
}
