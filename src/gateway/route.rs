//! Matching a call to its route, the outbound target URI, and the status
//! the caller hears when the outbound leg fails.

use super::Route;
use crate::status::StatusCode;

/// The index of the first route matching Request-URI `uri` from
/// `source`, and the URI's user part (parsed once for both).
pub fn find(routes: &[Route], uri: &str, source: std::net::IpAddr) -> (Option<usize>, String) {
    let parsed = crate::sip::parse_uri(uri).ok();
    let user = parsed
        .as_ref()
        .and_then(|u| u.auth.as_ref())
        .map_or("", |a| a.user.as_str());
    let by_domain = routes.iter().any(|r| r.domain.is_some());
    let host = parsed
        .as_ref()
        .filter(|_| by_domain)
        .map(|u| u.host_with_port.host.to_string());
    let index = routes.iter().position(|r| {
        user.starts_with(r.user_prefix.as_str())
            && (r.sources.is_empty() || crate::access::Acl::holds(&r.sources, source))
            && r.domain
                .as_ref()
                .is_none_or(|d| host.as_ref().is_some_and(|h| same_host(h, d)))
    });
    (index, user.to_owned())
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
