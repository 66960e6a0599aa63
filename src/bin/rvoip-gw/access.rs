//! `[access]`, `[[acl]]` and `[abuse]`: who may talk to the gateway, each
//! bad entry stopping start-up with its key named.

use crate::config::Config;
use rvoip::api::{AbuseConfig, AccessConfig, Acl, AclAction, Refusal, Untrusted};
use serde::Deserialize;
use std::time::Duration;

/// `text` as a network: a CIDR block or a single address.
pub fn net(text: &str) -> Option<ipnet::IpNet> {
    text.parse()
        .ok()
        .or_else(|| text.parse::<std::net::IpAddr>().ok().map(ipnet::IpNet::from))
}

/// The access settings `cfg` gives.
pub fn load(cfg: &Config) -> Result<AccessConfig, String> {
    let untrusted = match cfg.access.untrusted.as_str() {
        "challenge" => Untrusted::Challenge,
        "403" => Untrusted::Forbid,
        "drop" => Untrusted::Drop,
        other => {
            return Err(format!(
                "access.untrusted: {other:?} is not \"challenge\", \"403\" or \"drop\""
            ));
        }
    };
    let refusal = match cfg.access.refusal.as_str() {
        "403" => Refusal::Forbid,
        "drop" => Refusal::Drop,
        other => return Err(format!("access.refusal: {other:?} is not \"403\" or \"drop\"")),
    };
    let mut entries = Vec::new();
    for (i, e) in cfg.acl.iter().enumerate() {
        let net =
            net(&e.cidr).ok_or_else(|| format!("acl[{i}].cidr: {:?} is not an address or a CIDR block", e.cidr))?;
        let action = match e.action.as_str() {
            "trust" => AclAction::Trust,
            "allow" => AclAction::Allow,
            "deny" => AclAction::Deny,
            other => {
                return Err(format!(
                    "acl[{i}].action: {other:?} is not \"trust\", \"allow\" or \"deny\""
                ));
            }
        };
        entries.push((net, action));
    }
    if cfg.abuse.block_secs == 0 {
        return Err("abuse.block_secs: must be at least 1".into());
    }
    Ok(AccessConfig {
        trust_tls_clients: false, // [tls] trust_clients sets it at start
        acl: Acl::new(entries),
        untrusted,
        refusal,
        abuse: AbuseConfig {
            requests_per_sec: cfg.abuse.requests_per_sec,
            auth_failures: cfg.abuse.auth_failures,
            block: Duration::from_secs(cfg.abuse.block_secs),
            user_agents: cfg.abuse.user_agents.iter().map(|u| u.to_ascii_lowercase()).collect(),
        },
    })
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessCfg {
    pub untrusted: String,
    pub refusal: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AclEntry {
    pub cidr: String,
    pub action: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AbuseCfg {
    pub requests_per_sec: u32,
    pub auth_failures: u32,
    pub block_secs: u64,
    pub user_agents: Vec<String>,
}
