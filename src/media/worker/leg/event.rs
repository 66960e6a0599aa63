//! A telephone-event packet of our own to a leg (DTMF interworking): in
//! the stream we send it — our SSRC, the next sequence number (the relayed
//! packets after it moved on by one), the event's timestamp — with the
//! leg's telephone-event payload type, sealed for an SRTP leg.

use super::Leg;
use crate::media::rtp::header;
use crate::media::worker::dtmf::EventPacket;
use crate::media::worker::verdict::DropReason;
use std::net::SocketAddr;

impl Leg {
    /// Writes event packet `ev` of the event that started at stream
    /// timestamp `ts` into `buf` (at least 16 bytes plus the SRTP tag) for
    /// this leg: where it goes and its length. Refused (and counted) when
    /// the leg did not agree telephone-event, is held or has no address.
    pub fn send_event(&mut self, buf: &mut [u8], ev: &EventPacket, ts: u32) -> Result<(SocketAddr, usize), DropReason> {
        let Some(pt) = self.cfg.te_pt else {
            self.dropped += 1;
            return Err(DropReason::Unnegotiated);
        };
        let dest = self.destination()?;
        let seq = self.tx.insert(ev.payload.len());
        header::write_header(buf, pt, ev.first, seq, ts, self.tx.ssrc);
        buf[12..16].copy_from_slice(&ev.payload);
        Ok((dest, self.seal_rtp(buf, 16)?))
    }
}
