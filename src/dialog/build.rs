//! Responses within a dialog (or one being formed): the To tag, Contact
//! and body the dialog layer owns.

use crate::sip::{self, Header, Message, Response, SipMessage};
use crate::status::StatusCode;
use bytes::Bytes;
use rsip::headers::{self as h, UntypedHeader};

/// The methods we take, as our 200s and 405s list them.
const ALLOW: &str = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, PRACK, UPDATE, REFER, NOTIFY";

/// A response to `req` carrying our `tag` and `contact` (for 1xx/2xx of a
/// dialog-forming request). A 101-299 with a Contact copies the request's
/// Record-Route in order (RFC 3261 §12.1.1), so the caller's route set runs
/// through the proxies that asked to stay on the path.
pub fn response_in(
    req: &Message,
    status: StatusCode,
    reason: Option<&str>,
    tag: &str,
    contact: Option<&str>,
) -> Response {
    let mut resp = sip::response(req, status.code(), reason, Some(tag));
    if contact.is_some() && (101..300).contains(&status.code()) {
        for value in req.headers("Record-Route") {
            resp.headers.push(h::RecordRoute::new(value).into());
        }
    }
    if let Some(c) = contact {
        resp.headers.push(h::Contact::new(c).into());
    }
    if status == StatusCode::OK || status == StatusCode::METHOD_NOT_ALLOWED {
        resp.headers.push(Header::Other("Allow".into(), ALLOW.into()));
    }
    resp
}

/// [`response_in`]'s bytes, with `more` headers after its own and an
/// optional SDP body, written straight into the send buffer (one
/// allocation: the dialog's 18x and 2xx, the hot path).
pub fn response_bytes_in(
    req: &Message,
    status: StatusCode,
    tag: &str,
    contact: Option<&str>,
    more: &[(&str, &str)],
    sdp: Option<&[u8]>,
) -> Bytes {
    let code = status.code();
    let allow = status == StatusCode::OK || status == StatusCode::METHOD_NOT_ALLOWED;
    let headers = match (contact, allow) {
        (Some(c), true) => [("Contact", c), ("Allow", ALLOW)],
        (Some(c), false) => [("Contact", c), ("", "")],
        (None, true) => [("Allow", ALLOW), ("", "")],
        (None, false) => [("", ""), ("", "")],
    };
    let n = headers.iter().filter(|(name, _)| !name.is_empty()).count();
    let after = sip::After {
        record_route: contact.is_some() && (101..300).contains(&code),
        headers: &headers[..n],
        more,
        body: sdp.map(|b| ("application/sdp", b)),
    };
    sip::response_with(req, code, None, Some(tag), after)
}

/// A 183 or 2xx with an SDP body.
pub fn with_sdp(req: &Message, status: StatusCode, tag: &str, contact: &str, sdp: String) -> Response {
    let resp = response_in(req, status, None, tag, Some(contact));
    let mut msg = SipMessage::Response(resp);
    sip::with_body(&mut msg, "application/sdp", sdp.into_bytes());
    match msg {
        SipMessage::Response(r) => r,
        SipMessage::Request(_) => unreachable!("invariant: built as a response"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const INVITE: &str = "INVITE sip:alice@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK1\r\n\
        Record-Route: <sip:127.0.0.2;lr>\r\nRecord-Route: <sip:127.0.0.3;lr>\r\nFrom: <sip:bob@127.0.0.1>;tag=a\r\n\
        To: <sip:alice@127.0.0.1>\r\nCall-ID: rr\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";

    fn record_routes(resp: &Response) -> Vec<String> {
        sip::headers_in(&resp.headers, "Record-Route")
            .map(str::to_owned)
            .collect()
    }

    #[test]
    fn dialog_forming_responses_copy_record_route_in_order() {
        let req = sip::receive(INVITE.as_bytes()).expect("test INVITE parses");
        let both = vec!["<sip:127.0.0.2;lr>".to_owned(), "<sip:127.0.0.3;lr>".to_owned()];
        for status in [StatusCode::RINGING, StatusCode::OK] {
            assert_eq!(
                record_routes(&response_in(&req, status, None, "t", Some("<sip:gw@127.0.0.1>"))),
                both
            );
        }
        let busy = response_in(&req, StatusCode::BUSY_HERE, None, "t", None);
        assert!(record_routes(&busy).is_empty(), "a failure forms no dialog");
    }

    #[test]
    fn written_responses_are_the_bytes_the_rsip_ones_serialise_to() {
        let req = sip::receive(INVITE.as_bytes()).expect("test INVITE parses");
        let sdp = b"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n";
        let more = [("Require", "100rel"), ("RSeq", "1")];
        let statuses = [
            StatusCode::RINGING,
            StatusCode::SESSION_PROGRESS,
            StatusCode::OK,
            StatusCode::BUSY_HERE,
        ];
        for status in statuses {
            for contact in [None, Some("<sip:gw@127.0.0.1>")] {
                for extra in [&[][..], &more[..]] {
                    for body in [None, Some(&sdp[..])] {
                        let mut resp = response_in(&req, status, None, "t", contact);
                        for (n, v) in extra {
                            resp.headers.push(Header::Other((*n).into(), (*v).into()));
                        }
                        let mut msg = SipMessage::Response(resp);
                        if let Some(b) = body {
                            sip::with_body(&mut msg, "application/sdp", b.to_vec());
                        }
                        let SipMessage::Response(resp) = msg else {
                            unreachable!()
                        };
                        assert_eq!(
                            response_bytes_in(&req, status, "t", contact, extra, body),
                            sip::response_bytes(&resp),
                            "{status:?} {contact:?} {extra:?} {body:?}"
                        );
                    }
                }
            }
        }
    }
}
