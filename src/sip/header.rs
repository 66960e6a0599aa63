//! rsip header values by name, both ways, without rsip's nom tokenizer
//! (which tries ~50 names per header line; see README, parsing).

use super::Header;
use rsip::headers::{self as h, UntypedHeader};

/// Builds the rsip header for a canonical `name` and its `value`.
pub fn to_header(name: std::borrow::Cow<'static, str>, value: String) -> Header {
    let eq = |n: &str| name.eq_ignore_ascii_case(n);
    match name.len() {
        2 if eq("To") => Header::To(h::To::new(value)),
        3 if eq("Via") => Header::Via(h::Via::new(value)),
        4 if eq("From") => Header::From(h::From::new(value)),
        4 if eq("CSeq") => Header::CSeq(h::CSeq::new(value)),
        5 if eq("Route") => Header::Route(h::Route::new(value)),
        5 if eq("Allow") => Header::Allow(h::Allow::new(value)),
        6 if eq("Server") => Header::Server(h::Server::new(value)),
        7 if eq("Call-ID") => Header::CallId(h::CallId::new(value)),
        7 if eq("Contact") => Header::Contact(h::Contact::new(value)),
        7 if eq("Require") => Header::Require(h::Require::new(value)),
        9 if eq("Supported") => Header::Supported(h::Supported::new(value)),
        10 if eq("User-Agent") => Header::UserAgent(h::UserAgent::new(value)),
        11 if eq("Retry-After") => Header::RetryAfter(h::RetryAfter::new(value)),
        12 if eq("Max-Forwards") => Header::MaxForwards(h::MaxForwards::new(value)),
        12 if eq("Content-Type") => Header::ContentType(h::ContentType::new(value)),
        12 if eq("Record-Route") => Header::RecordRoute(h::RecordRoute::new(value)),
        14 if eq("Content-Length") => Header::ContentLength(h::ContentLength::new(value)),
        _ => Header::Other(name.into_owned(), value),
    }
}

/// The canonical name and value of a header; `None` for the variants we
/// never build or read (serialised through rsip's Display instead).
pub fn name_value(hdr: &Header) -> Option<(&str, &str)> {
    Some(match hdr {
        Header::Via(v) => ("Via", v.value()),
        Header::From(v) => ("From", v.value()),
        Header::To(v) => ("To", v.value()),
        Header::CallId(v) => ("Call-ID", v.value()),
        Header::CSeq(v) => ("CSeq", v.value()),
        Header::Contact(v) => ("Contact", v.value()),
        Header::RecordRoute(v) => ("Record-Route", v.value()),
        Header::Route(v) => ("Route", v.value()),
        Header::MaxForwards(v) => ("Max-Forwards", v.value()),
        Header::ContentType(v) => ("Content-Type", v.value()),
        Header::ContentLength(v) => ("Content-Length", v.value()),
        Header::Require(v) => ("Require", v.value()),
        Header::RetryAfter(v) => ("Retry-After", v.value()),
        Header::Allow(v) => ("Allow", v.value()),
        Header::Supported(v) => ("Supported", v.value()),
        Header::Server(v) => ("Server", v.value()),
        Header::UserAgent(v) => ("User-Agent", v.value()),
        Header::Other(n, v) => (n.as_str(), v.as_str()),
        _ => return None,
    })
}
