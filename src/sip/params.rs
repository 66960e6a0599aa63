//! Small text helpers for header parameters and name-addr values.

use rand::Rng;

/// The URI of a name-addr / addr-spec header value (`"Bob" <sip:b@h>;tag=1`
/// gives `sip:b@h`).
pub fn uri_of(value: &str) -> &str {
    let b = value.as_bytes();
    match (memchr::memchr(b'<', b), memchr::memchr(b'>', b)) {
        (Some(a), Some(e)) if a < e => &value[a + 1..e],
        _ => super::scan::trim(&value[..memchr::memchr(b';', b).unwrap_or(b.len())]),
    }
}

/// A header parameter of a name-addr value (`tag`, `lr`, …): `Some("")` for a
/// flag, `None` when absent.
pub fn header_param<'a>(value: &'a str, name: &str) -> Option<&'a str> {
    let params = match memchr::memrchr(b'>', value.as_bytes()) {
        Some(i) => &value[i + 1..],
        None => memchr::memchr(b';', value.as_bytes()).map_or("", |i| &value[i + 1..]),
    };
    find_param(params, name)
}

/// Parameter `name` of a `;`-separated list (`a=1;lr`): its trimmed value,
/// `Some("")` for a flag, `None` when absent.
pub fn find_param<'a>(params: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = params;
    loop {
        let (p, next) = match rest.bytes().position(|b| b == b';') {
            Some(i) => (&rest[..i], Some(&rest[i + 1..])),
            None => (rest, None),
        };
        let (k, v) = match p.bytes().position(|b| b == b'=') {
            Some(i) => (&p[..i], &p[i + 1..]),
            None => (p, ""),
        };
        if k.trim_ascii().eq_ignore_ascii_case(name) {
            return Some(super::scan::trim(v));
        }
        rest = next?;
    }
}

/// A random token for tags, branches and Call-IDs (RFC 3261 §19.3: at least
/// 32 bits of randomness; we use 64).
pub fn new_token(rng: &mut impl Rng) -> String {
    // Room for a suffix (`@host` of a Call-ID).
    let mut s = String::with_capacity(40);
    push_token(&mut s, rng);
    s
}

/// Appends a [`new_token`] to `out`.
pub fn push_token(out: &mut String, rng: &mut impl Rng) {
    let t = token_bytes(rng);
    out.push_str(std::str::from_utf8(&t).expect("invariant: hex digits"));
}

/// A [`new_token`]'s text: 16 lower-case hex digits, as `{:016x}` writes
/// them.
pub fn token_bytes(rng: &mut impl Rng) -> [u8; 16] {
    let n: u64 = rng.r#gen();
    std::array::from_fn(|i| b"0123456789abcdef"[(n >> ((15 - i) * 4)) as usize & 15])
}

/// Splits `host[:port]` or `[v6][:port]` into host (without brackets) and
/// the port text; `None` for an unterminated IPv6 bracket.
pub fn split_host_port(hostport: &str) -> Option<(&str, Option<&str>)> {
    if let Some(v6) = hostport.strip_prefix('[') {
        let (h, p) = super::scan::split_once(v6, b']')?;
        return Some((h, p.strip_prefix(':')));
    }
    Some(match super::scan::split_once(hostport, b':') {
        Some((h, p)) => (h, Some(p)),
        None => (hostport, None),
    })
}

/// Splits a header value at commas outside quotes and angle brackets.
pub fn split_list(value: &str) -> Vec<&str> {
    let (mut out, mut start, mut quoted, mut angle) = (Vec::new(), 0, false, false);
    let bytes = value.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if quoted => i += 1,
            b'"' => quoted = !quoted,
            b'<' if !quoted => angle = true,
            b'>' if !quoted => angle = false,
            b',' if !quoted && !angle => {
                out.push(value[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    out.push(value[start..].trim());
    out.retain(|v| !v.is_empty());
    out
}
