//! What the transaction and dialog layers match a message on, extracted
//! once by `validate`: its five strings (Call-ID, branch, sent-by and the
//! two tags) kept one after another inline (a heap allocation only past
//! [`INLINE`] bytes), read through accessors.

use super::{Method, Via};
use smallvec::SmallVec;
use std::ops::Range;

/// Bytes of a core's strings kept without an allocation: a SIPp call's
/// take about 100, a carrier's long Call-IDs and branches about 200.
const INLINE: usize = 192;

/// What the transaction and dialog layers match on, extracted once.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Core {
    /// Call-ID, branch, sent-by, From tag and To tag, one after another
    /// (UTF-8: written only from `str`s).
    text: SmallVec<[u8; INLINE]>,
    /// Where each of the five ends in `text`.
    ends: [u32; 5],
    /// Which tags are present (an absent tag differs from an empty one).
    tags: (bool, bool),
    /// CSeq number.
    pub cseq: u32,
    /// CSeq method.
    pub cseq_method: Method,
}

/// A [`Core`]'s strings as they are written into it.
pub(super) struct CoreText<'a> {
    pub call_id: &'a str,
    /// Top Via branch, or the RFC 2543 key standing in for it.
    pub branch: &'a str,
    /// The top Via, whose sent-by is written into the buffer.
    pub via: &'a Via<'a>,
    pub from_tag: Option<&'a str>,
    pub to_tag: Option<&'a str>,
}

impl Core {
    /// A core of `t`'s strings and the CSeq.
    pub(super) fn new(t: CoreText<'_>, cseq: u32, cseq_method: Method) -> Self {
        let tags = [t.from_tag.unwrap_or(""), t.to_tag.unwrap_or("")];
        // sent-by: at most a bracketed IPv6 address or a host name, and a port.
        let len = t.call_id.len() + t.branch.len() + t.via.host.len() + 8 + tags[0].len() + tags[1].len();
        let mut text = SmallVec::with_capacity(len);
        let mut ends = [0u32; 5];
        text.extend_from_slice(t.call_id.as_bytes());
        ends[0] = text.len() as u32;
        text.extend_from_slice(t.branch.as_bytes());
        ends[1] = text.len() as u32;
        t.via.push_sent_by(|b| text.extend_from_slice(b));
        ends[2] = text.len() as u32;
        text.extend_from_slice(tags[0].as_bytes());
        ends[3] = text.len() as u32;
        text.extend_from_slice(tags[1].as_bytes());
        ends[4] = text.len() as u32;
        Core {
            text,
            ends,
            tags: (t.from_tag.is_some(), t.to_tag.is_some()),
            cseq,
            cseq_method,
        }
    }

    fn part(&self, i: usize) -> &str {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        let part = &self.text[Range {
            start,
            end: self.ends[i] as usize,
        }];
        // SAFETY: `text` holds `str`s written whole, one after another, and
        // `ends` marks where each ends: a part is one of them, valid UTF-8.
        unsafe { std::str::from_utf8_unchecked(part) }
    }

    /// Call-ID value.
    pub fn call_id(&self) -> &str {
        self.part(0)
    }

    /// Top Via branch; for RFC 2543 peers (no magic cookie) a key derived
    /// from the §17.2.3 fallback fields.
    pub fn branch(&self) -> &str {
        self.part(1)
    }

    /// Top Via sent-by (`host:port`).
    pub fn sent_by(&self) -> &str {
        self.part(2)
    }

    /// From tag (non-empty when present). The From header's tag, not a
    /// conversion, whatever clippy reads in the name.
    #[allow(clippy::wrong_self_convention)]
    pub fn from_tag(&self) -> Option<&str> {
        self.tags.0.then(|| self.part(3))
    }

    /// To tag (non-empty when present).
    pub fn to_tag(&self) -> Option<&str> {
        self.tags.1.then(|| self.part(4))
    }
}
