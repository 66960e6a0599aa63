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
        let (udp_from, tls_from) = (
            Peer {
                transport: udp,
                addr: "198.51.100.7:40000".parse().unwrap(),
            },
            Peer {
                transport: TransportKind::Tls,
                addr: "198.51.100.7:40001".parse().unwrap(),
            },
        );
        assert_eq!(flow_for("sip:a@10.0.0.5:5060", udp_from), Some(udp_from), "behind NAT");
        assert_eq!(flow_for("sip:a@198.51.100.7:5060", udp_from), None, "its own address");
        assert_eq!(
            flow_for("sip:a@203.0.113.9", udp_from),
            None,
            "a public Contact is believed"
        );
        assert_eq!(
            flow_for("sip:a@10.0.0.5;transport=tls", tls_from),
            Some(tls_from),
            "its connection"
        );
        assert_eq!(
            flow_for("sip:a@198.51.100.7:5061;transport=tls", tls_from),
            Some(tls_from)
        );
        assert_eq!(
            flow_for("sip:a@203.0.113.9;transport=tls", tls_from),
            None,
            "another public host"
        );
        for uri in [
            "sip:a@127.0.0.1;transport=sctp",
            "sip:a@127.0.0.1;transport=ws",
            "tel:+15551234",
        ] {
            assert_eq!(peer(uri), None, "{uri}");
        }
    }
}
