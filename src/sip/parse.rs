//! Bytes to an rsip message: the borrowed [`View`] for the common case
//! (one pass, no copy but the rsip values'), else our framing and
//! normalisation first; then the start line, without rsip's tokenizer.

use super::view::View;
use super::{Method, ParseError, RawMessage, Request, Response, SipMessage, framing, header};

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

/// Parses one whole message (a datagram, or a message framed from a stream).
pub fn parse(buf: &[u8]) -> Result<SipMessage, ParseError> {
    if let Some(msg) = View::parse(buf).and_then(|v| from_view(&v)) {
        return Ok(msg);
    }
    parse_full(buf)
}

/// The message of a view whose start line is sound; `None` sends it to
/// the full path, which words the fault.
fn from_view(view: &View<'_>) -> Option<SipMessage> {
    let request = view.is_request();
    if start_fault(view.start, request).is_some() {
        return None;
    }
    let kind = start_line(view.start, request)?;
    Some(message(kind, view.rsip_headers(), view.body.to_vec()))
}

fn message(kind: StartLine, headers: rsip::Headers, body: Vec<u8>) -> SipMessage {
    let version = rsip::Version::V2;
    match kind {
        Ok((method, uri)) => SipMessage::Request(Request {
            method,
            uri,
            version,
            headers,
            body,
        }),
        Err(status_code) => SipMessage::Response(Response {
            status_code,
            version,
            headers,
            body,
        }),
    }
}

/// The full path: every fault found and answerable.
pub fn parse_full(buf: &[u8]) -> Result<SipMessage, ParseError> {
    let raw = framing::split(buf)?;
    check_start_line(&raw)?;
    let syntax = |reason: &str, raw: RawMessage| ParseError::Syntax {
        reason: reason.to_owned(),
        raw: Box::new(raw),
    };
    let kind = start_line(&raw.start, raw.is_request());
    let kind = match kind {
        Some(k) => k,
        None if raw.is_request() => return Err(syntax(bad_request_uri(&raw.start), raw)),
        None => return Err(syntax("Malformed status line", raw)),
    };
    let mut headers = rsip::Headers::from(Vec::with_capacity(raw.headers.len()));
    for (name, value) in raw.headers {
        headers.push(header::to_header(name, value));
    }
    Ok(message(kind, headers, raw.body))
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

type StartLine = Result<(Method, rsip::Uri), rsip::StatusCode>;

/// The request's method and URI, or the response's status.
fn start_line(start: &str, request: bool) -> Option<StartLine> {
    let mut parts = start.splitn(3, ' ');
    let (first, second, third) = (parts.next()?, parts.next()?, parts.next().unwrap_or(""));
    if request {
        let method = super::method_of(first).or_else(|| first.parse().ok())?;
        return Some(Ok((method, super::parse_uri(second).ok()?)));
    }
    let code: u16 = second.parse().ok()?;
    Some(Err(match rsip::StatusCode::from(code) {
        rsip::StatusCode::Other(c, _) => rsip::StatusCode::Other(c, third.to_owned()),
        known => known,
    }))
}

/// What is wrong with a start line, before its parts are parsed.
enum Fault {
    Syntax(&'static str),
    Version,
    Scheme,
    Method,
}

fn check_start_line(raw: &RawMessage) -> Result<(), ParseError> {
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

fn start_fault(start: &str, request: bool) -> Option<Fault> {
    if !request {
        let mut parts = start.splitn(3, ' ');
        let (_, code) = (parts.next(), parts.next().unwrap_or(""));
        return match code.parse::<u16>() {
            Ok(c) if (100..700).contains(&c) => None,
            _ => Some(Fault::Syntax("Malformed status line")),
        };
    }
    let mut parts = start.split(' ');
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
    if let Some((scheme, _)) = uri.split_once(':') {
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
