//! What a listener does with each request, by its source: trusted peers
//! pass (no authentication, no abuse limits), denied ones are refused, a
//! blocked source is dropped, and a new INVITE from a source no entry
//! lists gets the listener's `untrusted` treatment.

use super::{AbuseConfig, AbuseTable, Acl, BlockReason, SourceClass};
use std::net::IpAddr;
use std::time::Instant;

/// What a new INVITE from a source no ACL entry lists gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Untrusted {
    /// Let in: challenged when authentication is on.
    #[default]
    Challenge,
    /// 403 Forbidden.
    Forbid,
    /// Dropped without an answer.
    Drop,
}

/// How a denied source's requests are refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Refusal {
    /// 403 Forbidden.
    #[default]
    Forbid,
    /// Dropped without an answer.
    Drop,
}

/// One listener's access settings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AccessConfig {
    /// Source ACL, first match wins.
    pub acl: Acl,
    /// What a new INVITE from an unlisted source gets.
    pub untrusted: Untrusted,
    /// How a denied source's requests are refused.
    pub refusal: Refusal,
    /// Per-source limits.
    pub abuse: AbuseConfig,
    /// Requests over TLS connections whose client certificate was
    /// verified (mutual TLS) are trusted: a trunk known by its certificate
    /// (set from `TlsConfig::trust_clients`).
    pub trust_tls_clients: bool,
}

/// What happens to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gate {
    /// On it goes; `trusted` skips authentication.
    Pass {
        /// From a trusted peer.
        trusted: bool,
    },
    /// Answered 403, for this reason.
    Forbid(&'static str),
    /// Dropped, for this reason.
    Drop(&'static str),
}

/// A listener's access control.
#[derive(Debug, Default)]
pub struct Access {
    cfg: AccessConfig,
    abuse: AbuseTable,
}

impl Access {
    /// Access control as `cfg` says.
    pub fn new(cfg: AccessConfig) -> Self {
        let abuse = AbuseTable::new(cfg.abuse.clone());
        Access { cfg, abuse }
    }

    /// Whether `source` is a trusted peer.
    pub fn is_trusted(&self, source: IpAddr) -> bool {
        self.cfg.acl.classify(source) == SourceClass::Trusted
    }

    /// Whether whatever `source` sends is dropped now (a block).
    pub fn is_blocked(&self, now: Instant, source: IpAddr) -> bool {
        self.abuse.is_blocked(now, source) && !self.is_trusted(source)
    }

    /// A request from `source` with User-Agent `agent`; `new_call`: an
    /// INVITE outside a dialog.
    pub fn gate(&mut self, now: Instant, source: IpAddr, agent: Option<&str>, new_call: bool) -> Gate {
        let class = self.cfg.acl.classify(source);
        if class == SourceClass::Trusted {
            return Gate::Pass { trusted: true };
        }
        // A flood is blocked whoever sends it (and logged once), a denied
        // source included.
        if let Some(reason) = self.abuse.note_request(now, source, agent) {
            return Gate::Drop(reason.name());
        }
        match class {
            SourceClass::Trusted => Gate::Pass { trusted: true },
            SourceClass::Denied => match self.cfg.refusal {
                Refusal::Forbid => Gate::Forbid("acl-deny"),
                Refusal::Drop => Gate::Drop("acl-deny"),
            },
            SourceClass::Unlisted if new_call => match self.cfg.untrusted {
                Untrusted::Challenge => Gate::Pass { trusted: false },
                Untrusted::Forbid => Gate::Forbid("untrusted"),
                Untrusted::Drop => Gate::Drop("untrusted"),
            },
            SourceClass::Allowed | SourceClass::Unlisted => Gate::Pass { trusted: false },
        }
    }

    /// A failed authentication from `source`: the reason it blocks the
    /// source now, if it does.
    pub fn note_auth_failure(&mut self, now: Instant, source: IpAddr) -> Option<BlockReason> {
        if self.is_trusted(source) {
            return None;
        }
        self.abuse.note_auth_failure(now, source)
    }
}
