//! A message owned in one allocation: its start line, header lines
//! (compact names expanded) and body written once into one text, as it
//! goes on the wire, with an index of where each header's name and value
//! lie in it kept inline (a body that is not UTF-8, or more header lines
//! than the index holds inline, take one more). What the layers above
//! read of a received request or response (header values borrowed from
//! it, never copied one by one into strings as an rsip message does, one
//! allocation per header), and what an INVITE client transaction keeps
//! of the INVITE it sent.

use super::Method;
use smallvec::SmallVec;

mod request;
mod verbatim;
mod write;

/// Where one header's name and value lie in the text.
#[derive(Debug, Clone, Copy)]
pub(super) struct Line {
    pub(super) name: (u32, u32),
    pub(super) value: (u32, u32),
}

/// Header lines indexed without an allocation: a SIPp call's messages
/// have 8 to 14.
pub(super) const INLINE_LINES: usize = 20;

/// Where the body is.
#[derive(Debug, Clone)]
pub(super) enum Body {
    /// At the end of the text (UTF-8, as SDP is).
    Text(u32),
    /// Bytes of its own.
    Bytes(Box<[u8]>),
}

/// What the start line says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Start {
    /// A request with this method.
    Request(Method),
    /// A response with this status code.
    Response(u16),
}

/// A received message: start line, header lines and body.
#[derive(Debug, Clone)]
pub struct Message {
    pub(super) text: Box<str>,
    pub(super) lines: SmallVec<[Line; INLINE_LINES]>,
    pub(super) body: Body,
    pub(super) start: Start,
    /// The Request-URI, or the reason phrase of a response.
    pub(super) second: (u32, u32),
}

impl Message {
    fn slice(&self, (from, to): (u32, u32)) -> &str {
        &self.text[from as usize..to as usize]
    }

    /// What the start line says.
    pub fn start(&self) -> Start {
        self.start
    }

    /// The method of a request.
    pub fn method(&self) -> Option<Method> {
        match self.start {
            Start::Request(m) => Some(m),
            Start::Response(_) => None,
        }
    }

    /// The status code of a response (0 for a request).
    pub fn code(&self) -> u16 {
        match self.start {
            Start::Request(_) => 0,
            Start::Response(c) => c,
        }
    }

    /// The start line, without its CRLF.
    pub fn start_line(&self) -> &str {
        let end = self.text.find("\r\n").unwrap_or(self.text.len());
        &self.text[..end]
    }

    /// A request's Request-URI as it was written ("" for a response).
    pub fn uri(&self) -> &str {
        match self.start {
            Start::Request(_) => self.slice(self.second),
            Start::Response(_) => "",
        }
    }

    /// Every header's (name, value), in order.
    pub fn lines(&self) -> impl DoubleEndedIterator<Item = (&str, &str)> + Clone + '_ {
        self.lines.iter().map(|l| (self.slice(l.name), self.slice(l.value)))
    }

    /// The value of the first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        let line = self
            .lines
            .iter()
            .find(|l| self.slice(l.name).eq_ignore_ascii_case(name))?;
        Some(self.slice(line.value))
    }

    /// The values of every header named `name`, in order.
    pub fn headers<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + Clone + 'a {
        self.lines()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// The body.
    pub fn body(&self) -> &[u8] {
        match &self.body {
            Body::Text(at) => &self.text.as_bytes()[*at as usize..],
            Body::Bytes(b) => b,
        }
    }

    /// The message as it goes on the wire (its Content-Length is the one
    /// its lines carry).
    pub fn wire(&self) -> bytes::Bytes {
        match &self.body {
            Body::Text(_) => bytes::Bytes::copy_from_slice(self.text.as_bytes()),
            Body::Bytes(b) => [self.text.as_bytes(), b].concat().into(),
        }
    }

    /// The body as text, if it is UTF-8 and not empty.
    pub fn body_text(&self) -> Option<&str> {
        match &self.body {
            Body::Text(at) => Some(&self.text[*at as usize..]).filter(|t| !t.is_empty()),
            Body::Bytes(b) => std::str::from_utf8(b).ok().filter(|t| !t.is_empty()),
        }
    }
}
