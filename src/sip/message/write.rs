//! Writing a [`Message`]: its text (the message as it goes on the wire:
//! start line, header lines, a blank line, a UTF-8 body) and index built
//! in one pass, and the changes made to one (a Via stamped, a request
//! sent again).

use super::{Body, Line, Message, Start};
#[cfg(any(test, feature = "test-exports"))]
use crate::sip::Method;
use smallvec::SmallVec;

impl Message {
    /// A message of the start line `line` (written from its parts; its
    /// kind is `start`), the header lines `headers` and `body`.
    pub(in crate::sip) fn new<'a, I>(start: Start, line: &[&str], headers: I, body: &[u8]) -> Self
    where
        I: Iterator<Item = (&'a str, &'a str)> + Clone,
    {
        let utf8 = std::str::from_utf8(body).ok();
        let line_len = line.iter().map(|p| p.len()).sum::<usize>();
        let size = line_len + 4 + headers.clone().map(|(n, v)| n.len() + v.len() + 4).sum::<usize>();
        let mut text = String::with_capacity(size + utf8.map_or(0, str::len));
        line.iter().for_each(|p| text.push_str(p));
        let second = second_part(&text);
        text.push_str("\r\n");
        let mut lines = SmallVec::new();
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
        text.push_str("\r\n");
        let body = match utf8 {
            Some(b) => {
                let at = text.len() as u32;
                text.push_str(b);
                Body::Text(at)
            }
            None => Body::Bytes(body.into()),
        };
        Message {
            second,
            text: text.into_boxed_str(),
            lines,
            body,
            start,
        }
    }

    /// A request of just `headers`, for tests of what reads them.
    #[cfg(any(test, feature = "test-exports"))]
    pub fn of_headers(headers: &[(&str, &str)]) -> Self {
        let start = Start::Request(Method::Options);
        Message::new(
            start,
            &["OPTIONS sip:test@127.0.0.1 SIP/2.0"],
            headers.iter().copied(),
            b"",
        )
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
        *self = Message::new(self.start, &[self.start_line()], lines, self.body());
    }

    /// A message like this one, with the start line written from `line`
    /// and the header lines `headers` (the body kept).
    pub fn rewritten<'a, I>(&self, line: &[&str], headers: I) -> Message
    where
        I: Iterator<Item = (&'a str, &'a str)> + Clone,
    {
        Message::new(self.start, line, headers, self.body())
    }
}

/// Where the second part of a start line lies: a request's URI (between
/// the first two spaces) or a response's reason (after the second).
pub(super) fn second_part(line: &str) -> (u32, u32) {
    use crate::sip::scan::find;
    let first = find(line, b' ').map_or(line.len(), |i| i + 1);
    let second = find(&line[first..], b' ').map_or(line.len(), |i| first + i);
    if line.starts_with("SIP/") {
        ((second + 1).min(line.len()) as u32, line.len() as u32)
    } else {
        (first as u32, second as u32)
    }
}

#[cfg(test)]
mod tests {
    use crate::sip::receive;

    #[test]
    fn many_lines_a_binary_body_and_a_stamped_via_read_back() {
        let many: String = (0..30).map(|i| format!("X-H{i}: v{i}\r\n")).collect();
        let text = format!(
            "MESSAGE sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\n{many}Content-Length: 3\r\n\r\n?\x00a"
        );
        let mut bytes = text.into_bytes();
        let len = bytes.len();
        bytes[len - 3] = 0xff;
        let mut msg = receive(&bytes).expect("parses");
        assert_eq!(msg.headers("X-H29").collect::<Vec<_>>(), ["v29"]);
        assert_eq!(msg.lines().count(), 32);
        assert_eq!(msg.body(), b"\xff\x00a");
        assert_eq!(msg.body_text(), None);
        msg.replace_first("via", "SIP/2.0/UDP h;branch=z9hG4bK1;received=127.0.0.1");
        assert_eq!(
            msg.header("Via"),
            Some("SIP/2.0/UDP h;branch=z9hG4bK1;received=127.0.0.1")
        );
        assert_eq!(msg.start_line(), "MESSAGE sip:b@h SIP/2.0");
        assert_eq!((msg.uri(), msg.body()), ("sip:b@h", &b"\xff\x00a"[..]));
        assert_eq!(msg.header("X-H0"), Some("v0"));
    }
}
