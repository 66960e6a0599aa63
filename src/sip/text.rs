//! Writing addresses and URIs into text without `core::fmt`: rsip's
//! `Display` for a URI builds three intermediate Strings and formats the
//! IP through `Ipv4Addr`'s padding-aware `Display` (together ~5 % of a
//! bridged call's CPU). What these do not cover goes through `Display`;
//! `tests/sip_framing.rs` checks both write the same.

use rsip::{Host, Scheme, Uri};
use smallvec::{Array, SmallVec};
use std::net::IpAddr;

/// Appends `n` in decimal.
pub fn push_u64(out: &mut String, n: u64) {
    let mut digits = [0u8; 20];
    out.extend(decimal(n, &mut digits).iter().map(|&d| char::from(d)));
}

/// `n`'s decimal digits, written at the end of `digits`.
pub fn decimal(mut n: u64, digits: &mut [u8; 20]) -> &[u8] {
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    &digits[i..]
}

/// Appends an address as `Display` writes it (IPv4 without `fmt`).
pub fn push_ip(out: &mut String, ip: IpAddr) {
    match ip {
        IpAddr::V4(v4) => {
            for (i, o) in v4.octets().into_iter().enumerate() {
                if i > 0 {
                    out.push('.');
                }
                push_u64(out, u64::from(o));
            }
        }
        IpAddr::V6(_) => {
            use std::fmt::Write;
            let _ = write!(out, "{ip}");
        }
    }
}

/// Appends `uri` exactly as rsip's `Display` writes it.
pub fn push_uri(out: &mut String, uri: &Uri) {
    let plain = matches!(uri.scheme, Some(Scheme::Sip)) && uri.auth.as_ref().is_none_or(|a| a.password.is_none());
    if !plain {
        use std::fmt::Write;
        let _ = write!(out, "{uri}");
        return;
    }
    out.push_str("sip:");
    if let Some(a) = &uri.auth {
        out.push_str(&a.user);
        out.push('@');
    }
    match &uri.host_with_port.host {
        Host::Domain(d) => out.push_str(d.value()),
        // rsip writes an IPv6 host without its brackets.
        Host::IpAddr(IpAddr::V6(ip)) => {
            out.push('[');
            push_ip(out, IpAddr::V6(*ip));
            out.push(']');
        }
        Host::IpAddr(ip) => push_ip(out, *ip),
    }
    if let Some(p) = &uri.host_with_port.port {
        out.push(':');
        push_u64(out, u64::from(*p.value()));
    }
    for p in &uri.params {
        use std::fmt::Write;
        let _ = write!(out, "{p}");
    }
}
/// `parts` one after another in `buf`, on the stack while they fit: a
/// header value joined from pieces without a `String`.
pub fn joined<'b, A: Array<Item = u8>>(parts: &[&str], buf: &'b mut SmallVec<A>) -> &'b str {
    buf.clear();
    for p in parts {
        buf.extend_from_slice(p.as_bytes());
    }
    std::str::from_utf8(buf).expect("invariant: strs joined")
}
