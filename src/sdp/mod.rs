//! SDP as plain data plus pure offer/answer functions (RFC 3264). Parsing
//! and rendering go through webrtc-rs's `sdp` crate (see README: sdp-rs
//! 0.2.1 mangles `opus/48000/2` and drops `a=inactive`). Sends nothing.

mod codec;
mod direction;
mod offer_answer;
mod plain;
#[cfg(test)]
mod plain_tests;
mod proto;
mod render;
mod srtp;
mod text;
mod token;
mod wire;

pub use codec::Codec;
pub use direction::Direction;
pub use offer_answer::{Local, answer, negotiate, offer};
pub use proto::Proto;
pub use render::render;
pub use srtp::{SrtpPolicy, SrtpTerms};
pub use token::Token;
pub use wire::parse;

use crate::media::srtp::{Crypto, CryptoError};
use std::net::IpAddr;

/// Errors of the SDP layer.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SdpError {
    /// The text is not valid SDP.
    #[error("malformed SDP: {0}")]
    Malformed(String),
    /// There is no `m=audio` line.
    #[error("no audio stream in SDP")]
    NoAudio,
    /// No voice codec in common (answered 488).
    #[error("no common codec")]
    NoCommonCodec,
    /// Audio only in a protocol this leg does not speak (`RTP/SAVP`
    /// without SRTP): answered 488, never downgraded to `RTP/AVP`.
    #[error("audio only as {0}, which this leg does not speak")]
    Protocol(String),
    /// SRTP offered without a key we can use (answered 488).
    #[error("RTP/SAVP without a usable a=crypto ({0})")]
    NoCrypto(String),
    /// This leg requires SRTP and the offer has no `a=crypto` (488).
    #[error("SRTP required, offer has no a=crypto")]
    SrtpRequired,
    /// SRTP would send SDES keys over plaintext signalling, which this
    /// leg does not allow (488).
    #[error("SDES keys are only sent over TLS here")]
    SdesInClear,
}

/// An m-line not taken (another media type, a protocol we do not speak, a
/// second audio stream): an answer repeats it at its place with port 0
/// (RFC 3264 §6: as many m-lines as the offer, in its order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// Its position among the m-lines.
    pub at: usize,
    /// Media type, protocol and first format, as offered.
    pub media: String,
    /// Protocol, as offered.
    pub proto: String,
    /// The first format, as offered.
    pub format: String,
}

/// One side's audio description: where it receives, what it accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaSdp {
    /// Connection address (`c=`); 0.0.0.0 is RFC 2543 hold.
    pub addr: IpAddr,
    /// RTP port (0: stream rejected).
    pub port: u16,
    /// Payload formats in preference order.
    pub codecs: Vec<Codec>,
    /// Direction of the describing side.
    pub direction: Direction,
    /// `a=rtcp-mux` present.
    pub rtcp_mux: bool,
    /// `a=ptime`, if any.
    pub ptime: Option<u32>,
    /// The m-line's protocol.
    pub proto: Proto,
    /// Its usable `a=crypto` lines, in order (one in an answer).
    /// (`ThinVec`s and a box here and in `Sdp`: a word each in every SDP
    /// a held call keeps, four in a bridge, most with none of them.)
    pub crypto: thin_vec::ThinVec<Crypto>,
    /// Why the first unusable `a=crypto` line was refused, if one was.
    pub bad_crypto: Option<Box<CryptoError>>,
}

/// A session description with one audio stream (the first `m=audio` in
/// a protocol we speak) and the m-lines around it, rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sdp {
    /// `o=` session id.
    pub session_id: u64,
    /// `o=` version; bumped on every new offer from the same side.
    pub version: u64,
    /// The audio stream.
    pub audio: MediaSdp,
    /// The other m-lines, in order (none in what we offer).
    pub rejected: thin_vec::ThinVec<Rejected>,
}

impl Sdp {
    /// Effective direction (`c=0.0.0.0` counts as not receiving).
    pub fn direction(&self) -> Direction {
        let d = self.audio.direction;
        if self.audio.addr.is_unspecified() {
            Direction::from_attr(match d {
                Direction::SendRecv | Direction::SendOnly => "sendonly",
                _ => "inactive",
            })
            .unwrap_or(d)
        } else {
            d
        }
    }
}
