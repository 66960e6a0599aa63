//! One direction of SRTP: per SSRC (a few at once), the rollover counter,
//! the index estimate (RFC 3711 §3.3.1, used by sender and receiver alike)
//! and the replay list (§3.3.2), which the sender keeps too so that no
//! index is ever encrypted twice under one key.

use super::keys::{MasterKey, SessionKeys};
use super::replay::Replay;
use super::{SrtpError, Suite, rtp_header_len};
use subtle::ConstantTimeEq;

/// SSRCs followed per direction: a peer that restarts its stream (or
/// sends two) keeps each one's state, so switching between them cannot
/// clear a replay window.
const STREAMS: usize = 4;

/// One SSRC's state: its rollover counter, the highest sequence number
/// seen (receiver) or sent (sender), the indexes used.
#[derive(Debug, Clone, Copy)]
struct Stream {
    ssrc: u32,
    roc: u32,
    s_l: Option<u16>,
    replay: Replay,
    /// When it was last used (for eviction).
    used: u64,
}

impl Stream {
    fn new(ssrc: u32) -> Self {
        Stream {
            ssrc,
            roc: 0,
            s_l: None,
            replay: Replay::default(),
            used: 0,
        }
    }

    /// RFC 3711 §3.3.1: the ROC packet `seq` was sent under, and its index.
    fn index_of(&self, seq: u16) -> (u32, u64) {
        let v = match self.s_l {
            None => self.roc,
            Some(s) if s < 0x8000 && seq > s && seq - s > 0x8000 => self.roc.wrapping_sub(1),
            Some(s) if s >= 0x8000 && s - 0x8000 > seq => self.roc.wrapping_add(1),
            Some(_) => self.roc,
        };
        (v, (u64::from(v) << 16) | u64::from(seq))
    }

    /// Records packet `seq` of ROC `v` (index `index`) as used.
    fn take(&mut self, seq: u16, v: u32, index: u64) {
        self.replay.accept(index);
        if v == self.roc.wrapping_add(1) && self.s_l.is_some() {
            (self.roc, self.s_l) = (v, Some(seq));
        } else if v == self.roc && self.s_l.is_none_or(|s| seq > s) {
            self.s_l = Some(seq);
        }
    }
}

/// SRTP for one direction of a call's media.
#[derive(Clone)]
pub struct SrtpContext {
    keys: SessionKeys,
    tag_len: usize,
    streams: [Option<Stream>; STREAMS],
    tick: u64,
}

impl std::fmt::Debug for SrtpContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SrtpContext").finish_non_exhaustive()
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
            streams: [None; STREAMS],
            tick: 0,
        }
    }

    /// Where `ssrc`'s state is kept and that state: its own, or a fresh
    /// one for the slot used longest ago (stored only once it is used).
    fn stream(&mut self, ssrc: u32) -> (usize, Stream) {
        self.tick += 1;
        if let Some(i) = self.streams.iter().position(|s| s.is_some_and(|s| s.ssrc == ssrc)) {
            return (i, self.streams[i].expect("found"));
        }
        let oldest = (0..STREAMS).min_by_key(|&i| self.streams[i].map_or(0, |s| s.used + 1));
        (oldest.unwrap_or(0), Stream::new(ssrc))
    }

    /// Encrypts the RTP packet in `buf[..len]` in place and appends its tag;
    /// the SRTP packet's length. `buf` must have room for the tag. An index
    /// already used under this key (a late or repeated sequence number) is
    /// refused: a keystream is never used twice.
    pub fn protect(&mut self, buf: &mut [u8], len: usize) -> Result<usize, SrtpError> {
        let header = rtp_header_len(&buf[..len]).ok_or(SrtpError::Malformed)?;
        if buf.len() < len + self.tag_len {
            return Err(SrtpError::NoRoom);
        }
        let (ssrc, seq) = ssrc_seq(buf);
        let (slot, mut st) = self.stream(ssrc);
        let (v, index) = st.index_of(seq);
        if !st.replay.check(index) {
            return Err(SrtpError::Replay);
        }
        st.take(seq, v, index);
        st.used = self.tick;
        self.streams[slot] = Some(st);
        self.keys.apply_keystream(ssrc, index, &mut buf[header..len]);
        let tag = self.keys.mac(&[&buf[..len], &v.to_be_bytes()]);
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
        // A new SSRC is judged against a fresh state, kept only once the
        // packet proves itself.
        let (slot, mut st) = self.stream(ssrc);
        let (v, index) = st.index_of(seq);
        if !st.replay.check(index) {
            return Err(SrtpError::Replay);
        }
        let tag = self.keys.mac(&[&buf[..len], &v.to_be_bytes()]);
        if !bool::from(tag[..self.tag_len].ct_eq(&buf[len..])) {
            return Err(SrtpError::Auth);
        }
        st.take(seq, v, index);
        st.used = self.tick;
        self.streams[slot] = Some(st);
        self.keys.apply_keystream(ssrc, index, &mut buf[header..len]);
        Ok(len)
    }
}
