//! SRTP and SRTCP (RFC 3711) with AES_CM_128_HMAC_SHA1_80 and _32 (RFC
//! 4568's SDES suites), protecting and unprotecting packets in the buffer
//! they arrive in: no allocation per packet, so a media worker can run
//! it. The primitives come from RustCrypto (`aes`, `hmac`, `sha1`); the
//! protocol is written here because webrtc-srtp, the pure-Rust SRTP crate,
//! returns every packet in a new buffer (tested against it as the oracle).
//! `a=crypto` lines (SDES keys) are read and written here too. The media
//! workers run it on legs whose [`LegSrtp`](crate::media::LegSrtp) has
//! keys: each leg keeps four contexts (SRTP and SRTCP, each way), and a
//! packet is opened in its receive buffer and sealed there for the leg it
//! leaves on. The offer/answer that agrees the keys is `sdp::srtp`.

mod keys;
mod replay;
mod rtcp;
mod rtp;
mod sdes;
#[cfg(test)]
mod tests;

pub use keys::MasterKey;
pub use rtcp::SrtcpContext;
pub use rtp::SrtpContext;
pub use sdes::{Crypto, CryptoError};

/// An SDES crypto suite (RFC 4568 §6.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Suite {
    /// AES-128 counter mode, HMAC-SHA1 tag of 80 bits.
    AesCm128HmacSha1_80,
    /// The same with a 32-bit tag on RTP (80 bits on RTCP, RFC 4568 §6.2.2).
    AesCm128HmacSha1_32,
}

impl Suite {
    /// Its name in `a=crypto`.
    pub fn name(self) -> &'static str {
        match self {
            Suite::AesCm128HmacSha1_80 => "AES_CM_128_HMAC_SHA1_80",
            Suite::AesCm128HmacSha1_32 => "AES_CM_128_HMAC_SHA1_32",
        }
    }

    /// The suite named `name`, if we have it.
    pub fn from_name(name: &str) -> Option<Suite> {
        [Suite::AesCm128HmacSha1_80, Suite::AesCm128HmacSha1_32]
            .into_iter()
            .find(|s| s.name() == name)
    }

    /// Bytes of authentication tag on an SRTP packet.
    pub fn rtp_tag_len(self) -> usize {
        match self {
            Suite::AesCm128HmacSha1_80 => 10,
            Suite::AesCm128HmacSha1_32 => 4,
        }
    }
}

/// Why a packet was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SrtpError {
    /// Too short, or not RTP/RTCP.
    #[error("malformed packet")]
    Malformed,
    /// The authentication tag does not match (corrupted or forged).
    #[error("authentication failed")]
    Auth,
    /// Already received, or older than the replay window.
    #[error("replayed packet")]
    Replay,
    /// No room in the buffer for the tag.
    #[error("no room for the tag")]
    NoRoom,
}

/// The length of an RTP header (fixed part, CSRCs, extension) in `pkt`.
fn rtp_header_len(pkt: &[u8]) -> Option<usize> {
    if pkt.len() < 12 || pkt[0] >> 6 != 2 {
        return None;
    }
    let mut len = 12 + 4 * usize::from(pkt[0] & 0x0f);
    if pkt[0] & 0x10 != 0 {
        let words = u16::from_be_bytes([*pkt.get(len + 2)?, *pkt.get(len + 3)?]);
        len += 4 + 4 * usize::from(words);
    }
    (len <= pkt.len()).then_some(len)
}
