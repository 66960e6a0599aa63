//! Bytes to an rsip message: our framing and normalisation first, then
//! rsip's tokenizer on the normalised head.

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
    let (version, body) = (rsip::Version::V2, raw.body);
    Ok(match kind {
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
    })
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

fn check_start_line(raw: &RawMessage) -> Result<(), ParseError> {
    let syntax = |reason: &str| ParseError::Syntax {
        reason: reason.to_owned(),
        raw: Box::new(raw.clone()),
    };
    if !raw.is_request() {
        let mut parts = raw.start.splitn(3, ' ');
        let (_, code) = (parts.next(), parts.next().unwrap_or(""));
        return match code.parse::<u16>() {
            Ok(c) if (100..700).contains(&c) => Ok(()),
            _ => Err(syntax("Malformed status line")),
        };
    }
    let parts: Vec<&str> = raw.start.split(' ').collect();
    if parts.len() != 3 || parts.iter().any(|p| p.is_empty()) {
        return Err(syntax("Malformed request line"));
    }
    if !parts[2].eq_ignore_ascii_case("SIP/2.0") {
        return Err(if parts[2].starts_with("SIP/") {
            ParseError::BadVersion(Box::new(raw.clone()))
        } else {
            syntax("Malformed request line")
        });
    }
    let uri = parts[1];
    if uri.starts_with('<') {
        return Err(syntax("Request-URI must not be enclosed in <>"));
    }
    if let Some((scheme, _)) = uri.split_once(':') {
        let token = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
            && scheme.bytes().all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b));
        if token && !["sip", "sips", "tel"].iter().any(|s| scheme.eq_ignore_ascii_case(s)) {
            return Err(ParseError::UnsupportedScheme(Box::new(raw.clone())));
        }
    }
    if !METHODS.contains(&parts[0]) {
        return Err(
            if parts[0]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(&b))
            {
                ParseError::UnknownMethod(Box::new(raw.clone()))
            } else {
                syntax("Malformed method")
            },
        );
    }
    Ok(())
}
