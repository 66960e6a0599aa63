//! SDP as plain data plus pure offer/answer functions (RFC 3264). Parsing
//! and rendering go through webrtc-rs's `sdp` crate (see README: sdp-rs
//! 0.2.1 mangles `opus/48000/2` and drops `a=inactive`). Sends nothing.

mod codec;
mod direction;
mod offer_answer;
mod plain;
#[cfg(test)]
mod plain_tests;
mod wire;

pub use codec::Codec;
pub use direction::Direction;
pub use offer_answer::{Local, answer, negotiate, offer};
pub use wire::{parse, render};

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
}

/// A session description with one audio stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sdp {
    /// `o=` session id.
    pub session_id: u64,
    /// `o=` version; bumped on every new offer from the same side.
    pub version: u64,
    /// The audio stream.
    pub audio: MediaSdp,
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
