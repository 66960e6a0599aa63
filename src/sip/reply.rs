//! Responses written straight into their send buffer: the bytes
//! `response_bytes(&response(..))` would give, without building the rsip
//! response first (one allocation instead of one per header). For the
//! responses sent as built: the 100 Trying, a plain reply, and a dialog's
//! 18x and 2xx with their Contact, Record-Route and SDP.

use super::Message;
use super::build::AGENT;
use bytes::Bytes;

/// What a response carries after the headers copied from its request and
/// our Server, in this order.
#[derive(Debug, Default, Clone, Copy)]
pub struct After<'a> {
    /// The request's Record-Route headers, copied in order (a 101-299
    /// that forms a dialog, RFC 3261 §12.1.1).
    pub record_route: bool,
    /// Headers (name, value), in order.
    pub headers: &'a [(&'a str, &'a str)],
    /// More headers, after those.
    pub more: &'a [(&'a str, &'a str)],
    /// Content-Type and body.
    pub body: Option<(&'a str, &'a [u8])>,
}

/// The bytes of a response to `req` (§8.2.6.2: Via, From, To, Call-ID and
/// CSeq copied in order, `to_tag` added to a To without one unless it is a
/// 100), then Server, then `after` (name, value) in order.
pub fn response_text(
    req: &Message,
    status: u16,
    reason: Option<&str>,
    to_tag: Option<&str>,
    after: &[(&str, &str)],
) -> Bytes {
    let after = After {
        headers: after,
        ..After::default()
    };
    response_with(req, status, reason, to_tag, after)
}

/// As [`response_text`], with everything [`After`] may add.
pub fn response_with(req: &Message, status: u16, reason: Option<&str>, to_tag: Option<&str>, after: After) -> Bytes {
    let body = after.body.map_or(&[][..], |(_, b)| b);
    let mut out = Vec::with_capacity(640 + body.len());
    out.extend_from_slice(b"SIP/2.0 ");
    push_number(&mut out, u64::from(status));
    out.push(b' ');
    out.extend_from_slice(reason.unwrap_or_else(|| super::reason_phrase(status)).as_bytes());
    out.extend_from_slice(b"\r\n");
    let mut line = |name: &str, value: &str, tag: Option<&str>| {
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        if let Some(tag) = tag {
            out.extend_from_slice(b";tag=");
            out.extend_from_slice(tag.as_bytes());
        }
        out.extend_from_slice(b"\r\n");
    };
    for (name, value) in req.lines() {
        match super::build::copied(name) {
            Some("To") => {
                let has_tag = super::header_param(value, "tag").is_some();
                line("To", value, to_tag.filter(|_| !has_tag && status > 100));
            }
            Some(name) => line(name, value, None),
            None => {}
        }
    }
    line("Server", AGENT, None);
    if after.record_route {
        for value in req.headers("Record-Route") {
            line("Record-Route", value, None);
        }
    }
    for (name, value) in after.headers.iter().chain(after.more) {
        line(name, value, None);
    }
    if let Some((content_type, _)) = after.body {
        line("Content-Type", content_type, None);
    }
    out.extend_from_slice(b"Content-Length: ");
    push_number(&mut out, body.len() as u64);
    out.extend_from_slice(b"\r\n\r\n");
    out.extend_from_slice(body);
    Bytes::from(out)
}

/// Appends `n` in decimal.
fn push_number(out: &mut Vec<u8>, n: u64) {
    out.extend_from_slice(super::text::decimal(n, &mut [0; 20]));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sip::{Header, receive, response, response_bytes};

    const REQUESTS: [&str; 3] = [
        "INVITE sip:b@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK1\r\n\
         Via: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bK0\r\nFrom: <sip:a@127.0.0.1>;tag=a\r\n\
         To: <sip:b@127.0.0.1>\r\nCall-ID: c1\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n",
        "BYE sip:b@127.0.0.1 SIP/2.0\r\nv: SIP/2.0/TCP [2001:db8::1]:5061;branch=z9hG4bK2;rport\r\n\
         f: \"A\" <sip:a@127.0.0.1>;tag=a\r\nt: <sip:b@127.0.0.1>;tag=b\r\ni: c2\r\nCSeq: 2 BYE\r\n\
         Record-Route: <sip:p;lr>\r\nl: 0\r\n\r\n",
        "OPTIONS sip:b@127.0.0.1 SIP/2.0\r\nCSeq: 9 OPTIONS\r\nTo: sip:b@127.0.0.1\r\nFrom: sip:a@h;tag=x\r\n\
         Call-ID: c3\r\nVia: SIP/2.0/UDP h:5;branch=z9hG4bK3\r\nContent-Length: 0\r\n\r\n",
    ];

    /// What the rsip builder and serialiser give, as the oracle.
    fn oracle(req: &Message, status: u16, reason: Option<&str>, tag: Option<&str>, after: &[(&str, &str)]) -> Bytes {
        let mut resp = response(req, status, reason, tag);
        for (n, v) in after {
            resp.headers.push(Header::Other((*n).into(), (*v).into()));
        }
        response_bytes(&resp)
    }

    #[test]
    fn writes_the_bytes_the_rsip_response_serialises_to() {
        for text in REQUESTS {
            let req = receive(text.as_bytes()).unwrap();
            for (status, reason) in [(100, None), (180, None), (200, None), (481, Some("Gone Away"))] {
                for tag in [None, Some("t1")] {
                    for after in [&[][..], &[("Allow", "INVITE, BYE")][..]] {
                        assert_eq!(
                            response_text(&req, status, reason, tag, after),
                            oracle(&req, status, reason, tag, after),
                            "{status} {tag:?} {after:?} to {text}"
                        );
                    }
                }
            }
        }
    }
}
