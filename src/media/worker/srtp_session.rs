//! A leg's SRTP (RFC 3711): four contexts, SRTP and SRTCP each way, keyed
//! from the leg's SDES keys when the leg is made or re-keyed, never per
//! packet. A direction whose key a re-INVITE repeats keeps its context, so
//! its rollover counter, SRTCP index and replay list carry on (a fresh
//! context under the same key would reuse keystream and replay indices).

use crate::media::LegSrtp;
use crate::media::srtp::{SrtcpContext, SrtpContext};

/// The SRTP state of one leg: what its peer sends is opened with `rx`
/// contexts, what we send it sealed with `tx` ones. Debug hides the keys.
#[derive(Debug, Clone)]
pub struct SrtpSession {
    /// The keys the contexts were made from.
    keys: LegSrtp,
    /// SRTP from the peer.
    pub rtp_rx: SrtpContext,
    /// SRTP to the peer.
    pub rtp_tx: SrtpContext,
    /// SRTCP from the peer.
    pub rtcp_rx: SrtcpContext,
    /// SRTCP to the peer.
    pub rtcp_tx: SrtcpContext,
}

impl SrtpSession {
    /// Contexts for `keys` (derives the session keys).
    pub fn new(keys: &LegSrtp) -> Self {
        SrtpSession {
            keys: *keys,
            rtp_rx: SrtpContext::new(&keys.rx, keys.suite),
            rtp_tx: SrtpContext::new(&keys.tx, keys.suite),
            rtcp_rx: SrtcpContext::new(&keys.rx),
            rtcp_tx: SrtcpContext::new(&keys.tx),
        }
    }

    /// The session after a re-INVITE brought `keys` (`None`: plain RTP
    /// now): fresh contexts for a direction whose key or suite changed,
    /// the old ones for a direction whose key did not.
    pub fn rekey(old: Option<Box<Self>>, keys: Option<&LegSrtp>) -> Option<Box<Self>> {
        let keys = keys?;
        let Some(mut s) = old.filter(|s| s.keys.suite == keys.suite) else {
            return Some(Box::new(SrtpSession::new(keys)));
        };
        if s.keys.rx != keys.rx {
            s.rtp_rx = SrtpContext::new(&keys.rx, keys.suite);
            s.rtcp_rx = SrtcpContext::new(&keys.rx);
        }
        if s.keys.tx != keys.tx {
            s.rtp_tx = SrtpContext::new(&keys.tx, keys.suite);
            s.rtcp_tx = SrtcpContext::new(&keys.tx);
        }
        s.keys = *keys;
        Some(s)
    }
}
