//! The start line's faults, found before its parts are parsed, each
//! worded for the 400 (or the 505, 416 or 501) that answers it.

use super::{ParseError, RawMessage, scan};

const METHODS: [&str; 14] = [
    "ACK",
    "BYE",
    "CANCEL",
    "INFO",
    "INVITE",
    "MESSAGE",
    "NOTIFY",
    "OPTIONS",
    "PRACK",
    "PUBLISH",
    "REFER",
    "REGISTER",
    "SUBSCRIBE",
    "UPDATE",
];

/// The fault of a start line whose URI or status did not parse.
pub(super) fn bad_start(raw: RawMessage) -> ParseError {
    let reason = match raw.is_request() {
        true => bad_request_uri(&raw.start),
        false => "Malformed status line",
    };
    ParseError::Syntax {
        reason: reason.to_owned(),
        raw: Box::new(raw),
    }
}

/// The 400's reason for a Request-URI that did not parse.
fn bad_request_uri(start: &str) -> &'static str {
    let uri = start.split(' ').nth(1).unwrap_or("");
    if super::ipv6::unbracketed(uri) {
        // RFC 5118 §4.2: `sip:2001:db8::10`.
        "IPv6 address in Request-URI without brackets"
    } else if matches!(super::ipv6::reference(uri), Some(Err(()))) {
        "Malformed IPv6 reference in Request-URI"
    } else {
        "Malformed Request-URI"
    }
}

/// What is wrong with a start line, before its parts are parsed.
pub(super) enum Fault {
    Syntax(&'static str),
    Version,
    Scheme,
    Method,
}

pub(super) fn check_start_line(raw: &RawMessage) -> Result<(), ParseError> {
    let boxed = || Box::new(raw.clone());
    match start_fault(&raw.start, raw.is_request()) {
        None => Ok(()),
        Some(Fault::Syntax(reason)) => Err(ParseError::Syntax {
            reason: reason.to_owned(),
            raw: boxed(),
        }),
        Some(Fault::Version) => Err(ParseError::BadVersion(boxed())),
        Some(Fault::Scheme) => Err(ParseError::UnsupportedScheme(boxed())),
        Some(Fault::Method) => Err(ParseError::UnknownMethod(boxed())),
    }
}

pub(super) fn start_fault(start: &str, request: bool) -> Option<Fault> {
    if !request {
        let code = scan::split_once(start, b' ').map_or("", |(_, rest)| scan::before(rest, b' '));
        return match code.parse::<u16>() {
            Ok(c) if (100..700).contains(&c) => None,
            _ => Some(Fault::Syntax("Malformed status line")),
        };
    }
    let mut parts = scan::pieces(start, b' ');
    let (Some(method), Some(uri), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Some(Fault::Syntax("Malformed request line"));
    };
    if [method, uri, version].iter().any(|p| p.is_empty()) {
        return Some(Fault::Syntax("Malformed request line"));
    }
    if !version.eq_ignore_ascii_case("SIP/2.0") {
        return Some(if version.starts_with("SIP/") {
            Fault::Version
        } else {
            Fault::Syntax("Malformed request line")
        });
    }
    if uri.starts_with('<') {
        return Some(Fault::Syntax("Request-URI must not be enclosed in <>"));
    }
    if let Some((scheme, _)) = scan::split_once(uri, b':') {
        let token = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b));
        if token && !["sip", "sips", "tel"].iter().any(|s| scheme.eq_ignore_ascii_case(s)) {
            return Some(Fault::Scheme);
        }
    }
    if !METHODS.contains(&method) {
        let token = method
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(&b));
        return Some(if token {
            Fault::Method
        } else {
            Fault::Syntax("Malformed method")
        });
    }
    None
}
