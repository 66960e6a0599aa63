//! Requests derived from our INVITE rather than built anew: the ACK for a
//! non-2xx final (§17.1.1.3) and the CANCEL (§9.1).

use crate::sip::{Header, Method, Request};
use rsip::headers::UntypedHeader;

/// A request derived from our INVITE (§17.1.1.3, §9.1): same Request-URI,
/// Call-ID, From, CSeq number, top Via and Route. The ACK for a non-2xx
/// takes To from the response (`to`); a CANCEL keeps the INVITE's.
pub fn derived(invite: &Request, method: Method, to: Option<&str>) -> Request {
    let mut headers = rsip::Headers::default();
    let mut via_done = false;
    for h in invite.headers.iter() {
        match h {
            Header::Via(_) if !via_done => {
                via_done = true;
                headers.push(h.clone());
            }
            Header::From(_) | Header::CallId(_) | Header::Route(_) | Header::MaxForwards(_) => headers.push(h.clone()),
            Header::To(t) => headers.push(rsip::headers::To::new(to.unwrap_or(t.value())).into()),
            Header::CSeq(c) => {
                let num = c.value().split_whitespace().next().unwrap_or("1");
                headers.push(rsip::headers::CSeq::new(format!("{num} {method}")).into());
            }
            _ => {}
        }
    }
    Request {
        method,
        uri: invite.uri.clone(),
        version: rsip::Version::V2,
        headers,
        body: Vec::new(),
    }
}
