//! Audio codecs as SDP describes them (RFC 3551 static types, rtpmap).

use super::Token;
use std::fmt;

/// One payload format of an `m=audio` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Codec {
    /// RTP payload type.
    pub pt: u8,
    /// Encoding name as written (`PCMU`, `opus`…).
    pub name: Token,
    /// RTP clock rate.
    pub rate: u32,
    /// Channels, when the rtpmap gives them.
    pub channels: Option<u8>,
    /// The fmtp line's value; empty when there is none.
    pub fmtp: Token,
}

// A held call keeps a few in each of its SDPs.
const _: () = assert!(std::mem::size_of::<Codec>() == 40);

impl Codec {
    /// G.711 μ-law, static PT 0.
    pub fn pcmu() -> Self {
        Codec {
            pt: 0,
            name: Token::from_static(&"PCMU"),
            rate: 8000,
            channels: None,
            fmtp: Token::EMPTY,
        }
    }

    /// G.711 A-law, static PT 8.
    pub fn pcma() -> Self {
        Codec {
            pt: 8,
            name: Token::from_static(&"PCMA"),
            rate: 8000,
            channels: None,
            fmtp: Token::EMPTY,
        }
    }

    /// Opus (RFC 7587: always `opus/48000/2` in SDP).
    pub fn opus(pt: u8) -> Self {
        Codec {
            pt,
            name: Token::from_static(&"opus"),
            rate: 48000,
            channels: Some(2),
            fmtp: Token::from_static(&"useinbandfec=1"),
        }
    }

    /// RFC 4733 telephone-event at 8 kHz.
    pub fn telephone_event(pt: u8) -> Self {
        Codec {
            pt,
            name: Token::from_static(&"telephone-event"),
            rate: 8000,
            channels: None,
            fmtp: Token::from_static(&"0-16"),
        }
    }

    /// The format a static payload type implies when no rtpmap is given.
    pub fn from_static(pt: u8) -> Option<Self> {
        match pt {
            0 => Some(Self::pcmu()),
            8 => Some(Self::pcma()),
            _ => None,
        }
    }

    /// Our codecs by configuration name (`PCMU`, `PCMA`, `opus`, any
    /// case; others skipped), with telephone-event appended.
    pub fn from_names(names: &[String]) -> Vec<Codec> {
        let mut out: Vec<Codec> = names
            .iter()
            .filter_map(|n| match n.to_ascii_lowercase().as_str() {
                "pcmu" => Some(Self::pcmu()),
                "pcma" => Some(Self::pcma()),
                "opus" => Some(Self::opus(111)),
                _ => None,
            })
            .collect();
        out.push(Self::telephone_event(101));
        out
    }

    /// Whether two descriptions name the same format (name, rate, channels;
    /// payload types may differ between the sides).
    pub fn same_format(&self, other: &Codec) -> bool {
        self.name.eq_ignore_ascii_case(&other.name)
            && self.rate == other.rate
            && self.channels.unwrap_or(1) == other.channels.unwrap_or(1)
    }

    /// The value of parameter `key` (any case) in the fmtp line, as in
    /// `maxaveragebitrate=20000;useinbandfec=1`.
    pub fn fmtp_param(&self, key: &str) -> Option<&str> {
        self.fmtp.split(';').find_map(|p| {
            let (k, v) = p.split_once('=')?;
            k.trim().eq_ignore_ascii_case(key).then(|| v.trim())
        })
    }

    /// Whether this is telephone-event (not a voice codec).
    pub fn is_telephone_event(&self) -> bool {
        self.name.eq_ignore_ascii_case("telephone-event")
    }

    /// The rtpmap value (`opus/48000/2`).
    pub fn rtpmap(&self) -> String {
        match self.channels {
            Some(c) => format!("{}/{}/{}", self.name, self.rate, c),
            None => format!("{}/{}", self.name, self.rate),
        }
    }
}

impl fmt::Display for Codec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.pt, self.rtpmap())
    }
}
