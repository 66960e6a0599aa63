//! A leg's packets through its SRTP, in the buffer they travel in: opened
//! as they arrive from its peer (checked, decrypted, the tag cut off),
//! sealed as they leave for it (encrypted, the tag appended). A plain
//! leg's packets pass as they are. What fails to open is counted on the
//! leg and goes no further.

use super::Leg;
use crate::media::worker::verdict::DropReason;

impl Leg {
    /// Opens SRTP from the peer, `pkt` exactly as received: the RTP
    /// packet's length, left at its start.
    pub fn open_rtp(&mut self, pkt: &mut [u8]) -> Result<usize, DropReason> {
        let Some(s) = self.srtp.as_mut() else {
            return Ok(pkt.len());
        };
        let opened = s.rtp_rx.unprotect(pkt);
        opened.map_err(|e| self.refuse(e.into()))
    }

    /// Opens SRTCP from the peer, `pkt` exactly as received: the RTCP
    /// compound packet's length.
    pub fn open_rtcp(&mut self, pkt: &mut [u8]) -> Result<usize, DropReason> {
        let Some(s) = self.srtp.as_mut() else {
            return Ok(pkt.len());
        };
        let opened = s.rtcp_rx.unprotect(pkt);
        opened.map_err(|e| self.refuse(e.into()))
    }

    /// Seals the RTP packet in `buf[..len]` for the peer: the length to
    /// send (the tag is appended within `buf`).
    pub fn seal_rtp(&mut self, buf: &mut [u8], len: usize) -> Result<usize, DropReason> {
        let Some(s) = self.srtp.as_mut() else {
            return Ok(len);
        };
        let sealed = s.rtp_tx.protect(buf, len);
        sealed.map_err(|e| self.refuse(e.into()))
    }

    /// Seals the RTCP packet in `buf[..len]` for the peer: the length to
    /// send (index and tag appended within `buf`).
    pub fn seal_rtcp(&mut self, buf: &mut [u8], len: usize) -> Result<usize, DropReason> {
        let Some(s) = self.srtp.as_mut() else {
            return Ok(len);
        };
        let sealed = s.rtcp_tx.protect(buf, len);
        sealed.map_err(|e| self.refuse(e.into()))
    }

    /// Counts a packet refused on this leg.
    fn refuse(&mut self, reason: DropReason) -> DropReason {
        self.dropped += 1;
        reason
    }
}
