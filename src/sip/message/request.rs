//! Our requests as [`Message`]s, which their client transactions keep
//! (for a CANCEL, an ACK to a failure, a request sent again): the INVITE
//! that starts a call written straight as its text (no rsip request built
//! and serialised), and an rsip request we built turned into one (a
//! re-INVITE).

use super::{Message, Start};
use crate::sip::{self, Request, RequestSpec, RequestText};
use smallvec::SmallVec;

impl Message {
    /// The request `spec` describes, with `more` headers after its extra
    /// ones (lent, not moved into the spec) and a body (content type,
    /// bytes) if any: the bytes `request_bytes(&request_with_body(spec,
    /// ..))` gives with `more` among the extra headers, but for the
    /// Request-URI, sent as written; `None` when that cannot be read.
    pub fn request(spec: &RequestSpec, more: &[(&str, &str)], body: Option<(&str, &[u8])>) -> Option<Message> {
        let extra: SmallVec<[(&str, &str); 8]> = (spec.extra.iter())
            .map(|(n, v)| (n.as_str(), v.as_str()))
            .chain(more.iter().copied())
            .collect();
        let text = RequestText {
            method: spec.method,
            uri: &spec.uri,
            via: &spec.via,
            route: &spec.route,
            last_route: None,
            from: &spec.from,
            to: &spec.to,
            call_id: &spec.call_id,
            cseq: spec.cseq,
            contact: spec.contact.as_deref(),
            extra: &extra,
        };
        Message::of_text(&text, body)
    }

    /// The request `spec`'s borrowed parts describe, as
    /// [`request`](Self::request) writes it (no owned spec: a new INVITE's
    /// parts are lent from where they already are).
    pub fn of_text(spec: &RequestText, body: Option<(&str, &[u8])>) -> Option<Message> {
        if !sip::uri_is_valid(spec.uri) {
            return None;
        }
        let method = sip::method_name(&spec.method);
        let (mut number, mut length) = ([0; 20], [0; 20]);
        let number = ascii(sip::text::decimal(u64::from(spec.cseq), &mut number));
        let cseq = [number, " ", method];
        let mut cseq_text = SmallVec::<[u8; 40]>::new();
        let cseq = sip::joined(&cseq, &mut cseq_text);
        let bytes = body.map_or(&[][..], |(_, b)| b);
        let length = ascii(sip::text::decimal(bytes.len() as u64, &mut length));
        // A strict router's last Route, `<uri>` (rare: a re-INVITE's).
        let last = spec.last_route.map(|r| ["<", r, ">"].concat());
        let mut headers: SmallVec<[(&str, &str); 20]> = SmallVec::new();
        headers.push(("Via", spec.via));
        headers.extend(spec.route.iter().map(|r| ("Route", r.as_str())));
        headers.extend(last.as_deref().map(|r| ("Route", r)));
        headers.push(("Max-Forwards", "70"));
        headers.extend([
            ("From", spec.from),
            ("To", spec.to),
            ("Call-ID", spec.call_id),
            ("CSeq", cseq),
        ]);
        headers.extend(spec.contact.map(|c| ("Contact", c)));
        headers.extend(spec.extra.iter().copied());
        headers.push(("User-Agent", sip::build::AGENT));
        headers.extend(body.map(|(content_type, _)| ("Content-Type", content_type)));
        headers.push(("Content-Length", length));
        let line = [method, " ", spec.uri, " SIP/2.0"];
        Some(Message::new(
            Start::Request(spec.method),
            &line,
            headers.iter().copied(),
            bytes,
        ))
    }

    /// `req` as a message: the bytes `request_bytes(req)` gives.
    pub fn of_request(req: &Request) -> Message {
        let mut uri = String::with_capacity(64);
        sip::push_uri(&mut uri, &req.uri);
        let shown: Vec<String> = req
            .headers
            .iter()
            .filter(|h| sip::name_value(h).is_none())
            .map(|h| h.to_string())
            .collect();
        let mut shown = shown.iter();
        let mut digits = [0; 20];
        let length = ascii(sip::text::decimal(req.body.len() as u64, &mut digits));
        let mut headers: Vec<(&str, &str)> = Vec::with_capacity(req.headers.iter().count() + 1);
        for h in req.headers.iter() {
            match sip::name_value(h) {
                Some((n, _)) if n.eq_ignore_ascii_case("Content-Length") => {}
                Some(pair) => headers.push(pair),
                None => {
                    let text = shown.next().map_or("", String::as_str);
                    let (n, v) = text.split_once(':').unwrap_or((text, ""));
                    headers.push((n.trim(), v.trim()));
                }
            }
        }
        headers.push(("Content-Length", length));
        let line = [sip::method_name(&req.method), " ", &uri, " SIP/2.0"];
        Message::new(Start::Request(req.method), &line, headers.iter().copied(), &req.body)
    }
}

/// Digits as text.
fn ascii(digits: &[u8]) -> &str {
    std::str::from_utf8(digits).expect("invariant: decimal digits")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sip::{Method, request_bytes, request_with_body};

    fn spec(uri: &str, extra: Vec<(String, String)>, route: Vec<String>) -> RequestSpec {
        RequestSpec {
            method: Method::Invite,
            uri: uri.into(),
            via: "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-1;rport".into(),
            from: "<sip:gw@127.0.0.1>;tag=f1".into(),
            to: "<sip:b@127.0.0.2:5070>".into(),
            call_id: "c1@127.0.0.1".into(),
            cseq: 41,
            contact: Some("<sip:gw@127.0.0.1:5060>".into()),
            route,
            extra,
        }
    }

    #[test]
    fn an_invite_written_as_text_is_the_bytes_the_rsip_path_gives() {
        let sdp =
            b"v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n";
        let extras = vec![
            ("Supported".into(), "100rel, timer".into()),
            ("Session-Expires".into(), "1800".into()),
        ];
        for uri in ["sip:b@127.0.0.2:5070", "sip:127.0.0.2;transport=tcp"] {
            for (extra, route) in [
                (vec![], vec![]),
                (extras.clone(), vec!["<sip:127.0.0.9;lr>".to_owned()]),
            ] {
                let s = spec(uri, extra, route);
                let ours = Message::request(&s, &[], Some(("application/sdp", sdp))).expect("a readable URI");
                // The same headers lent rather than in the spec.
                let lent: Vec<(&str, &str)> = s.extra.iter().map(|(n, v)| (n.as_str(), v.as_str())).collect();
                let bare = RequestSpec {
                    extra: Vec::new(),
                    ..s.clone()
                };
                let more = Message::request(&bare, &lent, Some(("application/sdp", sdp))).expect("a readable URI");
                assert_eq!(more.wire(), ours.wire(), "{uri}: headers lent");
                let rsip = request_with_body(s, "application/sdp", sdp.to_vec()).expect("rsip builds it");
                // rsip writes a transport parameter upper-cased; we send
                // the Request-URI as it was written.
                let theirs = String::from_utf8(request_bytes(&rsip).to_vec()).unwrap();
                let theirs = theirs.replacen("transport=TCP", "transport=tcp", 1);
                assert_eq!(ours.wire(), theirs.as_bytes(), "{uri}");
                assert_eq!(Message::of_request(&rsip).wire(), request_bytes(&rsip), "{uri}");
                assert_eq!(
                    (ours.uri(), ours.header("CSeq"), ours.method()),
                    (uri, Some("41 INVITE"), Some(Method::Invite))
                );
            }
        }
        assert!(
            Message::request(&spec("sip:b@", vec![], vec![]), &[], None).is_none(),
            "an unreadable URI"
        );
    }
}
