//! One direction of SRTCP (RFC 3711 §3.4): the first 8 bytes in the
//! clear, the rest encrypted, then the E flag with the 31-bit SRTCP index
//! and an 80-bit tag (for both suites, RFC 4568 §6.2).

use super::SrtpError;
use super::keys::{MasterKey, SessionKeys};
use super::replay::Replay;
use subtle::ConstantTimeEq;

const TAG: usize = 10;

/// SRTCP for one direction of a call's media.
#[derive(Clone)]
pub struct SrtcpContext {
    keys: SessionKeys,
    /// The next index we send.
    next: u32,
    replay: Replay,
}

impl std::fmt::Debug for SrtcpContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SrtcpContext(..)")
    }
}

fn ssrc(pkt: &[u8]) -> u32 {
    u32::from_be_bytes([pkt[4], pkt[5], pkt[6], pkt[7]])
}

impl SrtcpContext {
    /// A context under `master`.
    pub fn new(master: &MasterKey) -> Self {
        SrtcpContext {
            keys: SessionKeys::derive(master, 3),
            next: 0,
            replay: Replay::default(),
        }
    }

    /// Encrypts the RTCP packet in `buf[..len]` in place and appends the
    /// index and tag; the SRTCP packet's length.
    pub fn protect(&mut self, buf: &mut [u8], len: usize) -> Result<usize, SrtpError> {
        if len < 8 || buf[0] >> 6 != 2 {
            return Err(SrtpError::Malformed);
        }
        if buf.len() < len + 4 + TAG {
            return Err(SrtpError::NoRoom);
        }
        let index = self.next;
        self.next = (self.next + 1) & 0x7fff_ffff;
        self.keys.apply_keystream(ssrc(buf), u64::from(index), &mut buf[8..len]);
        buf[len..len + 4].copy_from_slice(&(index | 0x8000_0000).to_be_bytes());
        let tag = self.keys.mac(&[&buf[..len + 4]]);
        buf[len + 4..len + 4 + TAG].copy_from_slice(&tag[..TAG]);
        Ok(len + 4 + TAG)
    }

    /// Checks and decrypts the SRTCP packet `buf` in place; the RTCP
    /// packet's length.
    pub fn unprotect(&mut self, buf: &mut [u8]) -> Result<usize, SrtpError> {
        let end = buf
            .len()
            .checked_sub(TAG)
            .filter(|&e| e >= 12)
            .ok_or(SrtpError::Malformed)?;
        let len = end - 4;
        let e_index = u32::from_be_bytes([buf[len], buf[len + 1], buf[len + 2], buf[len + 3]]);
        let index = u64::from(e_index & 0x7fff_ffff);
        if !self.replay.check(index) {
            return Err(SrtpError::Replay);
        }
        let tag = self.keys.mac(&[&buf[..end]]);
        if !bool::from(tag[..TAG].ct_eq(&buf[end..])) {
            return Err(SrtpError::Auth);
        }
        self.replay.accept(index);
        if e_index & 0x8000_0000 != 0 {
            let ssrc = ssrc(buf);
            self.keys.apply_keystream(ssrc, index, &mut buf[8..len]);
        }
        Ok(len)
    }
}
