//! Bytes to an rsip message, as the gateway read them before [`Message`]
//! (the borrowed [`View`] for the common case, else the full path): kept
//! as the oracle the tests hold [`receive`] and the written responses to.
//!
//! [`Message`]: super::Message
//! [`receive`]: super::receive

use super::start_fault::{bad_start, check_start_line, start_fault};
use super::view::View;
use super::{Method, ParseError, Request, Response, SipMessage, framing, header};
use std::borrow::Cow;

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
    Some(message(kind, rsip_headers(view), view.body.to_vec()))
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
    let Some(kind) = start_line(&raw.start, raw.is_request()) else {
        return Err(bad_start(raw));
    };
    let mut headers = rsip::Headers::from(Vec::with_capacity(raw.headers.len()));
    for (name, value) in raw.headers {
        headers.push(header::to_header(name, value));
    }
    Ok(message(kind, headers, raw.body))
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

/// The rsip headers of `view`: each value copied once, the common names
/// not at all (as the full path builds them).
fn rsip_headers(view: &View<'_>) -> rsip::Headers {
    let mut headers = rsip::Headers::from(Vec::with_capacity(view.headers().len()));
    for (name, value) in view.headers() {
        let name = match name.eq_ignore_ascii_case("Via") {
            true => Cow::Borrowed("Via"),
            false => super::names::interned(name),
        };
        headers.push(header::to_header(name, (*value).to_owned()));
    }
    headers
}
