//! Requests written straight into their send buffer: the bytes
//! `request_bytes(&request(spec))` gives, without the rsip request (one
//! allocation instead of one per header). For the requests a dialog sends
//! and keeps only as bytes: the ACK for a 2xx, and BYE.

use super::build::AGENT;
use super::text::decimal;
use super::{Method, method_name};
use bytes::Bytes;

/// A request's parts, borrowed.
#[derive(Debug, Clone, Copy)]
pub struct RequestText<'a> {
    /// Method.
    pub method: Method,
    /// Request-URI, written as given.
    pub uri: &'a str,
    /// The whole top Via value.
    pub via: &'a str,
    /// Route values, in order, then `last_route` if any.
    pub route: &'a [String],
    /// A last Route value (a strict router's remote target, RFC 3261
    /// §12.2.1.1), written as `<uri>`.
    pub last_route: Option<&'a str>,
    /// From value (with tag).
    pub from: &'a str,
    /// To value.
    pub to: &'a str,
    /// Call-ID.
    pub call_id: &'a str,
    /// CSeq number.
    pub cseq: u32,
    /// Contact value.
    pub contact: Option<&'a str>,
    /// Extra headers (name, value), before User-Agent.
    pub extra: &'a [(&'a str, &'a str)],
}

impl RequestText<'_> {
    /// The request's bytes, in [`request`](super::request)'s header order,
    /// with no body: sized exactly (measured first), so that a request
    /// sent once (an ACK) is one allocation, not a buffer and a count.
    pub fn bytes(&self) -> Bytes {
        let mut len = 0;
        self.write(&mut |p| len += p.len());
        let mut out = Vec::with_capacity(len);
        self.write(&mut |p| out.extend_from_slice(p));
        Bytes::from(out)
    }

    /// Hands the request's text to `put`, part by part.
    fn write(&self, put: &mut dyn FnMut(&[u8])) {
        let method = method_name(&self.method);
        let mut put = |parts: &[&[u8]]| {
            for p in parts {
                put(p);
            }
        };
        put(&[method.as_bytes(), b" ", self.uri.as_bytes(), b" SIP/2.0\r\n"]);
        put(&[b"Via: ", self.via.as_bytes(), b"\r\n"]);
        for r in self.route {
            put(&[b"Route: ", r.as_bytes(), b"\r\n"]);
        }
        if let Some(r) = self.last_route {
            put(&[b"Route: <", r.as_bytes(), b">\r\n"]);
        }
        put(&[b"Max-Forwards: 70\r\nFrom: ", self.from.as_bytes(), b"\r\n"]);
        put(&[
            b"To: ",
            self.to.as_bytes(),
            b"\r\nCall-ID: ",
            self.call_id.as_bytes(),
            b"\r\n",
        ]);
        let mut digits = [0; 20];
        let cseq = decimal(u64::from(self.cseq), &mut digits);
        put(&[b"CSeq: ", cseq, b" ", method.as_bytes(), b"\r\n"]);
        if let Some(c) = self.contact {
            put(&[b"Contact: ", c.as_bytes(), b"\r\n"]);
        }
        for (n, v) in self.extra {
            put(&[n.as_bytes(), b": ", v.as_bytes(), b"\r\n"]);
        }
        put(&[b"User-Agent: ", AGENT.as_bytes(), b"\r\nContent-Length: 0\r\n\r\n"]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sip::Message;

    /// Written as a kept `Message` or straight as bytes, a request is the
    /// same text, a strict router's last Route and extra headers included.
    #[test]
    fn a_request_reads_the_same_as_a_message_and_as_bytes() {
        let route = ["<sip:p1.example;lr>".to_owned()];
        let text = RequestText {
            method: Method::Invite,
            uri: "sip:b@192.0.2.2",
            via: "SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bK-1;rport",
            route: &route,
            last_route: Some("sip:b@192.0.2.9"),
            from: "<sip:gw@192.0.2.1>;tag=f1",
            to: "<sip:b@192.0.2.2>",
            call_id: "c1@192.0.2.1",
            cseq: 7,
            contact: Some("<sip:gw@192.0.2.1:5060>"),
            extra: &[("Supported", "100rel, timer"), ("Min-SE", "90")],
        };
        let message = Message::of_text(&text, None).expect("a readable URI");
        assert_eq!(message.wire(), &text.bytes()[..]);
        assert_eq!(message.headers("Route").count(), 2);
    }
}
