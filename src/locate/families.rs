//! The IP families we have a SIP address in: a server of another is not
//! usable (our datagrams to it would be refused by the kernel).

use std::net::{IpAddr, SocketAddr};

/// IPv4, IPv6: whether we have a SIP address of each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Families {
    v4: bool,
    v6: bool,
}

impl Families {
    /// The family of `local`.
    pub fn of(local: SocketAddr) -> Self {
        Families {
            v4: local.is_ipv4(),
            v6: local.is_ipv6(),
        }
    }

    /// These and `alt`'s, when we have a second address.
    pub fn with(self, alt: Option<SocketAddr>) -> Self {
        Families {
            v4: self.v4 || alt.is_some_and(|a| a.is_ipv4()),
            v6: self.v6 || alt.is_some_and(|a| a.is_ipv6()),
        }
    }

    /// Whether `ip` is of one of them.
    pub fn reach(&self, ip: IpAddr) -> bool {
        if ip.is_ipv4() { self.v4 } else { self.v6 }
    }
}
