//! The top Via: its parts, the `received`/`rport` stamp of RFC 3261 §18.2.1
//! and RFC 3581, and where a response goes (§18.2.2).

use std::net::{IpAddr, SocketAddr};

/// A parsed Via value (`SIP/2.0/UDP host:port;params`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Via<'a> {
    /// Transport token (`UDP`, `TCP`…).
    pub transport: &'a str,
    /// sent-by host (IPv6 without brackets).
    pub host: &'a str,
    /// sent-by port, if given.
    pub port: Option<u16>,
    /// Everything after the first `;`, without it.
    pub params: &'a str,
}

impl<'a> Via<'a> {
    /// Parses one Via value; `None` when it is malformed.
    pub fn parse(value: &'a str) -> Option<Self> {
        let value = super::scan::trim(value);
        let gap = value.bytes().position(|b| b.is_ascii_whitespace())?;
        let (proto, rest) = (&value[..gap], &value[gap + 1..]);
        // `SIP/2.0/transport`: the protocol name in any case, a fourth part ignored.
        if proto.len() <= 8 || !proto.as_bytes()[..8].eq_ignore_ascii_case(b"SIP/2.0/") {
            return None;
        }
        let transport = super::scan::before(&proto[8..], b'/');
        if transport.is_empty() {
            return None;
        }
        let (sent_by, params) = match rest.bytes().position(|b| b == b';') {
            Some(i) if has_empty_param(&rest[i + 1..]) => return None,
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, ""),
        };
        let sent_by = super::scan::trim(sent_by);
        let (host, port) = super::split_host_port(sent_by)?;
        let port = match port {
            Some(p) => Some(super::scan::trim(p).parse().ok()?),
            None => None,
        };
        if host.is_empty() || host.bytes().any(|b| b.is_ascii_whitespace()) {
            return None;
        }
        // `[...]` holds an IPv6 address, and only there may a host have a colon.
        if sent_by.starts_with('[') && super::parse_v6(host).is_none() {
            return None;
        }
        Some(Via {
            transport,
            host,
            port,
            params,
        })
    }

    /// A Via parameter: `Some("")` for a flag such as a bare `rport`.
    pub fn param(&self, name: &str) -> Option<&'a str> {
        super::params::find_param(self.params, name)
    }

    /// `host:port` as written (an IPv6 host in brackets), for transaction
    /// matching.
    #[cfg(any(test, feature = "test-exports"))]
    pub fn sent_by(&self) -> String {
        let mut s = Vec::with_capacity(self.host.len() + 8);
        self.push_sent_by(|b| s.extend_from_slice(b));
        String::from_utf8(s).expect("invariant: written from strs")
    }

    /// `host:port` as [`Via::sent_by`] writes it, a piece at a time to `put`.
    pub fn push_sent_by(&self, mut put: impl FnMut(&[u8])) {
        let v6 = self.host.contains(':');
        if v6 {
            put(b"[");
        }
        put(self.host.as_bytes());
        if v6 {
            put(b"]");
        }
        if let Some(p) = self.port {
            put(b":");
            put(super::text::decimal(u64::from(p), &mut [0; 20]));
        }
    }

    /// Where responses go at address `ip` (`received`'s, else the sent-by
    /// host's) with the `rport` value as written: its port, else the
    /// sent-by port, else 5060 (see [`response_addr`]).
    fn route_to(&self, ip: IpAddr, rport: Option<&str>) -> SocketAddr {
        let port = rport.and_then(|p| p.parse().ok()).or(self.port).unwrap_or(5060);
        SocketAddr::new(ip, port)
    }
}

/// Whether a `;`-separated parameter list has an empty (or blank) member.
fn has_empty_param(params: &str) -> bool {
    let mut filled = false;
    for b in params.bytes() {
        if b == b';' {
            if !filled {
                return true;
            }
            filled = false;
        } else if !b.is_ascii_whitespace() {
            filled = true;
        }
    }
    !filled
}

/// Adds `received` when the sent-by host is not the source address and
/// fills an empty `rport` with the source port (RFC 3581 §4).
#[cfg(feature = "test-exports")]
pub fn stamp_received(value: &str, src: SocketAddr) -> Option<String> {
    stamp_and_route(value, src).0
}

/// The top Via of a request from `src` stamped (`None`: unchanged) and
/// where its responses go over UDP, from one parse of the value.
#[cfg(any(test, feature = "test-exports"))]
pub fn stamp_and_route(value: &str, src: SocketAddr) -> (Option<String>, Option<SocketAddr>) {
    match Via::parse(value) {
        Some(via) => stamp_parsed(&via, value, src),
        None => (None, None),
    }
}

/// [`stamp_and_route`] of `value` already parsed as `via`.
pub fn stamp_parsed(via: &Via<'_>, value: &str, src: SocketAddr) -> (Option<String>, Option<SocketAddr>) {
    let src_ip = src.ip().to_canonical();
    let host_ip = super::host_ip(via.host);
    let same_host = host_ip.is_some_and(|ip| ip.to_canonical() == src_ip);
    let rport = via.param("rport");
    let wants_rport = rport.is_some_and(str::is_empty);
    // A `received` the sender wrote itself that is not where it sent from
    // would steer our responses elsewhere: it is replaced.
    let received = via.param("received");
    let received_ip = received.and_then(super::host_ip);
    let stale = received.is_some() && received_ip.is_none_or(|ip| ip.to_canonical() != src_ip);
    if same_host && !wants_rport && !stale {
        // As `response_addr` reads it: `received` (when present, the
        // source) or the sent-by host.
        return (None, received_ip.or(host_ip).map(|ip| via.route_to(ip, rport)));
    }
    let mut out = String::with_capacity(value.len() + 40);
    out.push_str(value.trim().split(';').next().unwrap_or("").trim());
    for p in via.params.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let key = p.split('=').next().unwrap_or("").trim();
        if key.eq_ignore_ascii_case("rport") && wants_rport {
            out.push_str(";rport=");
            super::push_u64(&mut out, u64::from(src.port()));
        } else if !key.eq_ignore_ascii_case("received") {
            out.push(';');
            out.push_str(p);
        }
    }
    if !same_host {
        out.push_str(";received=");
        super::push_ip(&mut out, src.ip());
    }
    // Stamped, `received` is the source address (or absent with a sent-by
    // equal to it) and an empty `rport` is the source port.
    let route = match wants_rport {
        true => src,
        false => via.route_to(src.ip(), rport),
    };
    (Some(out), Some(route))
}

/// Where a response to a request with this (stamped) top Via goes over an
/// unreliable transport: `received`/`rport` first, then sent-by, port 5060
/// by default. `None` when the host is a name (no DNS here): the caller then
/// answers to the source address.
pub fn response_addr(value: &str) -> Option<SocketAddr> {
    let via = Via::parse(value)?;
    // `received` with or without brackets (RFC 5118 §4.5).
    let ip = super::host_ip(via.param("received").filter(|r| !r.is_empty()).unwrap_or(via.host))?;
    Some(via.route_to(ip, via.param("rport")))
}
