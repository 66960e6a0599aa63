//! Where a SIP URI points: host, port and transport (RFC 3263 §4). An IP
//! literal or `localhost` is an address at once ([`uri_peer`]); a host name
//! is for `crate::locate` to look up ([`uri_host`] gives its parts).

use super::scan;
use crate::ids::{Peer, TransportKind};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// The parts of a SIP URI that say where its requests go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UriHost<'a> {
    /// The host as written (an IPv6 literal without its brackets).
    pub host: &'a str,
    /// The port, when the URI gives one.
    pub port: Option<u16>,
    /// The transport the URI asks for: TLS for `sips:` whatever its
    /// `transport` says (RFC 5630 §3), else its `transport` parameter.
    pub transport: Option<TransportKind>,
    /// A `sips:` URI.
    pub sips: bool,
}

impl UriHost<'_> {
    /// The host as an address: an IP literal, or `localhost`.
    pub fn ip(&self) -> Option<IpAddr> {
        if self.host.eq_ignore_ascii_case("localhost") {
            return Some(IpAddr::V4(Ipv4Addr::LOCALHOST));
        }
        super::host_ip(self.host)
    }

    /// The port requests go to when neither the URI nor SRV gives one.
    pub fn default_port(&self) -> u16 {
        if self.transport == Some(TransportKind::Tls) {
            5061
        } else {
            5060
        }
    }
}

/// The host, port and transport of `sip:user@host:port;transport=tcp`;
/// `None` when it is no `sip:`/`sips:` URI, its port is bad, or it asks
/// for a transport we do not have (any but UDP, TCP and TLS).
pub fn uri_host(uri: &str) -> Option<UriHost<'_>> {
    // A bare URI's parameters are its own (`;transport=tcp`); only a
    // name-addr's `<...>` has parameters of the header after it.
    let uri = if scan::find(uri, b'<').is_some() {
        super::uri_of(uri)
    } else {
        scan::trim(uri)
    };
    let (scheme, rest) = scan::split_once(uri, b':')?;
    let sips = scheme.eq_ignore_ascii_case("sips");
    if !sips && !scheme.eq_ignore_ascii_case("sip") {
        return None;
    }
    let (hostport, params) = scan::split_once(rest, b';').unwrap_or((rest, ""));
    let hostport = scan::rsplit_once(hostport, b'@').map_or(hostport, |(_, h)| h);
    let hostport = scan::before(hostport, b'?');
    let (host, port) = super::split_host_port(hostport)?;
    let port = match port {
        Some(p) => Some(p.parse().ok()?),
        None => None,
    };
    let named = scan::pieces(params, b';').find_map(|p| {
        scan::split_once(p, b'=')
            .filter(|(k, _)| k.eq_ignore_ascii_case("transport"))
            .map(|(_, v)| v)
    });
    let transport = match named {
        _ if sips => Some(TransportKind::Tls),
        None => None,
        Some(t) if t.eq_ignore_ascii_case("udp") => Some(TransportKind::Udp),
        Some(t) if t.eq_ignore_ascii_case("tcp") => Some(TransportKind::Tcp),
        Some(t) if t.eq_ignore_ascii_case("tls") => Some(TransportKind::Tls),
        Some(_) => return None,
    };
    (!host.is_empty()).then_some(UriHost {
        host,
        port,
        transport,
        sips,
    })
}

/// Resolves `sip:user@host:port;transport=tcp` to a [`Peer`] without DNS;
/// `None` when the host is a name other than localhost, or [`uri_host`]
/// refuses it. A `sips:` URI is TLS, port 5061 by default; the caller
/// refuses a TLS peer when TLS is off, never sending it in plaintext
/// (RFC 3261 §26.2).
pub fn uri_peer(uri: &str, default: TransportKind) -> Option<Peer> {
    let h = uri_host(uri)?;
    let ip = h.ip()?;
    Some(Peer {
        transport: h.transport.unwrap_or(default),
        addr: SocketAddr::new(ip, h.port.unwrap_or_else(|| h.default_port())),
    })
}

/// Whether `ip` is not reachable from the Internet (RFC 1918, shared
/// address space, link-local, unique local): a Contact there, from a peer
/// that came from elsewhere, means a NAT between us.
fn private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => a.is_private() || a.is_link_local() || (a.octets()[0] == 100 && a.octets()[1] & 0xc0 == 64),
        IpAddr::V6(a) => (a.segments()[0] & 0xfe00) == 0xfc00 || (a.segments()[0] & 0xffc0) == 0xfe80,
    }
}

/// Where requests for a peer whose Contact is `contact` should go when it
/// reached us from `source`: back over its connection when it connected
/// from its Contact's host (TCP, TLS: phones seldom accept connections,
/// RFC 5923's reuse), or to where it came from when its Contact is
/// private and it came from elsewhere (NAT); `None`: to the Contact.
pub fn flow_for(contact: &str, source: Peer) -> Option<Peer> {
    let stream = source.transport.is_reliable();
    let Some(to) = uri_peer(contact, source.transport) else {
        return stream.then_some(source);
    };
    let same_host = to.addr.ip() == source.addr.ip();
    let nated = private(to.addr.ip()) && !private(source.addr.ip()) && !same_host;
    // A Contact on another public host (a proxy that did not stay on the
    // path handed us the request) is believed, as RFC 3261 has it.
    (nated || (stream && same_host)).then_some(source)
}

#[cfg(test)]
mod tests;
