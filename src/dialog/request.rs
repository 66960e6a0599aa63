//! A new request within a dialog (RFC 3261 §12.2.1.1): Request-URI and
//! Route from the remote target and route set (a strict router's first
//! hop becomes the Request-URI), From, To and Call-ID from the dialog,
//! the next local CSeq (or the INVITE's, for an ACK).

use super::Dialog;
use crate::sip::{self, Method, RequestSpec, RequestText};
use bytes::Bytes;

impl Dialog {
    /// The next CSeq number, or `cseq` when given (an ACK's is the
    /// INVITE's).
    fn next_cseq(&mut self, cseq: Option<u32>) -> u32 {
        cseq.unwrap_or_else(|| {
            self.local_seq += 1;
            self.local_seq
        })
    }

    /// Whether the first hop routes loosely (or there is none): the
    /// remote target is then the Request-URI.
    fn loose(&self) -> bool {
        self.route_set
            .first()
            .is_none_or(|r| sip::header_param(r, "lr").is_some() || r.contains(";lr"))
    }

    /// A new in-dialog request; `cseq` is `None` for a fresh number, or
    /// the INVITE's number for an ACK.
    pub fn request(&mut self, method: Method, via: String, contact: &str, cseq: Option<u32>) -> RequestSpec {
        let cseq = self.next_cseq(cseq);
        let (uri, route) = if self.loose() {
            (self.remote_target.to_string(), self.route_set.to_vec())
        } else {
            let mut route: Vec<String> = self.route_set[1..].to_vec();
            route.push(["<", &self.remote_target, ">"].concat());
            (sip::uri_of(&self.route_set[0]).to_owned(), route)
        };
        RequestSpec {
            method,
            uri,
            via,
            from: self.local().to_owned(),
            to: self.remote().to_owned(),
            call_id: self.call_id().to_owned(),
            cseq,
            contact: Some(contact.to_owned()),
            route,
            extra: Vec::new(),
        }
    }

    /// [`request`](Self::request) written straight into its send buffer,
    /// with `extra` headers and no body (an ACK, a BYE: requests kept
    /// only as bytes); `None` when its Request-URI is not one we can send
    /// to.
    pub fn request_bytes(
        &mut self,
        method: Method,
        via: &str,
        contact: &str,
        cseq: Option<u32>,
        extra: &[(&str, &str)],
    ) -> Option<Bytes> {
        let cseq = self.next_cseq(cseq);
        let (uri, route, last_route) = match self.loose() {
            true => (&*self.remote_target, &self.route_set[..], None),
            false => (
                sip::uri_of(&self.route_set[0]),
                &self.route_set[1..],
                Some(&*self.remote_target),
            ),
        };
        if !sip::uri_is_valid(uri) {
            return None;
        }
        let text = RequestText {
            method,
            uri,
            via,
            route,
            last_route,
            from: self.local(),
            to: self.remote(),
            call_id: self.call_id(),
            cseq,
            contact: Some(contact),
            extra,
        };
        Some(text.bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::Peer;

    const INVITE: &str = "INVITE sip:alice@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bK1\r\n\
        Record-Route: <sip:127.0.0.2;lr>\r\nRecord-Route: <sip:127.0.0.3;lr>\r\nFrom: <sip:bob@127.0.0.1>;tag=a\r\n\
        To: <sip:alice@127.0.0.1>\r\nCall-ID: rr\r\nCSeq: 7 INVITE\r\nContact: <sip:bob@127.0.0.1:5062;transport=UDP>\r\n\
        Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n";

    fn dialog(strict: bool) -> Dialog {
        let text = match strict {
            true => INVITE.replace("<sip:127.0.0.2;lr>", "<sip:127.0.0.2>"),
            false => INVITE.to_owned(),
        };
        let msg = sip::receive(text.as_bytes()).expect("test INVITE parses");
        let core = sip::validate(&msg).expect("valid");
        let sip::Incoming::Request(inc) = sip::Incoming::new(msg, core) else {
            panic!("a request")
        };
        let peer = Peer {
            transport: crate::ids::TransportKind::Udp,
            addr: "127.0.0.1:5062".parse().unwrap(),
        };
        Dialog::uas(&inc, "b", peer)
    }

    #[test]
    fn written_requests_are_the_bytes_the_rsip_ones_serialise_to() {
        let via = "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKx";
        let auth = [("Authorization", "Digest username=\"u\"")];
        for strict in [false, true] {
            for (method, cseq) in [(Method::Bye, None), (Method::Ack, Some(7))] {
                for extra in [&[][..], &auth[..]] {
                    let (mut a, mut b) = (dialog(strict), dialog(strict));
                    let mut spec = a.request(method, via.to_owned(), "<sip:gw@127.0.0.1>", cseq);
                    spec.extra = extra.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect();
                    let oracle = sip::request_bytes(&sip::request(spec).unwrap());
                    let written = b.request_bytes(method, via, "<sip:gw@127.0.0.1>", cseq, extra);
                    assert_eq!(written, Some(oracle), "strict {strict} {method:?} {extra:?}");
                }
            }
        }
        // The remote target is written as the peer wrote it (rsip would
        // upper-case a transport).
        let mut lower = dialog(false);
        lower.remote_target = "sip:bob@127.0.0.1:5062;transport=udp".into();
        let written = lower
            .request_bytes(Method::Bye, via, "<sip:gw@127.0.0.1>", None, &[])
            .unwrap();
        assert!(written.starts_with(b"BYE sip:bob@127.0.0.1:5062;transport=udp SIP/2.0\r\n"));
        let mut bad = dialog(false);
        bad.remote_target = "sip:bob@[not an address".into();
        assert_eq!(
            bad.request_bytes(Method::Bye, via, "<sip:gw@127.0.0.1>", None, &[]),
            None
        );
    }
}
