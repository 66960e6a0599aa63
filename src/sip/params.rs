//! Small text helpers for header parameters and name-addr values.

use rand::Rng;

/// The URI of a name-addr / addr-spec header value (`"Bob" <sip:b@h>;tag=1`
/// gives `sip:b@h`).
pub fn uri_of(value: &str) -> &str {
    match (value.find('<'), value.find('>')) {
        (Some(a), Some(b)) if a < b => &value[a + 1..b],
        _ => value.split(';').next().unwrap_or(value).trim(),
    }
}

/// A header parameter of a name-addr value (`tag`, `lr`, …): `Some("")` for a
/// flag, `None` when absent.
pub fn header_param<'a>(value: &'a str, name: &str) -> Option<&'a str> {
    let params = match value.rfind('>') {
        Some(i) => &value[i + 1..],
        None => value.split_once(';').map_or("", |(_, p)| p),
    };
    params.split(';').find_map(|p| {
        let (k, v) = p.split_once('=').unwrap_or((p, ""));
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

/// A random token for tags, branches and Call-IDs (RFC 3261 §19.3: at least
/// 32 bits of randomness; we use 64).
pub fn new_token(rng: &mut impl Rng) -> String {
    let n: u64 = rng.r#gen();
    // 16 lower-case hex digits, as `{:016x}` writes them; room for a suffix.
    let mut s = String::with_capacity(40);
    s.extend(
        (0..16)
            .rev()
            .map(|i| char::from(b"0123456789abcdef"[(n >> (i * 4)) as usize & 15])),
    );
    s
}

/// Splits `host[:port]` or `[v6][:port]` into host (without brackets) and
/// the port text; `None` for an unterminated IPv6 bracket.
pub fn split_host_port(hostport: &str) -> Option<(&str, Option<&str>)> {
    if let Some(v6) = hostport.strip_prefix('[') {
        let (h, p) = v6.split_once(']')?;
        return Some((h, p.strip_prefix(':')));
    }
    Some(match hostport.split_once(':') {
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
