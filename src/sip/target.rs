//! Where a SIP URI points: host, port and transport (RFC 3263 without DNS;
//! IP literals and `localhost` only).

use crate::ids::{Peer, TransportKind};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// Resolves `sip:user@host:port;transport=tcp` to a [`Peer`]; `None` when
/// the host is a name other than localhost (no DNS here).
pub fn uri_peer(uri: &str, default: TransportKind) -> Option<Peer> {
    let uri = super::uri_of(uri);
    let (scheme, rest) = uri.split_once(':')?;
    if !scheme.eq_ignore_ascii_case("sip") && !scheme.eq_ignore_ascii_case("sips") {
        return None;
    }
    let (hostport, params) = rest.split_once(';').unwrap_or((rest, ""));
    let hostport = hostport.rsplit_once('@').map_or(hostport, |(_, h)| h);
    let hostport = hostport.split('?').next().unwrap_or(hostport);
    let (host, port) = super::split_host_port(hostport)?;
    let ip: IpAddr = if host.eq_ignore_ascii_case("localhost") {
        IpAddr::V4(Ipv4Addr::LOCALHOST)
    } else {
        host.parse().ok()?
    };
    let port = match port {
        Some(p) => p.parse().ok()?,
        None => 5060,
    };
    let transport = params
        .split(';')
        .find_map(|p| {
            p.split_once('=')
                .filter(|(k, _)| k.eq_ignore_ascii_case("transport"))
                .map(|(_, v)| v)
        })
        .map_or(default, |t| {
            if t.eq_ignore_ascii_case("tcp") {
                TransportKind::Tcp
            } else {
                TransportKind::Udp
            }
        });
    Some(Peer {
        transport,
        addr: SocketAddr::new(ip, port),
    })
}
