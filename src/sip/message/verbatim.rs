//! A received message kept as it came: when its head is already written
//! as [`Message::new`] would write it (`Name: value` lines, no compact
//! name, no white space to trim, CRLF line ends), the head is copied in
//! one piece and indexed where it lies, instead of written again a part
//! at a time. SIPp, and most peers, send every message so.

use super::{Body, Line, Message, Start};
use smallvec::SmallVec;

impl Message {
    /// `line` and `headers` (a view's, each a slice of `head`, the
    /// message's head as received) kept verbatim with `body`; `None`
    /// when they are not all of `head` in canonical form (the caller
    /// writes the message with [`Message::new`]).
    pub(in crate::sip) fn verbatim(
        start: Start,
        head: &str,
        line: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Option<Self> {
        let utf8 = std::str::from_utf8(body).ok()?;
        let (base, bytes) = (head.as_ptr() as usize, head.as_bytes());
        // Where `part` lies in `head`, if it is a slice of it (a compact
        // name expanded is not): its bytes are then the head's there.
        let find = |part: &str| {
            let at = (part.as_ptr() as usize).wrapping_sub(base);
            (at <= head.len() && part.len() <= head.len() - at).then_some(at)
        };
        if find(line) != Some(0) {
            return None;
        }
        let mut lines = SmallVec::<[Line; super::INLINE_LINES]>::new();
        let mut next = line.len();
        for &(name, value) in headers {
            let (n, v) = (find(name)?, find(value)?);
            // Exactly `\r\n` before each name and `: ` after it, each line
            // right after the last: the head is what `new` would write.
            let sep = |at: usize, s: [u8; 2]| bytes.get(at) == Some(&s[0]) && bytes.get(at + 1) == Some(&s[1]);
            if n != next + 2 || v != n + name.len() + 2 || !sep(next, *b"\r\n") || !sep(n + name.len(), *b": ") {
                return None;
            }
            lines.push(Line {
                name: (n as u32, (n + name.len()) as u32),
                value: (v as u32, (v + value.len()) as u32),
            });
            next = v + value.len();
        }
        if next != head.len() {
            return None;
        }
        let mut text = String::with_capacity(head.len() + 4 + utf8.len());
        text.push_str(head);
        text.push_str("\r\n\r\n");
        let at_body = text.len() as u32;
        text.push_str(utf8);
        Some(Message {
            second: super::write::second_part(line),
            text: text.into_boxed_str(),
            lines,
            body: Body::Text(at_body),
            start,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Message, Start};
    use crate::sip::view::View;

    const INVITE: &str = "INVITE sip:service@127.0.0.1:5060 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5061;branch=z9hG4bK-1\r\n\
From: sipp <sip:sipp@127.0.0.1:5061>;tag=1\r\nTo: service <sip:service@127.0.0.1:5060>\r\nCall-ID: 1-bench@h\r\n\
CSeq: 1 INVITE\r\nContent-Type: application/sdp\r\nContent-Length: 10\r\n\r\nv=0\r\ns=-\r\n";

    /// The message `text` kept verbatim, and as `new` writes it.
    fn both(text: &str) -> (Option<Message>, Message) {
        let view = View::parse(text.as_bytes()).expect("a view");
        let start = Start::Request(crate::sip::Method::Invite);
        let kept = Message::verbatim(start, view.head, view.start, view.headers(), view.body);
        let written = Message::new(start, &[view.start], view.headers().iter().copied(), view.body);
        (kept, written)
    }

    #[test]
    fn a_canonical_message_is_kept_as_new_would_write_it() {
        let (kept, written) = both(INVITE);
        let kept = kept.expect("canonical");
        assert_eq!(&*kept.text, &*written.text);
        assert_eq!(&*kept.text, INVITE);
        assert_eq!(kept.second, written.second);
        assert_eq!(kept.uri(), "sip:service@127.0.0.1:5060");
        assert!(kept.lines().eq(written.lines()));
        assert_eq!(kept.body(), written.body());
        assert_eq!(kept.header("Call-ID"), Some("1-bench@h"));
    }

    #[test]
    fn anything_new_would_write_otherwise_is_written_again() {
        let variants = [
            INVITE.replace("Call-ID: ", "i: "),                // a compact name, expanded
            INVITE.replace("Call-ID: ", "Call-ID:  "),         // white space trimmed
            INVITE.replace("Call-ID: ", "Call-ID:"),           // no space after the colon
            INVITE.replace("1-bench@h\r\n", "1-bench@h \r\n"), // trailing white space
            INVITE.replace("Call-ID: ", "Call-ID : "),         // white space before the colon
        ];
        for v in &variants {
            let (kept, written) = both(v);
            assert!(kept.is_none(), "{v}");
            assert_eq!(written.header("Call-ID"), Some("1-bench@h"), "{v}");
        }
        // A body that is not UTF-8 is kept apart by `new`.
        let mut bytes = INVITE.as_bytes().to_vec();
        let at = bytes.len() - 3;
        bytes[at] = 0xff;
        let view = View::parse(&bytes).expect("a view");
        let start = Start::Request(crate::sip::Method::Invite);
        assert!(Message::verbatim(start, view.head, view.start, view.headers(), view.body).is_none());
    }
}
