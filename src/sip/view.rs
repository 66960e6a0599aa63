//! A borrowed view of one message over its bytes: the start line, each
//! header line's (name, value) as slices of the datagram (compact names
//! expanded), and the body, found in one pass without copying a byte or
//! allocating. It covers the common case: a message that has anything
//! unusual (folded lines, a Via list on one line, white space to
//! normalise, a fault to answer) has no view, and the full path in
//! `framing` takes it and words the fault.

use super::framing::{MAX_MESSAGE, header_end, leading_crlf, lines};
use super::names::{expand, is_name};
use super::scan;
use smallvec::SmallVec;
use std::borrow::Cow;

/// The most header lines a view holds; a message with more takes the full
/// path.
pub const MOST_HEADERS: usize = 40;

/// One message's parts, borrowed from its bytes.
pub struct View<'a> {
    /// The head as received: the start line and the header lines, up to
    /// the blank line (the start line and every value are slices of it).
    pub head: &'a str,
    /// The request or status line.
    pub start: &'a str,
    /// Not zeroed: only the lines found are written.
    headers: SmallVec<[(&'a str, &'a str); MOST_HEADERS]>,
    /// The body, cut to Content-Length.
    pub body: &'a [u8],
}

impl<'a> View<'a> {
    /// The view of `buf` (one datagram, or a message framed from a
    /// stream), or `None` when it needs the full path.
    pub fn parse(buf: &'a [u8]) -> Option<Self> {
        let buf = &buf[leading_crlf(buf)..];
        if buf.len() > MAX_MESSAGE {
            return None;
        }
        let end = header_end(buf)?;
        let head = std::str::from_utf8(&buf[..end]).ok()?;
        let rest = &buf[end + 4..];
        let mut lines = lines(head);
        let mut view = View {
            head,
            start: lines.next()?,
            headers: SmallVec::new(),
            body: &[],
        };
        for line in lines {
            if line.starts_with([' ', '\t']) || view.headers.len() == MOST_HEADERS {
                return None;
            }
            let colon = scan::find(line, b':')?;
            let name = expand(scan::trim_end(&line[..colon]));
            if name.is_empty() || !is_name(name) {
                return None;
            }
            let value = scan::trim(&line[colon + 1..]);
            if name.eq_ignore_ascii_case("Via") {
                let plain = matches!(super::normalize::via(value), Cow::Borrowed(_));
                if scan::find(value, b',').is_some() || !plain {
                    return None;
                }
            }
            view.headers.push((name, value));
        }
        view.body = match view.header("Content-Length") {
            None => rest,
            Some(v) => rest.get(..scan::trim(v).parse::<usize>().ok()?)?,
        };
        Some(view)
    }

    /// Every header line's (name, value), in order; names as written, a
    /// compact one expanded.
    pub fn headers(&self) -> &[(&'a str, &'a str)] {
        &self.headers
    }

    /// The first value of header `name` (canonical, case-insensitive).
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.headers()
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    }

    /// Whether the start line is a request line.
    pub fn is_request(&self) -> bool {
        !self.start.starts_with("SIP/")
    }
}
