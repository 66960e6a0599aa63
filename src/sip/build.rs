//! Building requests and responses (RFC 3261 §8.1.1, §8.2.6).

use super::{Header, Message, Method, RawMessage, Request, Response, SipMessage, StatusCode};
use rsip::headers::{self as h, UntypedHeader};
use rsip::message::HasHeaders;

/// The value of our Server and User-Agent headers.
pub const AGENT: &str = concat!("rvoip/", env!("CARGO_PKG_VERSION"));

/// A response to `req`, copying Via, From, To, Call-ID and CSeq (§8.2.6.2);
/// `to_tag` is added to To unless it already has one.
pub fn response(req: &Message, status: u16, reason: Option<&str>, to_tag: Option<&str>) -> Response {
    let mut headers = rsip::Headers::from(Vec::with_capacity(12));
    for (name, value) in req.lines() {
        let Some(name) = copied(name) else { continue };
        let value = match name {
            "To" if status > 100 && super::header_param(value, "tag").is_none() => match to_tag {
                Some(tag) => [value, ";tag=", tag].concat(),
                None => value.to_owned(),
            },
            _ => value.to_owned(),
        };
        headers.push(super::header::to_header(name.into(), value));
    }
    headers.push(h::Server::new(AGENT).into());
    headers.push(h::ContentLength::new("0").into());
    Response {
        status_code: status_code(status, reason),
        version: rsip::Version::V2,
        headers,
        body: Vec::new(),
    }
}

/// The canonical name of a header a response copies from its request
/// (§8.2.6.2: Via, From, To, Call-ID and CSeq), if `name` is one.
pub(super) fn copied(name: &str) -> Option<&'static str> {
    ["Via", "From", "To", "Call-ID", "CSeq"]
        .into_iter()
        .find(|n| n.eq_ignore_ascii_case(name))
}

fn status_code(status: u16, reason: Option<&str>) -> StatusCode {
    match reason {
        Some(r) => StatusCode::Other(status, r.to_owned()),
        None => StatusCode::Other(status, super::reason::phrase(status).to_owned()),
    }
}

/// A response built from the raw headers of a request rsip could not parse;
/// `None` when the headers needed to address it are missing.
pub fn response_from_raw(raw: &RawMessage, status: u16, reason: &str) -> Option<Vec<u8>> {
    if !raw.is_request() {
        return None;
    }
    let mut out = format!("SIP/2.0 {status} {reason}\r\n");
    let mut seen = [false; 5];
    for (name, value) in &raw.headers {
        let idx = ["Via", "From", "To", "Call-ID", "CSeq"]
            .iter()
            .position(|n| n.eq_ignore_ascii_case(name));
        if let Some(i) = idx {
            if i > 0 && seen[i] {
                continue;
            }
            seen[i] = true;
            out.push_str(&format!("{name}: {value}\r\n"));
        }
    }
    if seen.contains(&false) {
        return None;
    }
    out.push_str(&format!("Server: {AGENT}\r\nContent-Length: 0\r\n\r\n"));
    Some(out.into_bytes())
}

/// Sets the body with its Content-Type (the length is set at serialisation).
pub fn with_body(msg: &mut SipMessage, content_type: &str, content: Vec<u8>) {
    msg.headers_mut().retain(|h| !matches!(h, Header::ContentType(_)));
    msg.headers_mut().push(h::ContentType::new(content_type).into());
    *msg.body_mut() = content;
}

/// What a new request needs; the transaction and dialog layers fill it.
#[derive(Debug, Clone)]
pub struct RequestSpec {
    /// Method.
    pub method: Method,
    /// Request-URI.
    pub uri: String,
    /// The whole top Via value.
    pub via: String,
    /// From value (with tag).
    pub from: String,
    /// To value.
    pub to: String,
    /// Call-ID.
    pub call_id: String,
    /// CSeq number.
    pub cseq: u32,
    /// Contact value.
    pub contact: Option<String>,
    /// Route values, in order.
    pub route: Vec<String>,
    /// Extra headers (name, value).
    pub extra: Vec<(String, String)>,
}

/// Builds a request, its strings moved into the headers; an unparsable
/// Request-URI is the caller's bug, reported as an error rather than a
/// panic.
pub fn request(spec: RequestSpec) -> Result<Request, rsip::Error> {
    let uri = super::parse_uri(&spec.uri)?;
    let mut headers = rsip::Headers::from(Vec::with_capacity(10 + spec.route.len() + spec.extra.len()));
    headers.push(h::Via::new(spec.via).into());
    for r in spec.route {
        headers.push(h::Route::new(r).into());
    }
    headers.push(h::MaxForwards::new("70").into());
    headers.push(h::From::new(spec.from).into());
    headers.push(h::To::new(spec.to).into());
    headers.push(h::CallId::new(spec.call_id).into());
    let method = super::method_name(&spec.method);
    let mut cseq = String::with_capacity(11 + method.len());
    super::push_u64(&mut cseq, u64::from(spec.cseq));
    cseq.push(' ');
    cseq.push_str(method);
    headers.push(h::CSeq::new(cseq).into());
    if let Some(c) = spec.contact {
        headers.push(h::Contact::new(c).into());
    }
    for (n, v) in spec.extra {
        headers.push(Header::Other(n, v));
    }
    headers.push(h::UserAgent::new(AGENT).into());
    Ok(Request {
        method: spec.method,
        uri,
        version: rsip::Version::V2,
        headers,
        body: Vec::new(),
    })
}

/// Builds a request carrying `body` of `content_type`.
pub fn request_with_body(spec: RequestSpec, content_type: &str, body: Vec<u8>) -> Result<Request, rsip::Error> {
    let mut req = request(spec)?;
    req.headers.push(h::ContentType::new(content_type).into());
    req.body = body;
    Ok(req)
}
