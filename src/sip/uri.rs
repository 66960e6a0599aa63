//! The common SIP URI without rsip's tokenizer: `sip:[user@]host[:port]`
//! with a plain user, an IPv4 address or a hostname, token-only
//! `;name[=value]` parameters and no headers — what SIPp, phones and we ourselves put in Request-URIs, and
//! what rsip's nom tokenizer took ~2 µs apiece for (six times per bridged
//! call). Anything else goes to the tokenizer; `tests/sip_framing.rs`
//! checks both agree — except that rsip 0.4 reads a user with a dot
//! (`john.doe@host`) as part of the host, where this path keeps the user
//! RFC 3261 allows.

use super::scan;
use rsip::Uri;

/// Parses `s` with the fast path when it applies, else through rsip.
/// An IPv6 reference host (`sip:[2001:db8::1]:5060`, which rsip 0.4
/// neither reads nor writes) is kept as the text `[2001:db8::1]` in a
/// `Host::Domain`, so the URI writes back as it came.
pub fn parse_uri(s: &str) -> Result<Uri, rsip::Error> {
    let bad = || rsip::Error::ParseError(format!("bad IPv6 reference in {s}"));
    let range = match super::ipv6::reference(s) {
        None => return parse_plain(s),
        Some(Err(())) => return Err(bad()),
        Some(Ok(r)) => r,
    };
    let mut u = parse_plain(&[&s[..range.start], V6_STAND_IN, &s[range.end..]].concat())?;
    match &u.host_with_port.host {
        rsip::Host::Domain(d) if d.value() == V6_STAND_IN => {}
        _ => return Err(bad()),
    }
    u.host_with_port.host = rsip::Host::Domain(s[range].into());
    Ok(u)
}

/// The host an IPv6 reference stands in for while the rest of its URI is
/// parsed (a name no URI of ours or a peer's has: `.invalid`, RFC 2606).
const V6_STAND_IN: &str = "ipv6-reference.invalid";

fn parse_plain(s: &str) -> Result<Uri, rsip::Error> {
    match simple(s) {
        Some(u) => Ok(u),
        None => Uri::try_from(s),
    }
}

/// One `name[=value]` URI parameter (its characters checked by
/// `simple_parts`), built by rsip's own conversion (`transport`, `lr`, ...
/// get their typed variants).
fn param(p: &str) -> Option<rsip::Param> {
    let (name, value) = match scan::split_once(p, b'=') {
        Some((n, v)) => (n, Some(v)),
        None => (p, None),
    };
    rsip::Param::try_from((name, value)).ok()
}

/// The simple form's parts: user, host, port and parameters (each
/// checked, not yet built).
struct Simple<'a> {
    user: Option<&'a str>,
    host: &'a str,
    port: Option<u16>,
    params: Option<&'a str>,
}

/// `s` split as the simple form, or `None`.
fn simple_parts(s: &str) -> Option<Simple<'_>> {
    let rest = s.strip_prefix("sip:")?;
    let (rest, params) = match scan::split_once(rest, b';') {
        Some((r, p)) => (r, Some(p)),
        None => (rest, None),
    };
    let token = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.!~*'+".contains(&b));
    let param_ok = |p: &str| match scan::split_once(p, b'=') {
        Some((n, v)) => token(n) && token(v),
        None => token(p),
    };
    if params.is_some_and(|p| !scan::pieces(p, b';').all(param_ok)) {
        return None;
    }
    let (user, hostport) = match scan::split_once(rest, b'@') {
        Some((u, h)) => (Some(u), h),
        None => (None, rest),
    };
    let user_ok = |u: &str| {
        !u.is_empty()
            && u.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.!~*'()+".contains(&b))
    };
    if user.is_some_and(|u| !user_ok(u)) {
        return None;
    }
    let (host, port) = match scan::split_once(hostport, b':') {
        Some((h, p)) => (h, Some(p)),
        None => (hostport, None),
    };
    let host_ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    if !host_ok {
        return None;
    }
    let port = match port {
        Some(p) if !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()) => Some(p.parse().ok()?),
        Some(_) => return None,
        None => None,
    };
    Some(Simple {
        user,
        host,
        port,
        params,
    })
}

/// The user part and host of `s`, borrowed, and whether it has
/// parameters, when it is of the simple form
/// (`sip:[user@]host[:port][;params]`, none of them escaped): what routing
/// reads without building the URI; `None` otherwise.
pub fn simple_user_host(s: &str) -> Option<(Option<&str>, &str, bool)> {
    simple_parts(s).map(|p| (p.user, p.host, p.params.is_some()))
}

/// Whether `s` is a URI we can send to, exactly when [`parse_uri`] reads
/// it: the simple form checked without building it, anything else
/// through [`parse_uri`].
pub fn is_valid(s: &str) -> bool {
    match simple_parts(s) {
        // Each parameter as rsip reads it (it refuses an unknown transport).
        Some(Simple { params, .. }) if params.is_none_or(|p| scan::pieces(p, b';').all(|x| param(x).is_some())) => true,
        _ => parse_uri(s).is_ok(),
    }
}

/// The fast path: `None` unless `s` is of the simple form.
pub fn simple(s: &str) -> Option<Uri> {
    let Simple {
        user,
        host,
        port,
        params,
    } = simple_parts(s)?;
    let params = match params {
        Some(p) => scan::pieces(p, b';').map(param).collect::<Option<Vec<_>>>()?,
        None => Vec::new(),
    };
    Some(Uri {
        scheme: Some(rsip::Scheme::Sip),
        auth: user.map(|u| rsip::Auth {
            user: u.to_owned(),
            password: None,
        }),
        host_with_port: rsip::HostWithPort {
            // From the borrowed text: an address is parsed, not copied.
            host: rsip::Host::from(host),
            port: port.map(rsip::Port::from),
        },
        params,
        headers: Vec::new(),
    })
}
