//! SIP messages over rsip: framing, parsing, validation (a reason for every
//! 400) and building. Knows nothing of transactions.

mod build;
mod core;
mod error;
mod framing;
mod header;
pub use header::name_value;
mod incoming;
mod ipv6;
mod message;
mod names;
mod normalize;
mod params;
mod parse;
mod reason;
mod redact;
mod refer_to;
mod reply;
mod request_text;
#[cfg(any(test, feature = "test-exports"))]
mod rsip_parse;
pub(crate) mod scan;
mod serialize;
mod session_expires;
mod shard;
mod sipfrag;
mod start_fault;
mod target;
mod text;
mod uri;
mod validate;
mod via;
mod view;

pub use self::core::Core;
pub use build::{RequestSpec, request, request_with_body, response, response_from_raw, with_body};
pub use error::{InvalidMessage, ParseError};
pub use framing::{MAX_MESSAGE, RawMessage, frame_stream, leading_crlf};
pub use incoming::{Incoming, IncomingRequest, IncomingResponse};
pub use ipv6::{host_ip, parse_v6};
pub use message::{Message, Start};
pub use params::{header_param, new_token, push_token, split_host_port, split_list, token_bytes, uri_of};
pub use parse::receive;
pub use reason::phrase as reason_phrase;
pub use redact::for_log;
pub use refer_to::{ReferTo, refer_sub};
pub use reply::{After, response_text, response_with};
pub use request_text::RequestText;
#[cfg(any(test, feature = "test-exports"))]
pub use rsip_parse::{parse, parse_full};
#[cfg(feature = "test-exports")]
pub use serialize::message_bytes;
pub use serialize::{method_name, method_of, request_bytes, response_bytes};
pub use session_expires::{Refresher, SessionExpires, lists, min_se};
#[cfg(feature = "test-exports")]
pub use shard::scan_call_id;
pub use shard::{shard_of, shard_of_message};
pub use sipfrag::{SIPFRAG, sipfrag, sipfrag_status};
pub use target::{flow_for, uri_host, uri_peer};
pub use text::{decimal, joined, push_ip, push_u64, push_uri};
#[cfg(feature = "test-exports")]
pub use uri::simple as simple_uri;
pub use uri::{is_valid as uri_is_valid, parse_uri, simple_user_host};
pub use validate::{MAGIC_COOKIE, validate, validate_with};
pub use via::{Via, response_addr, stamp_parsed};
#[cfg(feature = "test-exports")]
pub use via::{stamp_and_route, stamp_received};
#[cfg(feature = "test-exports")]
pub use view::View;

pub use rsip::{Header, Method, Request, Response, SipMessage, StatusCode};

/// Value of the first header named `name` (case-insensitive, canonical name).
#[cfg(any(test, feature = "test-exports"))]
pub fn header<'a>(msg: &'a SipMessage, name: &str) -> Option<&'a str> {
    use rsip::message::HasHeaders;
    header_in(msg.headers(), name)
}

/// Value of the first header named `name` in a header list.
pub fn header_in<'a>(headers: &'a rsip::Headers, name: &str) -> Option<&'a str> {
    headers.iter().find_map(|h| header_value(h, name))
}

/// All values of the headers named `name`, in order.
#[cfg(any(test, feature = "test-exports"))]
pub fn headers<'a>(msg: &'a SipMessage, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    use rsip::message::HasHeaders;
    headers_in(msg.headers(), name)
}

/// All values of the headers named `name` in a header list, in order.
#[cfg(any(test, feature = "test-exports"))]
pub fn headers_in<'a>(headers: &'a rsip::Headers, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    headers.iter().filter_map(move |h| header_value(h, name))
}

fn header_value<'a>(h: &'a Header, name: &str) -> Option<&'a str> {
    header::name_value(h)
        .filter(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}
