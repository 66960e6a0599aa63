//! Responses within a dialog (or one being formed): the To tag, Contact
//! and body the dialog layer owns.

use crate::sip::{self, Header, Request, Response, SipMessage};
use crate::status::StatusCode;
use rsip::headers::{self as h, UntypedHeader};

/// A response to `req` carrying our `tag` and `contact` (for 1xx/2xx of a
/// dialog-forming request).
pub fn response_in(
    req: &Request,
    status: StatusCode,
    reason: Option<&str>,
    tag: &str,
    contact: Option<&str>,
) -> Response {
    let mut resp = sip::response(req, status.code(), reason, Some(tag));
    if let Some(c) = contact {
        resp.headers.push(h::Contact::new(c).into());
    }
    if status == StatusCode::OK || status == StatusCode::METHOD_NOT_ALLOWED {
        resp.headers.push(Header::Other(
            "Allow".into(),
            "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO".into(),
        ));
    }
    resp
}

/// A 183 or 2xx with an SDP body.
pub fn with_sdp(req: &Request, status: StatusCode, tag: &str, contact: &str, sdp: String) -> Response {
    let resp = response_in(req, status, None, tag, Some(contact));
    let mut msg = SipMessage::Response(resp);
    sip::with_body(&mut msg, "application/sdp", sdp.into_bytes());
    match msg {
        SipMessage::Response(r) => r,
        SipMessage::Request(_) => unreachable!("invariant: built as a response"),
    }
}
