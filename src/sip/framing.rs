//! Message boundaries and header normalisation, done before rsip sees a byte.
//!
//! rsip 0.4 neither expands compact header names (RFC 3261 §7.3.3), nor frames
//! by Content-Length, nor notices a message cut off mid-headers; this module
//! does all three and unfolds continuation lines (§7.3.1).

use super::ParseError;
use super::names::{expand, interned, is_name};
use std::borrow::Cow;

/// Largest message accepted on any transport (bytes).
pub const MAX_MESSAGE: usize = 64 * 1024;

/// A message split into its start line, unfolded and expanded header lines and
/// body, ready for rsip.
#[derive(Debug, Clone)]
pub struct RawMessage {
    /// The request or status line.
    pub start: String,
    /// Header lines as `(canonical name, value)`; multi-valued Via split.
    pub headers: Vec<(Cow<'static, str>, String)>,
    /// The body, cut to Content-Length.
    pub body: Vec<u8>,
}

impl RawMessage {
    /// The first value of header `name` (canonical, case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Whether the start line is a request line.
    pub fn is_request(&self) -> bool {
        !self.start.starts_with("SIP/")
    }
}

/// The non-empty lines of `head`, without their CR.
pub(super) fn lines(head: &str) -> impl Iterator<Item = &str> {
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < head.len() {
            let end = memchr::memchr(b'\n', &head.as_bytes()[at..]).map_or(head.len(), |i| at + i);
            let line = &head[at..end];
            at = end + 1;
            let line = line.strip_suffix('\r').unwrap_or(line);
            if !line.is_empty() {
                return Some(line);
            }
        }
        None
    })
}

/// Skips the CRLFs that may precede a message (RFC 3261 §7.5) or make up a
/// keep-alive (RFC 5626 §3.5.1); returns how many bytes to skip.
pub fn leading_crlf(buf: &[u8]) -> usize {
    buf.iter().take_while(|b| **b == b'\r' || **b == b'\n').count()
}

/// Offset of the blank line ending the headers (index of its CRLFCRLF).
pub fn header_end(buf: &[u8]) -> Option<usize> {
    // Made once: a `Finder` is built for its needle (find() built one per call).
    static BLANK_LINE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"\r\n\r\n"));
    BLANK_LINE.find(buf)
}

/// Stream framing: `Ok(Some(len))` when `buf` holds a whole message of `len`
/// bytes (after leading CRLFs were skipped by the caller), `Ok(None)` when
/// more bytes are needed.
pub fn frame_stream(buf: &[u8]) -> Result<Option<usize>, ParseError> {
    let Some(end) = header_end(buf) else {
        return if buf.len() > MAX_MESSAGE {
            Err(ParseError::TooLarge)
        } else {
            Ok(None)
        };
    };
    let head = std::str::from_utf8(&buf[..end]).map_err(|_| ParseError::NotUtf8)?;
    let mut length = None;
    for line in head.split('\n').skip(1) {
        if let Some((name, value)) = line.split_once(':')
            && expand(name.trim()).eq_ignore_ascii_case("Content-Length")
        {
            length = Some(parse_length(value)?);
        }
    }
    let length = length.ok_or(ParseError::MissingContentLength)?;
    // A Content-Length near usize::MAX must not wrap into a small total.
    let total = length.checked_add(end + 4).filter(|t| *t <= MAX_MESSAGE);
    let Some(total) = total else {
        return Err(ParseError::TooLarge);
    };
    Ok((buf.len() >= total).then_some(total))
}

fn parse_length(value: &str) -> Result<usize, ParseError> {
    value
        .trim()
        .parse()
        .map_err(|_| ParseError::BadContentLength(value.trim().to_owned()))
}

/// Splits one datagram or framed stream message into a [`RawMessage`].
pub fn split(buf: &[u8]) -> Result<RawMessage, ParseError> {
    let buf = &buf[leading_crlf(buf)..];
    if buf.len() > MAX_MESSAGE {
        return Err(ParseError::TooLarge);
    }
    let (head, rest, complete) = match header_end(buf) {
        Some(end) => (&buf[..end], &buf[end + 4..], true),
        None => (buf, &buf[buf.len()..], false),
    };
    let head = std::str::from_utf8(head).map_err(|_| ParseError::NotUtf8)?;
    let mut lines = lines(head).peekable();
    let start = lines.next().unwrap_or_default().to_owned();
    let mut raw = RawMessage {
        start,
        headers: Vec::with_capacity(24),
        body: Vec::new(),
    };
    while let Some(line) = lines.next() {
        let bad = || ParseError::BadHeaderLine(line.to_owned());
        let colon = memchr::memchr(b':', line.as_bytes()).ok_or_else(bad)?;
        let (name, value) = (line[..colon].trim_end(), &line[colon + 1..]);
        let name = expand(name);
        if name.is_empty() || !is_name(name) {
            return Err(bad());
        }
        let mut value = Cow::Borrowed(value.trim());
        while let Some(next) = lines.next_if(|l| l.starts_with([' ', '\t'])) {
            let v = value.to_mut();
            v.push(' ');
            v.push_str(next.trim());
        }
        if name.eq_ignore_ascii_case("Via") && !value.contains(',') {
            let via = super::normalize::via(&value).into_owned();
            raw.headers.push((Cow::Borrowed("Via"), via));
        } else if name.eq_ignore_ascii_case("Via") {
            for via in super::split_list(&value) {
                raw.headers
                    .push((Cow::Borrowed("Via"), super::normalize::via(via).into_owned()));
            }
        } else {
            raw.headers.push((interned(name), value.into_owned()));
        }
    }
    if !complete {
        return Err(ParseError::Truncated(Box::new(raw)));
    }
    raw.body = match raw.header("Content-Length") {
        None => rest.to_vec(),
        Some(v) => {
            let Ok(declared) = parse_length(v) else {
                let reason = format!("Malformed Content-Length: {v}");
                return Err(ParseError::Syntax {
                    reason,
                    raw: Box::new(raw),
                });
            };
            if rest.len() < declared {
                return Err(ParseError::ContentLengthMismatch {
                    declared,
                    actual: rest.len(),
                    raw: Box::new(raw),
                });
            }
            rest[..declared].to_vec()
        }
    };
    Ok(raw)
}
