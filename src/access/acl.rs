//! Source ACLs: CIDR entries tried in order, the first that holds the
//! source's address deciding. The address is the socket's source, never
//! a header.

use ipnet::IpNet;
use std::net::IpAddr;

/// What an ACL entry does with the sources it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AclAction {
    /// A peer we trust (a trunk): let in without authentication, exempt
    /// from abuse limits.
    Trust,
    /// Let in (and challenged, when authentication is on).
    Allow,
    /// Refused, as the listener refuses.
    Deny,
}

/// How a source stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceClass {
    /// An entry trusts it.
    Trusted,
    /// An entry allows it.
    Allowed,
    /// An entry denies it.
    Denied,
    /// No entry holds it: the listener's `untrusted` policy applies.
    Unlisted,
}

/// The ordered entries.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Acl {
    entries: Vec<(IpNet, AclAction)>,
}

impl Acl {
    /// An ACL of `entries`, tried in order.
    pub fn new(entries: Vec<(IpNet, AclAction)>) -> Self {
        Acl { entries }
    }

    /// How `source` stands.
    pub fn classify(&self, source: IpAddr) -> SourceClass {
        // An IPv4 peer on a dual-stack socket arrives as ::ffff:a.b.c.d.
        let source = match source {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(source, IpAddr::V4),
            v4 => v4,
        };
        match self.entries.iter().find(|(net, _)| net.contains(&source)) {
            Some((_, AclAction::Trust)) => SourceClass::Trusted,
            Some((_, AclAction::Allow)) => SourceClass::Allowed,
            Some((_, AclAction::Deny)) => SourceClass::Denied,
            None => SourceClass::Unlisted,
        }
    }

    /// Whether any entry holds `source` (route sources).
    pub fn holds(nets: &[IpNet], source: IpAddr) -> bool {
        nets.iter().any(|n| n.contains(&source))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_entry_holding_the_source_decides() {
        let acl = Acl::new(vec![
            ("10.0.0.1/32".parse().unwrap(), AclAction::Deny),
            ("10.0.0.0/8".parse().unwrap(), AclAction::Trust),
            ("192.0.2.0/24".parse().unwrap(), AclAction::Allow),
        ]);
        let class = |a: &str| acl.classify(a.parse().unwrap());
        assert_eq!(class("10.0.0.1"), SourceClass::Denied);
        assert_eq!(class("10.9.9.9"), SourceClass::Trusted);
        assert_eq!(class("192.0.2.7"), SourceClass::Allowed);
        assert_eq!(class("198.51.100.1"), SourceClass::Unlisted);
        assert_eq!(class("::ffff:10.2.3.4"), SourceClass::Trusted, "a mapped IPv4 address");
    }
}
