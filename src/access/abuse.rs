//! Per-source abuse limits (the anchors: Kamailio's pike and secfilter):
//! a source sending requests faster than allowed, failing authentication
//! too often, or calling itself a known scanner is blocked for a while:
//! its datagrams are dropped (counted), and the block is logged once.

use std::collections::HashMap;
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// The limits.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AbuseConfig {
    /// Requests per second a source may send (one second of burst); 0: no limit.
    pub requests_per_sec: u32,
    /// Failed authentications a source may have within a minute; 0: no limit.
    pub auth_failures: u32,
    /// How long a block lasts.
    pub block: Duration,
    /// User-Agent substrings (lower case) that block a source at once.
    pub user_agents: Vec<String>,
}

impl Default for AbuseConfig {
    fn default() -> Self {
        AbuseConfig {
            requests_per_sec: 0,
            auth_failures: 0,
            block: Duration::from_secs(300),
            user_agents: ["friendly-scanner", "sipvicious", "sipcli"].map(String::from).to_vec(),
        }
    }
}

/// Why a source was blocked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockReason {
    /// Over `requests_per_sec`.
    Rate,
    /// Over `auth_failures`.
    AuthFailures,
    /// A scanner's User-Agent.
    UserAgent,
}

impl BlockReason {
    /// Its name in log lines and metrics.
    pub fn name(self) -> &'static str {
        match self {
            BlockReason::Rate => "rate",
            BlockReason::AuthFailures => "auth-failures",
            BlockReason::UserAgent => "user-agent",
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Source {
    tokens: f64,
    last: Instant,
    failures: u32,
    failures_since: Instant,
    blocked_until: Option<Instant>,
}

/// Most sources tracked; beyond, idle ones are forgotten.
const MAX_SOURCES: usize = 100_000;

/// Every source's standing.
#[derive(Debug, Default)]
pub struct AbuseTable {
    cfg: AbuseConfig,
    sources: HashMap<IpAddr, Source>,
}

impl AbuseTable {
    /// A table enforcing `cfg`.
    pub fn new(cfg: AbuseConfig) -> Self {
        AbuseTable {
            cfg,
            sources: HashMap::new(),
        }
    }

    fn source(&mut self, now: Instant, ip: IpAddr) -> &mut Source {
        if self.sources.len() >= MAX_SOURCES && !self.sources.contains_key(&ip) {
            let (rate, block) = (f64::from(self.cfg.requests_per_sec), self.cfg.block);
            self.sources.retain(|_, s| {
                s.blocked_until.is_some_and(|t| t > now)
                    || now.duration_since(s.last).as_secs_f64() * rate < rate
                    || now.duration_since(s.failures_since) < block
            });
        }
        let rate = f64::from(self.cfg.requests_per_sec);
        self.sources.entry(ip).or_insert(Source {
            tokens: rate,
            last: now,
            failures: 0,
            failures_since: now,
            blocked_until: None,
        })
    }

    /// Whether `ip` is blocked at `now`.
    pub fn is_blocked(&self, now: Instant, ip: IpAddr) -> bool {
        self.sources
            .get(&ip)
            .and_then(|s| s.blocked_until)
            .is_some_and(|t| t > now)
    }

    /// A request from `ip` with User-Agent `agent`: the reason it blocks
    /// the source now, if it does (the caller logs that once).
    pub fn note_request(&mut self, now: Instant, ip: IpAddr, agent: Option<&str>) -> Option<BlockReason> {
        let scanner = agent.is_some_and(|a| {
            let a = a.to_ascii_lowercase();
            self.cfg
                .user_agents
                .iter()
                .any(|u| !u.is_empty() && a.contains(u.as_str()))
        });
        let (rate, block) = (f64::from(self.cfg.requests_per_sec), self.cfg.block);
        let s = self.source(now, ip);
        let reason = if scanner {
            Some(BlockReason::UserAgent)
        } else if rate > 0.0 {
            s.tokens = (s.tokens + now.duration_since(s.last).as_secs_f64() * rate).min(rate);
            s.last = now;
            if s.tokens >= 1.0 {
                s.tokens -= 1.0;
                None
            } else {
                Some(BlockReason::Rate)
            }
        } else {
            s.last = now;
            None
        };
        if reason.is_some() {
            s.blocked_until = Some(now + block);
        }
        reason
    }

    /// A failed authentication from `ip`: the reason it blocks the source
    /// now, if it does.
    pub fn note_auth_failure(&mut self, now: Instant, ip: IpAddr) -> Option<BlockReason> {
        let (limit, block) = (self.cfg.auth_failures, self.cfg.block);
        if limit == 0 {
            return None;
        }
        let s = self.source(now, ip);
        if now.duration_since(s.failures_since) > Duration::from_secs(60) {
            (s.failures, s.failures_since) = (0, now);
        }
        s.failures += 1;
        (s.failures >= limit).then(|| {
            s.blocked_until = Some(now + block);
            BlockReason::AuthFailures
        })
    }
}
