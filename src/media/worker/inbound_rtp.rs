//! The fields of a received RTP packet that the rest of its path needs,
//! read once from the buffer it stays in.

use crate::media::rtp::{RtpError, RtpHeader, header};

/// A checked RTP packet's header fields and where its payload lies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InboundRtp {
    /// Payload type as received.
    pub pt: u8,
    /// SSRC as received.
    pub ssrc: u32,
    /// Sequence number as received.
    pub seq: u16,
    /// Timestamp as received.
    pub ts: u32,
    /// Header length: the payload starts here.
    pub header_len: usize,
    /// Payload length, without padding.
    pub payload_len: usize,
    /// The packet's length (unprotected, for SRTP).
    pub len: usize,
}

impl InboundRtp {
    /// Checks `pkt` as RTP (version, CSRCs, extension, padding) and reads
    /// its fields, without copying it.
    pub fn read(pkt: &[u8]) -> Result<Self, RtpError> {
        let hdr = RtpHeader::parse(pkt)?;
        Ok(InboundRtp {
            pt: header::payload_type(pkt),
            ssrc: header::ssrc(pkt),
            seq: header::sequence(pkt),
            ts: header::timestamp(pkt),
            header_len: hdr.header_len,
            payload_len: hdr.payload_len,
            len: pkt.len(),
        })
    }

    /// The payload of `pkt`, the packet these fields were read from.
    pub fn payload<'a>(&self, pkt: &'a [u8]) -> &'a [u8] {
        &pkt[self.header_len..self.header_len + self.payload_len]
    }
}
