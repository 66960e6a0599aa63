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
        let (proto, rest) = value.trim().split_once(char::is_whitespace)?;
        let mut parts = proto.split('/');
        let (name, version, transport) = (parts.next()?, parts.next()?, parts.next()?);
        if !name.trim().eq_ignore_ascii_case("SIP") || version.trim() != "2.0" || transport.is_empty() {
            return None;
        }
        let (sent_by, params) = rest.split_once(';').unwrap_or((rest, ""));
        if rest.contains(';') && params.split(';').any(|p| p.trim().is_empty()) {
            return None;
        }
        let sent_by = sent_by.trim();
        let (host, port) = super::split_host_port(sent_by)?;
        let port = match port {
            Some(p) => Some(p.trim().parse().ok()?),
            None => None,
        };
        if host.is_empty() || host.contains(char::is_whitespace) {
            return None;
        }
        Some(Via {
            transport: transport.trim(),
            host,
            port,
            params,
        })
    }

    /// A Via parameter: `Some("")` for a flag such as a bare `rport`.
    pub fn param(&self, name: &str) -> Option<&'a str> {
        self.params.split(';').find_map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    }

    /// `host:port` as written, for transaction matching.
    pub fn sent_by(&self) -> String {
        let mut s = String::with_capacity(self.host.len() + 6);
        s.push_str(self.host);
        if let Some(p) = self.port {
            s.push(':');
            super::push_u64(&mut s, u64::from(p));
        }
        s
    }
}

/// Adds `received` when the sent-by host is not the source address and
/// fills an empty `rport` with the source port (RFC 3581 §4).
pub fn stamp_received(value: &str, src: SocketAddr) -> Option<String> {
    let via = Via::parse(value)?;
    let same_host = via.host.parse::<IpAddr>().is_ok_and(|ip| ip == src.ip());
    let wants_rport = via.param("rport").is_some_and(str::is_empty);
    if same_host && !wants_rport {
        return None;
    }
    let mut out = String::with_capacity(value.len() + 32);
    let mut params = Vec::new();
    for p in via.params.split(';').filter(|p| !p.trim().is_empty()) {
        let key = p.split('=').next().unwrap_or("").trim();
        if key.eq_ignore_ascii_case("rport") && wants_rport {
            params.push(format!("rport={}", src.port()));
        } else if !key.eq_ignore_ascii_case("received") {
            params.push(p.trim().to_owned());
        }
    }
    if !same_host {
        params.push(format!("received={}", src.ip()));
    }
    let head = value.trim().split(';').next().unwrap_or("").trim();
    out.push_str(head);
    for p in params {
        out.push(';');
        out.push_str(&p);
    }
    Some(out)
}

/// Where a response to a request with this (stamped) top Via goes over an
/// unreliable transport: `received`/`rport` first, then sent-by, port 5060
/// by default. `None` when the host is a name (no DNS here): the caller then
/// answers to the source address.
pub fn response_addr(value: &str) -> Option<SocketAddr> {
    let via = Via::parse(value)?;
    let host = via.param("received").filter(|r| !r.is_empty()).unwrap_or(via.host);
    let ip: IpAddr = host.trim_matches(['[', ']']).parse().ok()?;
    let port = via
        .param("rport")
        .and_then(|p| p.parse().ok())
        .or(via.port)
        .unwrap_or(5060);
    Some(SocketAddr::new(ip, port))
}
