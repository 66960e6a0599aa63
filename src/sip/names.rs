//! Header names as the framing meets them: compact forms expanded, the
//! common ones kept as static strings (not copied per message), and the
//! check that a name has no white space in it.

use std::borrow::Cow;

/// Compact header forms of RFC 3261 §7.3.3 and later RFCs.
pub(super) fn expand(name: &str) -> &str {
    if name.len() != 1 {
        return name;
    }
    match name.as_bytes()[0].to_ascii_lowercase() {
        b'i' => "Call-ID",
        b'm' => "Contact",
        b'e' => "Content-Encoding",
        b'l' => "Content-Length",
        b'c' => "Content-Type",
        b'f' => "From",
        b's' => "Subject",
        b'k' => "Supported",
        b't' => "To",
        b'v' => "Via",
        b'o' => "Event",
        b'r' => "Refer-To",
        b'b' => "Referred-By",
        b'u' => "Allow-Events",
        b'x' => "Session-Expires",
        _ => name,
    }
}

/// Whether a header name has no white space in it.
pub(super) fn is_name(name: &str) -> bool {
    if name.is_ascii() {
        !name.bytes().any(|b| b.is_ascii_whitespace() || b == 0x0b)
    } else {
        !name.contains(char::is_whitespace)
    }
}

/// The names nearly every message carries, spelled as RFC 3261 does: a
/// name written exactly so is not copied.
const COMMON: [&str; 16] = [
    "Via",
    "From",
    "To",
    "Call-ID",
    "CSeq",
    "Contact",
    "Max-Forwards",
    "Content-Type",
    "Content-Length",
    "Record-Route",
    "Route",
    "Allow",
    "Supported",
    "User-Agent",
    "Server",
    "Subject",
];

/// `name` as a static string when it is one of [`COMMON`], else a copy.
pub(super) fn interned(name: &str) -> Cow<'static, str> {
    match COMMON.iter().find(|c| **c == name) {
        Some(c) => Cow::Borrowed(c),
        None => Cow::Owned(name.to_owned()),
    }
}
