//! A short SDP string that is copied often (an encoding name, an fmtp
//! value): the common ones are static, any other is shared, so that a
//! codec list is cloned — offered to one leg, answered to the other,
//! kept in a record — without a single allocation. Two words: a codec
//! is 40 bytes, and a held call keeps five or so in its SDPs.

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// The values written in nearly every SDP of a call, kept as statics.
static COMMON: [&str; 13] = [
    "",
    "PCMU",
    "PCMA",
    "opus",
    "telephone-event",
    "G722",
    "G729",
    "0-16",
    "0-15",
    "useinbandfec=1",
    "annexb=no",
    "minptime=10;useinbandfec=1",
    "CN",
];

/// An SDP string, static or shared; reads as `&str`.
#[derive(Clone)]
pub struct Token(Repr);

/// A static is reached through a second reference (one word, not a
/// `&str`'s two), so that either form is two words.
#[derive(Clone)]
enum Repr {
    Static(&'static &'static str),
    Shared(Arc<str>),
}

impl Token {
    /// The empty string (an fmtp the SDP does not give).
    pub const EMPTY: Token = Token::from_static(&"");

    /// `s`, which must outlive everything (`Token::from_static(&"PCMU")`).
    pub const fn from_static(s: &'static &'static str) -> Self {
        Token(Repr::Static(s))
    }

    /// `s` as written: a common value costs nothing, another one shared
    /// allocation.
    pub fn new(s: &str) -> Self {
        match COMMON.iter().find(|c| **c == s) {
            Some(c) => Token(Repr::Static(c)),
            None => Token(Repr::Shared(Arc::from(s))),
        }
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        match &self.0 {
            Repr::Static(s) => s,
            Repr::Shared(s) => s,
        }
    }
}

impl Default for Token {
    fn default() -> Self {
        Token::EMPTY
    }
}

impl Deref for Token {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl From<&str> for Token {
    fn from(s: &str) -> Self {
        Token::new(s)
    }
}

impl From<String> for Token {
    fn from(s: String) -> Self {
        Token::new(&s)
    }
}

impl PartialEq for Token {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Token {}

impl PartialEq<str> for Token {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Token {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl serde::Serialize for Token {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::Token;

    #[test]
    fn common_values_are_static_and_others_shared_and_both_read_back() {
        let pcmu = Token::new("PCMU");
        assert!(matches!(pcmu.0, super::Repr::Static(_)));
        let odd = Token::new("X-Vendor");
        assert!(matches!(odd.0, super::Repr::Shared(_)));
        assert_eq!(odd.clone(), Token::from("X-Vendor".to_owned()));
        assert_eq!(&*pcmu, "PCMU");
        assert_eq!(format!("{pcmu} {odd:?}"), "PCMU \"X-Vendor\"");
        assert_ne!(Token::new("pcmu"), pcmu, "as written: case is kept");
        assert!(Token::new("").is_empty() && matches!(Token::new("").0, super::Repr::Static(_)));
        assert_eq!(std::mem::size_of::<Token>(), 16);
    }
}
