//! One direction of SRTP for one stream: the sender's rollover counter, or
//! the receiver's index estimate (RFC 3711 §3.3.1) and replay list. A new
//! SSRC (the peer restarted its stream) starts a fresh context under the
//! same master key.

use super::keys::{MasterKey, SessionKeys};
use super::replay::Replay;
use super::{SrtpError, Suite, rtp_header_len};
use subtle::ConstantTimeEq;

/// SRTP for one direction of a call's media.
#[derive(Clone)]
pub struct SrtpContext {
    keys: SessionKeys,
    tag_len: usize,
    ssrc: Option<u32>,
    roc: u32,
    /// The highest sequence number seen (receiver) or sent (sender).
    s_l: Option<u16>,
    replay: Replay,
}

impl std::fmt::Debug for SrtpContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SrtpContext")
            .field("roc", &self.roc)
            .finish_non_exhaustive()
    }
}

fn ssrc_seq(pkt: &[u8]) -> (u32, u16) {
    (
        u32::from_be_bytes([pkt[8], pkt[9], pkt[10], pkt[11]]),
        u16::from_be_bytes([pkt[2], pkt[3]]),
    )
}

impl SrtpContext {
    /// A context under `master` with `suite`.
    pub fn new(master: &MasterKey, suite: Suite) -> Self {
        SrtpContext {
            keys: SessionKeys::derive(master, 0),
            tag_len: suite.rtp_tag_len(),
            ssrc: None,
            roc: 0,
            s_l: None,
            replay: Replay::default(),
        }
    }

    fn follow(&mut self, ssrc: u32) {
        if self.ssrc != Some(ssrc) {
            (self.ssrc, self.roc, self.s_l, self.replay) = (Some(ssrc), 0, None, Replay::default());
        }
    }

    /// Encrypts the RTP packet in `buf[..len]` in place and appends its tag;
    /// the SRTP packet's length. `buf` must have room for the tag.
    pub fn protect(&mut self, buf: &mut [u8], len: usize) -> Result<usize, SrtpError> {
        let header = rtp_header_len(&buf[..len]).ok_or(SrtpError::Malformed)?;
        if buf.len() < len + self.tag_len {
            return Err(SrtpError::NoRoom);
        }
        let (ssrc, seq) = ssrc_seq(buf);
        self.follow(ssrc);
        if self.s_l.is_some_and(|last| seq < last && last - seq > 0x8000) {
            self.roc = self.roc.wrapping_add(1);
        }
        if self.s_l.is_none_or(|last| seq.wrapping_sub(last) < 0x8000) {
            self.s_l = Some(seq);
        }
        let index = (u64::from(self.roc) << 16) | u64::from(seq);
        self.keys.apply_keystream(ssrc, index, &mut buf[header..len]);
        let tag = self.keys.mac(&[&buf[..len], &self.roc.to_be_bytes()]);
        buf[len..len + self.tag_len].copy_from_slice(&tag[..self.tag_len]);
        Ok(len + self.tag_len)
    }

    /// Checks and decrypts the SRTP packet `buf` in place; the RTP
    /// packet's length. A forged, corrupted or replayed packet changes
    /// nothing.
    pub fn unprotect(&mut self, buf: &mut [u8]) -> Result<usize, SrtpError> {
        let len = buf.len().checked_sub(self.tag_len).ok_or(SrtpError::Malformed)?;
        let header = rtp_header_len(&buf[..len]).ok_or(SrtpError::Malformed)?;
        let (ssrc, seq) = ssrc_seq(buf);
        // A new SSRC is judged against a fresh context; ours changes only
        // once the packet proves itself.
        let (mut roc, mut s_l, mut replay) = match self.ssrc == Some(ssrc) {
            true => (self.roc, self.s_l, self.replay),
            false => (0, None, Replay::default()),
        };
        // RFC 3711 §3.3.1: the ROC this packet was sent under.
        let v = match s_l {
            None => roc,
            Some(s) if s < 0x8000 && seq > s && seq - s > 0x8000 => roc.wrapping_sub(1),
            Some(s) if s >= 0x8000 && s - 0x8000 > seq => roc.wrapping_add(1),
            Some(_) => roc,
        };
        let index = (u64::from(v) << 16) | u64::from(seq);
        if !replay.check(index) {
            return Err(SrtpError::Replay);
        }
        let tag = self.keys.mac(&[&buf[..len], &v.to_be_bytes()]);
        if !bool::from(tag[..self.tag_len].ct_eq(&buf[len..])) {
            return Err(SrtpError::Auth);
        }
        replay.accept(index);
        if v == roc.wrapping_add(1) && s_l.is_some() {
            (roc, s_l) = (v, Some(seq));
        } else if v == roc && s_l.is_none_or(|s| seq > s) {
            s_l = Some(seq);
        }
        (self.ssrc, self.roc, self.s_l, self.replay) = (Some(ssrc), roc, s_l, replay);
        self.keys.apply_keystream(ssrc, index, &mut buf[header..len]);
        Ok(len)
    }
}
