//! Messages to bytes, written straight into one buffer: rsip's `Display`
//! formats every header through `format!` and upper-cases a copy of the
//! method name, about 3x slower (see README, parsing).

use super::{Method, Request, Response};
use bytes::Bytes;

/// Serialises a message, setting Content-Length to the body's length.
#[cfg(feature = "test-exports")]
pub fn message_bytes(msg: &super::SipMessage) -> Bytes {
    use super::SipMessage;
    match msg {
        SipMessage::Request(r) => request_bytes(r),
        SipMessage::Response(r) => response_bytes(r),
    }
}

/// Serialises a request without taking it (the INVITE a transaction keeps).
pub fn request_bytes(r: &Request) -> Bytes {
    let mut out = String::with_capacity(640 + r.body.len());
    out.push_str(method_name(&r.method));
    out.push(' ');
    super::push_uri(&mut out, &r.uri);
    out.push_str(" SIP/2.0\r\n");
    serialize(out, &r.headers, &r.body)
}

/// A method's name as `Display` writes it (rsip's upper-cases a copy).
pub fn method_name(m: &Method) -> &'static str {
    match m {
        Method::Invite => "INVITE",
        Method::Ack => "ACK",
        Method::Bye => "BYE",
        Method::Cancel => "CANCEL",
        Method::Options => "OPTIONS",
        Method::Info => "INFO",
        Method::Update => "UPDATE",
        Method::PRack => "PRACK",
        Method::Refer => "REFER",
        Method::Notify => "NOTIFY",
        Method::Subscribe => "SUBSCRIBE",
        Method::Message => "MESSAGE",
        Method::Register => "REGISTER",
        Method::Publish => "PUBLISH",
    }
}

/// Serialises a response.
pub fn response_bytes(r: &Response) -> Bytes {
    use std::fmt::Write;
    let mut out = String::with_capacity(640 + r.body.len());
    match &r.status_code {
        rsip::StatusCode::Other(code, reason) => {
            out.push_str("SIP/2.0 ");
            super::push_u64(&mut out, u64::from(*code));
            out.push(' ');
            out.push_str(reason);
            out.push_str("\r\n");
        }
        named => {
            let _ = write!(out, "SIP/2.0 {named}\r\n");
        }
    }
    serialize(out, &r.headers, &r.body)
}

/// Appends the headers (Content-Length from `body`) and the body to the
/// start line in `out`.
fn serialize(mut out: String, headers: &rsip::Headers, body: &[u8]) -> Bytes {
    use std::fmt::Write;
    for hdr in headers.iter() {
        match super::header::name_value(hdr) {
            Some((n, _)) if n.eq_ignore_ascii_case("Content-Length") => continue,
            Some((n, v)) => {
                out.push_str(n);
                out.push_str(": ");
                out.push_str(v);
            }
            None => {
                let _ = write!(out, "{hdr}");
            }
        }
        out.push_str("\r\n");
    }
    out.push_str("Content-Length: ");
    super::push_u64(&mut out, body.len() as u64);
    out.push_str("\r\n\r\n");
    let mut bytes = out.into_bytes();
    bytes.extend_from_slice(body);
    Bytes::from(bytes)
}

/// The method named `name` exactly (upper case, as RFC 3261 spells the
/// ones we know); `None` for anything else.
pub fn method_of(name: &str) -> Option<Method> {
    use Method::*;
    [
        Ack, Bye, Cancel, Info, Invite, Message, Notify, Options, PRack, Publish, Refer, Register, Subscribe, Update,
    ]
    .into_iter()
    .find(|m| method_name(m) == name)
}
