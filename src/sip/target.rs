//! Where a SIP URI points: host, port and transport (RFC 3263 without DNS;
//! IP literals and `localhost` only).

use crate::ids::{Peer, TransportKind};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};

/// Resolves `sip:user@host:port;transport=tcp` to a [`Peer`]; `None` when
/// the host is a name other than localhost (no DNS here), or the URI asks
/// for a transport we do not have (any but UDP, TCP and TLS). A `sips:`
/// URI is TLS whatever its `transport` says (RFC 5630 §3), port 5061 by
/// default; the caller refuses a TLS peer when TLS is off, never sending
/// it in plaintext (RFC 3261 §26.2).
pub fn uri_peer(uri: &str, default: TransportKind) -> Option<Peer> {
    // A bare URI's parameters are its own (`;transport=tcp`); only a
    // name-addr's `<...>` has parameters of the header after it.
    let uri = if uri.contains('<') {
        super::uri_of(uri)
    } else {
        uri.trim()
    };
    let (scheme, rest) = uri.split_once(':')?;
    let sips = scheme.eq_ignore_ascii_case("sips");
    if !sips && !scheme.eq_ignore_ascii_case("sip") {
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
        None if sips => 5061,
        None => 5060,
    };
    let named = params.split(';').find_map(|p| {
        p.split_once('=')
            .filter(|(k, _)| k.eq_ignore_ascii_case("transport"))
            .map(|(_, v)| v)
    });
    let transport = match named {
        _ if sips => TransportKind::Tls,
        None => default,
        Some(t) if t.eq_ignore_ascii_case("udp") => TransportKind::Udp,
        Some(t) if t.eq_ignore_ascii_case("tcp") => TransportKind::Tcp,
        Some(t) if t.eq_ignore_ascii_case("tls") => TransportKind::Tls,
        Some(_) => return None,
    };
    Some(Peer {
        transport,
        addr: SocketAddr::new(ip, port),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sips_and_tls_are_tls_and_unknown_transports_unreachable() {
        let udp = TransportKind::Udp;
        let peer = |uri| uri_peer(uri, udp).map(|p| (p.transport, p.addr.to_string()));
        assert_eq!(peer("sip:a@127.0.0.1:5070"), Some((udp, "127.0.0.1:5070".into())));
        assert_eq!(
            peer("<sip:127.0.0.1;transport=TCP>"),
            Some((TransportKind::Tcp, "127.0.0.1:5060".into()))
        );
        let tcp = Some((TransportKind::Tcp, "127.0.0.1:5070".into()));
        assert_eq!(
            peer("sip:a@127.0.0.1:5070;transport=tcp"),
            tcp,
            "a bare URI keeps its parameters"
        );
        assert_eq!(
            peer("<sip:a@127.0.0.1:5070>;transport=tcp"),
            Some((udp, "127.0.0.1:5070".into()))
        );
        let tls = Some((TransportKind::Tls, "127.0.0.1:5061".into()));
        assert_eq!(peer("sips:a@127.0.0.1"), tls);
        assert_eq!(peer("sips:a@127.0.0.1:5061;transport=tcp"), tls, "sips is TLS");
        assert_eq!(peer("sip:a@127.0.0.1:5061;transport=TLS"), tls);
        for uri in [
            "sip:a@127.0.0.1;transport=sctp",
            "sip:a@127.0.0.1;transport=ws",
            "tel:+15551234",
        ] {
            assert_eq!(peer(uri), None, "{uri}");
        }
    }
}
