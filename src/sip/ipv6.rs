//! IPv6 references in SIP (RFC 3261 §19.1.1, RFC 5118): `[2001:db8::1]`
//! in URIs and sent-by, a bare address in `received` (either accepted,
//! RFC 5118 §4.5), and the three-colon form RFC 3261's ABNF let through
//! before an embedded IPv4 address (`2001:db8:::192.0.2.1`, tolerated as
//! RFC 5118 §4.10 asks).

use std::net::{IpAddr, Ipv6Addr};

/// An IPv6 address as written in SIP, without brackets; the RFC 3261
/// three-colon form before a dotted quad is read as the two-colon one.
pub fn parse_v6(s: &str) -> Option<Ipv6Addr> {
    if let Ok(a) = s.parse() {
        return Some(a);
    }
    // RFC 5118 §4.10: `x:::a.b.c.d` (RFC 3261's IPv6address let a `::`
    // run into the `:` before the IPv4 part); only that one shape.
    let (head, v4) = s.rsplit_once(":::")?;
    (!head.contains("::") && v4.contains('.') && !v4.contains(':'))
        .then(|| format!("{head}::{v4}").parse().ok())
        .flatten()
}

/// A host as written in a URI, Via or `received`: an IPv4 address, an
/// IPv6 address with or without its brackets; `None` for a name.
pub fn host_ip(host: &str) -> Option<IpAddr> {
    let inner = host.strip_prefix('[').and_then(|h| h.strip_suffix(']'));
    match inner {
        Some(v6) => parse_v6(v6).map(IpAddr::V6),
        None => host.parse().ok().or_else(|| parse_v6(host).map(IpAddr::V6)),
    }
}

/// Where the host of `uri` (`scheme:[user@]host...`) is an IPv6
/// reference: the byte range of `[...]`, brackets included. `Some(Err)`
/// when there is a `[` at the host but no valid reference (unterminated,
/// not an IPv6 address, or followed by something other than `:port`,
/// `;params`, `?headers` or the end).
pub fn reference(uri: &str) -> Option<Result<std::ops::Range<usize>, ()>> {
    let colon = uri.find(':')?;
    let rest = &uri[colon + 1..];
    let at = rest.find('[')?;
    if at != 0 && rest.as_bytes()[at - 1] != b'@' {
        return None;
    }
    let start = colon + 1 + at;
    let Some(len) = uri[start..].find(']') else {
        return Some(Err(()));
    };
    let end = start + len + 1;
    let ok = parse_v6(&uri[start + 1..end - 1]).is_some()
        && uri[end..].chars().next().is_none_or(|c| matches!(c, ':' | ';' | '?'));
    Some(if ok { Ok(start..end) } else { Err(()) })
}

/// Whether `uri`'s host looks like an IPv6 address written without its
/// brackets (`sip:2001:db8::10`, RFC 5118 §4.2): more than one colon in
/// its host and port, which no name or port has.
pub fn unbracketed(uri: &str) -> bool {
    let Some((_, rest)) = uri.split_once(':') else {
        return false;
    };
    let rest = rest.split([';', '?']).next().unwrap_or("");
    let hostport = rest.rsplit_once('@').map_or(rest, |(_, h)| h);
    !hostport.starts_with('[') && hostport.bytes().filter(|&b| b == b':').count() > 1
}

#[cfg(test)]
mod tests;
