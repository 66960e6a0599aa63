//! Matching a call to its route, the outbound target URI, and the status
//! the caller hears when the outbound leg fails.

use super::Route;
use crate::status::StatusCode;
use std::borrow::Cow;

/// The index of the first route matching Request-URI `uri` from
/// `source`, and the URI's user part (read once for both: borrowed from
/// `uri` when it is of the simple form, else parsed).
pub fn find<'u>(routes: &[Route], uri: &'u str, source: std::net::IpAddr) -> (Option<usize>, Cow<'u, str>) {
    let (user, host): (Cow<str>, Option<Cow<str>>) = match crate::sip::simple_user_host(uri) {
        Some((user, host, _)) => (Cow::Borrowed(user.unwrap_or("")), Some(Cow::Borrowed(host))),
        None => match crate::sip::parse_uri(uri) {
            Ok(u) => (
                Cow::Owned(u.auth.map(|a| a.user).unwrap_or_default()),
                Some(Cow::Owned(u.host_with_port.host.to_string())),
            ),
            Err(_) => (Cow::Borrowed(""), None),
        },
    };
    let by_domain = routes.iter().any(|r| r.domain.is_some());
    let host = host.filter(|_| by_domain);
    let index = routes.iter().position(|r| {
        user.starts_with(r.user_prefix.as_str())
            && (r.sources.is_empty() || crate::access::Acl::holds(&r.sources, source))
            && r.domain
                .as_ref()
                .is_none_or(|d| host.as_ref().is_some_and(|h| same_host(h, d)))
    });
    (index, user)
}

/// Whether a Request-URI host is a route's domain: names without regard
/// to case, an IPv6 address with or without its brackets.
fn same_host(host: &str, domain: &str) -> bool {
    let bare = |h: &str| h.trim_start_matches('[').trim_end_matches(']').to_owned();
    bare(host).eq_ignore_ascii_case(&bare(domain))
}

/// The user part of a URI or name-addr value ("" when none).
pub fn user_of(value: &str) -> String {
    crate::sip::parse_uri(crate::sip::uri_of(value))
        .ok()
        .and_then(|u| u.auth)
        .map(|a| a.user)
        .unwrap_or_default()
}

/// The outbound Request-URI: `target`, with `user` filled in when the
/// target has no user part.
pub fn target_uri(target: &str, user: &str) -> String {
    let plain = |u: &str| {
        u.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.!~*'()+".contains(&b))
    };
    if let (Some((None, _, false)), Some(rest)) = (crate::sip::simple_user_host(target), target.strip_prefix("sip:"))
        && !user.is_empty()
        && plain(user)
    {
        // `sip:host[:port]` with no parameter to re-write: the user put in
        // as text, as the parsed URI would be written.
        return ["sip:", user, "@", rest].concat();
    }
    match crate::sip::parse_uri(target) {
        Ok(mut u) if u.auth.is_none() && !user.is_empty() => {
            u.auth = Some(rsip::Auth {
                user: user.to_owned(),
                password: None,
            });
            let mut text = String::with_capacity(target.len() + user.len() + 1);
            crate::sip::push_uri(&mut text, &u);
            text
        }
        _ => target.to_owned(),
    }
}

/// What the caller hears when the outbound leg fails with `code`:
/// failures are relayed as they are, except what only makes sense on the
/// other side of the gateway (redirects, auth challenges for our leg,
/// our own "cannot route" 416); a challenge we could not answer becomes
/// `refused`.
pub fn caller_status(status: StatusCode, refused: StatusCode) -> StatusCode {
    match status.code() {
        300..=399 => StatusCode::TEMPORARILY_UNAVAILABLE,
        401 | 407 => refused,
        416 => StatusCode::BAD_GATEWAY,
        400..=699 => status,
        _ => StatusCode::SERVER_INTERNAL_ERROR,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The user put into a plain target as text reads as the parsed URI
    /// written back would; anything else goes through the parser as before.
    #[test]
    fn a_targets_user_is_filled_in_as_the_parsed_uri_writes_it() {
        let parsed = |target: &str, user: &str| {
            let mut u = crate::sip::parse_uri(target).unwrap();
            u.auth = Some(rsip::Auth {
                user: user.to_owned(),
                password: None,
            });
            let mut text = String::new();
            crate::sip::push_uri(&mut text, &u);
            text
        };
        for target in ["sip:127.0.0.1:5070", "sip:gw.example.net", "sip:[::1]:5070"] {
            assert_eq!(target_uri(target, "bob"), parsed(target, "bob"), "{target}");
        }
        assert_eq!(target_uri("sip:127.0.0.1:5070", "bob"), "sip:bob@127.0.0.1:5070");
        assert_eq!(target_uri("sip:alice@127.0.0.1", "bob"), "sip:alice@127.0.0.1");
        assert_eq!(target_uri("sip:127.0.0.1", ""), "sip:127.0.0.1");
        let routes: [Route; 0] = [];
        let (_, user) = find(&routes, "sip:bob@127.0.0.1:5070", "127.0.0.1".parse().unwrap());
        assert!(matches!(user, Cow::Borrowed("bob")), "a simple URI's user is borrowed");
    }
}
