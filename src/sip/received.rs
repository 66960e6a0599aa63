//! A message as it arrived, owned in three allocations: its start line
//! and header lines written once into one text (compact names expanded),
//! an index of where each header's name and value lie in it, and the
//! body. What the layers above read of a received request or response:
//! header values are borrowed from it, never copied one by one into
//! strings (as an rsip message does, one allocation per header).

use super::Method;

/// Where one header's name and value lie in the text.
#[derive(Debug, Clone, Copy)]
struct Line {
    name: (u32, u32),
    value: (u32, u32),
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
pub struct Received {
    text: Box<str>,
    lines: Box<[Line]>,
    body: Box<[u8]>,
    start: Start,
    /// The Request-URI, or the reason phrase of a response.
    second: (u32, u32),
}

impl Received {
    /// A message of the start line `line` (whose kind is `start`), the
    /// header lines `headers` (canonical names) and `body`.
    pub(super) fn new<'a, I>(start: Start, line: &str, headers: I, body: &[u8]) -> Self
    where
        I: Iterator<Item = (&'a str, &'a str)> + Clone,
    {
        let size = line.len() + 2 + headers.clone().map(|(n, v)| n.len() + v.len() + 4).sum::<usize>();
        let mut text = String::with_capacity(size);
        text.push_str(line);
        text.push_str("\r\n");
        let mut lines = Vec::with_capacity(headers.clone().count());
        for (name, value) in headers {
            let n = text.len() as u32;
            text.push_str(name);
            text.push_str(": ");
            let v = text.len() as u32;
            text.push_str(value);
            lines.push(Line {
                name: (n, n + name.len() as u32),
                value: (v, text.len() as u32),
            });
            text.push_str("\r\n");
        }
        Received {
            second: second_part(line),
            text: text.into_boxed_str(),
            lines: lines.into_boxed_slice(),
            body: body.into(),
            start,
        }
    }

    /// A request of just `headers`, for tests of what reads them.
    #[cfg(any(test, feature = "test-exports"))]
    pub fn of_headers(headers: &[(&str, &str)]) -> Self {
        let start = Start::Request(Method::Options);
        Received::new(
            start,
            "OPTIONS sip:test@127.0.0.1 SIP/2.0",
            headers.iter().copied(),
            b"",
        )
    }

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
        let end = self.lines.first().map_or(self.text.len(), |l| l.name.0 as usize);
        self.text[..end].trim_end_matches("\r\n")
    }

    /// A request's Request-URI as it was written ("" for a response).
    pub fn uri(&self) -> &str {
        match self.start {
            Start::Request(_) => self.slice(self.second),
            Start::Response(_) => "",
        }
    }

    /// A response's reason phrase ("" for a request).
    pub fn reason(&self) -> &str {
        match self.start {
            Start::Request(_) => "",
            Start::Response(_) => self.slice(self.second),
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
        &self.body
    }

    /// The body as text, if it is UTF-8 and not empty.
    pub fn body_text(&self) -> Option<&str> {
        std::str::from_utf8(&self.body).ok().filter(|t| !t.is_empty())
    }

    /// The same message with the first header named `name` given `value`
    /// (as a proxy stamps a Via, §18.2.1); unchanged when there is none.
    pub fn replace_first(&mut self, name: &str, value: &str) {
        let Some(at) = self
            .lines
            .iter()
            .position(|l| self.slice(l.name).eq_ignore_ascii_case(name))
        else {
            return;
        };
        let lines = self
            .lines()
            .enumerate()
            .map(|(i, (n, v))| (n, if i == at { value } else { v }));
        *self = Received::new(self.start, self.start_line(), lines, &self.body);
    }
}

/// Where the second part of a start line lies: a request's URI (between
/// the first two spaces) or a response's reason (after the second).
fn second_part(line: &str) -> (u32, u32) {
    let first = line.find(' ').map_or(line.len(), |i| i + 1);
    let second = line[first..].find(' ').map_or(line.len(), |i| first + i);
    if line.starts_with("SIP/") {
        ((second + 1).min(line.len()) as u32, line.len() as u32)
    } else {
        (first as u32, second as u32)
    }
}
