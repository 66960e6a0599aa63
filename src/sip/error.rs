//! Errors of the `sip` layer. An error that can still be answered carries
//! the raw headers needed to build the 400.

use super::RawMessage;

/// Why bytes could not become a SIP message.
#[derive(Debug, thiserror::Error)]
pub enum ParseError {
    /// Larger than [`super::MAX_MESSAGE`].
    #[error("Message too large")]
    TooLarge,
    /// Header section is not UTF-8.
    #[error("Headers are not UTF-8")]
    NotUtf8,
    /// A stream message without Content-Length cannot be framed.
    #[error("Missing Content-Length on a stream transport")]
    MissingContentLength,
    /// Content-Length is not a number.
    #[error("Malformed Content-Length: {0}")]
    BadContentLength(String),
    /// A header line without a colon or with a bad name.
    #[error("Malformed header line")]
    BadHeaderLine(String),
    /// The message ends before the blank line that closes its headers.
    #[error("Truncated message: headers not terminated")]
    Truncated(Box<RawMessage>),
    /// Fewer body bytes than Content-Length declares.
    #[error("Content-Length mismatch: declared {declared}, received {actual}")]
    ContentLengthMismatch {
        /// Declared length.
        declared: usize,
        /// Bytes present.
        actual: usize,
        /// The headers, to answer with.
        raw: Box<RawMessage>,
    },
    /// A request whose method rsip does not know (answered 501).
    #[error("Method not implemented")]
    UnknownMethod(Box<RawMessage>),
    /// SIP version other than 2.0 (answered 505).
    #[error("Version Not Supported")]
    BadVersion(Box<RawMessage>),
    /// A Request-URI scheme other than sip, sips or tel (answered 416).
    #[error("Unsupported URI Scheme")]
    UnsupportedScheme(Box<RawMessage>),
    /// Start line or a header rsip rejected.
    #[error("{reason}")]
    Syntax {
        /// Reason phrase naming the fault.
        reason: String,
        /// The headers, to answer with.
        raw: Box<RawMessage>,
    },
}

impl ParseError {
    /// The raw headers when the message may still be answered, with the
    /// status to answer with.
    pub fn answerable(&self) -> Option<(&RawMessage, u16)> {
        match self {
            Self::Truncated(raw) | Self::ContentLengthMismatch { raw, .. } | Self::Syntax { raw, .. } => {
                Some((raw, 400))
            }
            Self::UnknownMethod(raw) => Some((raw, 501)),
            Self::BadVersion(raw) => Some((raw, 505)),
            Self::UnsupportedScheme(raw) => Some((raw, 416)),
            _ => None,
        }
    }
}

/// A parsed message that breaks RFC 3261's rules for mandatory headers; the
/// text is the 400's reason phrase.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InvalidMessage {
    /// A mandatory header is absent.
    #[error("Missing {0} header")]
    Missing(&'static str),
    /// A mandatory header does not parse.
    #[error("Malformed {0} header")]
    Malformed(&'static str),
    /// CSeq method differs from the request method.
    #[error("CSeq method does not match request method")]
    CSeqMethodMismatch,
    /// A mandatory header appears more than once.
    #[error("Duplicate {0} header")]
    Duplicate(&'static str),
}
