//! The RTP fixed header (RFC 3550 §5.1), read and rewritten in place.
//!
//! A [`RtpHeader`] is a checked view over a packet buffer: parsing costs a
//! few bounds checks, rewriting writes the bytes where they are.

/// Why a buffer is not an RTP packet we relay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RtpError {
    /// Shorter than its own header says.
    #[error("truncated RTP packet")]
    Truncated,
    /// Version field is not 2.
    #[error("RTP version is not 2")]
    BadVersion,
    /// Padding count larger than the payload.
    #[error("bad RTP padding")]
    BadPadding,
}

/// The offsets of one RTP packet's parts; the packet stays in its buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RtpHeader {
    /// Header length including CSRCs and extension.
    pub header_len: usize,
    /// Payload length without padding.
    pub payload_len: usize,
}

impl RtpHeader {
    /// Checks `buf` as an RTP packet (version, CSRC list, extension,
    /// padding) without copying.
    pub fn parse(buf: &[u8]) -> Result<RtpHeader, RtpError> {
        if buf.len() < 12 {
            return Err(RtpError::Truncated);
        }
        if buf[0] >> 6 != 2 {
            return Err(RtpError::BadVersion);
        }
        let mut len = 12 + 4 * (buf[0] & 0x0f) as usize;
        if buf[0] & 0x10 != 0 {
            if buf.len() < len + 4 {
                return Err(RtpError::Truncated);
            }
            let words = u16::from_be_bytes([buf[len + 2], buf[len + 3]]) as usize;
            len += 4 + 4 * words;
        }
        if buf.len() < len {
            return Err(RtpError::Truncated);
        }
        let mut end = buf.len();
        if buf[0] & 0x20 != 0 {
            let pad = buf[buf.len() - 1] as usize;
            if pad == 0 || pad > buf.len() - len {
                return Err(RtpError::BadPadding);
            }
            end -= pad;
        }
        Ok(RtpHeader {
            header_len: len,
            payload_len: end - len,
        })
    }
}

/// Payload type (7 bits).
pub fn payload_type(buf: &[u8]) -> u8 {
    buf[1] & 0x7f
}

/// Marker bit.
#[cfg(feature = "test-exports")]
pub fn marker(buf: &[u8]) -> bool {
    buf[1] & 0x80 != 0
}

/// Sequence number.
pub fn sequence(buf: &[u8]) -> u16 {
    u16::from_be_bytes([buf[2], buf[3]])
}

/// Timestamp.
pub fn timestamp(buf: &[u8]) -> u32 {
    u32::from_be_bytes([buf[4], buf[5], buf[6], buf[7]])
}

/// Synchronisation source.
pub fn ssrc(buf: &[u8]) -> u32 {
    u32::from_be_bytes([buf[8], buf[9], buf[10], buf[11]])
}

/// Rewrites payload type (keeping the marker), sequence, timestamp and SSRC.
pub fn rewrite(buf: &mut [u8], pt: u8, seq: u16, ts: u32, ssrc: u32) {
    buf[1] = (buf[1] & 0x80) | (pt & 0x7f);
    buf[2..4].copy_from_slice(&seq.to_be_bytes());
    buf[4..8].copy_from_slice(&ts.to_be_bytes());
    buf[8..12].copy_from_slice(&ssrc.to_be_bytes());
}

/// Writes a minimal RTP header (version 2, no padding, CSRC or extension)
/// into `buf[..12]`: payload type `pt`, the marker bit, sequence number,
/// timestamp and SSRC. The payload follows from `buf[12]`.
///
/// # Panics
/// If `buf` is shorter than 12 bytes.
pub fn write_header(buf: &mut [u8], pt: u8, marker: bool, seq: u16, ts: u32, ssrc: u32) {
    buf[0] = 0x80;
    buf[1] = if marker { 0x80 } else { 0 };
    rewrite(buf, pt, seq, ts, ssrc);
}

/// Whether a packet on a muxed port is RTCP (RFC 5761 §4: PT 64–95 after
/// masking the marker bit, i.e. RTCP types 192–223).
pub fn is_rtcp(buf: &[u8]) -> bool {
    buf.len() >= 2 && (192..=223).contains(&buf[1])
}
