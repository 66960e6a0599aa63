//! `[dns]`: the name servers for targets that name hosts (RFC 3263), how
//! long a lookup may take, how long a failed server is tried last.

use serde::Deserialize;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DnsCfg {
    /// "IP" (port 53) or "IP:port"; empty: /etc/resolv.conf's.
    pub servers: Vec<String>,
    pub timeout_ms: u64,
    pub failed_secs: u64,
}

/// The DNS settings `cfg` gives, each bad value an error naming its key.
pub fn load(cfg: &DnsCfg) -> Result<rvoip::api::DnsConfig, String> {
    let mut servers = Vec::new();
    for (i, s) in cfg.servers.iter().enumerate() {
        let addr = match (s.parse::<SocketAddr>(), s.parse::<IpAddr>()) {
            (Ok(a), _) => a,
            (_, Ok(ip)) => SocketAddr::new(ip, 53),
            _ => {
                return Err(format!(
                    "dns.servers[{i}]: {s:?} is not a name server address (\"IP\" for port 53, or \"IP:port\")"
                ));
            }
        };
        servers.push(addr);
    }
    if !(100..=60_000).contains(&cfg.timeout_ms) {
        return Err(format!("dns.timeout_ms ({}) must be 100-60000", cfg.timeout_ms));
    }
    Ok(rvoip::api::DnsConfig {
        servers,
        timeout: Duration::from_millis(cfg.timeout_ms),
        failed_for: Duration::from_secs(cfg.failed_secs),
    })
}
