//! RFC 3261 §8.2 checks a UAS makes before acting on a new request: the
//! Request-URI scheme (§8.2.2.1: 416), Require (§8.2.2.3: 420 with
//! Unsupported; `timer` is ours), the body's Content-Type (§8.2.3: 415
//! with Accept), and for an INVITE whether its sender accepts an SDP answer
//! at all (406) and its session interval (RFC 4028: 400 for one we cannot
//! read, 422 with our Min-SE for one too short).

use crate::sip::{self, Message, Method};
use crate::status::StatusCode;

/// A refusal: status, reason phrase, and a header the response must carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// Final status.
    pub status: StatusCode,
    /// Reason phrase.
    pub reason: &'static str,
    /// A header to add (name, value).
    pub header: Option<(&'static str, String)>,
}

/// Whether the media type of `value` (parameters dropped) is one of
/// `types` (lower case), compared without regard to case.
fn media_type_in(value: &str, types: &[&str]) -> bool {
    let t = value.split(';').next().unwrap_or("").trim();
    types.iter().any(|want| t.eq_ignore_ascii_case(want))
}

/// The first §8.2 check `req` fails, if any (ACK and CANCEL are exempt);
/// `min_se`: the shortest session interval we take.
pub fn check(req: &Message, min_se: u32) -> Option<Refusal> {
    if matches!(req.method(), Some(Method::Ack | Method::Cancel)) {
        return None;
    }
    // A scheme is a token before the first colon (RFC 3986 §3.1); a URI
    // without one (`10.0.0.1:5060`) is let through, as rsip read it.
    let scheme = req.uri().split_once(':').map(|(s, _)| s).filter(|s| {
        s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"+-.".contains(&b))
    });
    if let Some(scheme) = scheme
        && !["sip", "sips", "tel"].iter().any(|s| scheme.eq_ignore_ascii_case(s))
    {
        return Some(Refusal {
            status: StatusCode::UNSUPPORTED_URI_SCHEME,
            reason: "Unsupported URI Scheme",
            header: None,
        });
    }
    let required: Vec<&str> = req
        .headers("Require")
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .filter(|t| !t.is_empty() && !t.eq_ignore_ascii_case("timer") && !t.eq_ignore_ascii_case("100rel"))
        .collect();
    if !required.is_empty() {
        return Some(Refusal {
            status: StatusCode::BAD_EXTENSION,
            reason: "Bad Extension",
            header: Some(("Unsupported", required.join(", "))),
        });
    }
    let header = |name| req.header(name);
    if !req.body().is_empty() {
        let sdp = header("Content-Type").is_some_and(|ct| media_type_in(ct, &["application/sdp"]));
        if !sdp {
            return Some(Refusal {
                status: StatusCode::UNSUPPORTED_MEDIA_TYPE,
                reason: "Unsupported Media Type",
                header: Some(("Accept", "application/sdp".into())),
            });
        }
    }
    if req.method() == Some(Method::Invite)
        && let Some(accept) = header("Accept")
    {
        let takes_sdp = accept
            .split(',')
            .any(|t| media_type_in(t, &["application/sdp", "application/*", "*/*"]));
        if !takes_sdp && !accept.trim().is_empty() {
            return Some(Refusal {
                status: StatusCode::NOT_ACCEPTABLE,
                reason: "Not Acceptable",
                header: None,
            });
        }
    }
    if req.method() == Some(Method::Invite) {
        return session_interval(req, min_se);
    }
    None
}

/// An INVITE's (or re-INVITE's) session interval refused: 400 naming what
/// cannot be read, 422 with our `Min-SE` when it is shorter (RFC 4028 §8).
pub fn session_interval(req: &Message, min_se: u32) -> Option<Refusal> {
    let bad = |reason| Refusal {
        status: StatusCode::BAD_REQUEST,
        reason,
        header: None,
    };
    if let Some(Err(why)) = req.header("Min-SE").map(sip::min_se) {
        return Some(bad(why));
    }
    let se = match req.header("Session-Expires").map(sip::SessionExpires::parse)? {
        Ok(se) => se,
        Err(why) => return Some(bad(why)),
    };
    (se.secs < min_se).then(|| Refusal {
        status: StatusCode::SESSION_INTERVAL_TOO_SMALL,
        reason: "Session Interval Too Small",
        header: Some(("Min-SE", min_se.to_string())),
    })
}
