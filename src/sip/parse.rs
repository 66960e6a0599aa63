//! Bytes to a [`Message`] message: the borrowed [`View`] for the common
//! case (one pass), else our framing and normalisation first; then the
//! start line, without rsip's tokenizer or building its URI.

use super::message::{Message, Start};
use super::start_fault::{bad_start, check_start_line, start_fault};
use super::view::View;
use super::{ParseError, framing};

/// Reads one whole message (a datagram, or a message framed from a
/// stream) as the gateway keeps it: every fault the full path finds is
/// the same as the rsip oracle's (`rsip_parse`).
pub fn receive(buf: &[u8]) -> Result<Message, ParseError> {
    if let Some(view) = View::parse(buf) {
        let request = view.is_request();
        if start_fault(view.start, request).is_none()
            && let Some(start) = start_kind(view.start, request)
        {
            let (line, headers) = (view.start, view.headers());
            return Ok(Message::verbatim(start, view.head, line, headers, view.body)
                .unwrap_or_else(|| Message::new(start, &[line], headers.iter().copied(), view.body)));
        }
    }
    let raw = framing::split(buf)?;
    check_start_line(&raw)?;
    match start_kind(&raw.start, raw.is_request()) {
        Some(start) => {
            let headers = raw.headers.iter().map(|(n, v)| (n.as_ref(), v.as_str()));
            Ok(Message::new(start, &[&raw.start], headers, &raw.body))
        }
        None => Err(bad_start(raw)),
    }
}

/// What a start line whose parts are sound says (its URI read, not kept).
fn start_kind(start: &str, request: bool) -> Option<Start> {
    let (first, rest) = super::scan::split_once(start, b' ')?;
    let second = super::scan::before(rest, b' ');
    if request {
        let method = super::method_of(first).or_else(|| first.parse().ok())?;
        return super::uri_is_valid(second).then_some(Start::Request(method));
    }
    Some(Start::Response(second.parse().ok()?))
}
