//! A call's SRTP terms, set once when the call is made or admitted (the
//! policy of its route or listener, and its own keys) and used by every
//! offer and answer it makes.

use super::Call;
use crate::ids::TransportKind;
use crate::media::srtp::Crypto;
use crate::sdp::{SrtpPolicy, SrtpTerms};

impl Call {
    /// Sets its SRTP `policy`, whether SDES keys may go over UDP/TCP, and
    /// its `keys` (one per suite; none when off).
    pub fn set_srtp(&mut self, policy: SrtpPolicy, sdes_in_clear: bool, keys: Vec<Crypto>) {
        self.sdp.set_srtp(policy, sdes_in_clear, keys);
    }

    /// What it brings to an offer or answer sent to its peer.
    pub fn srtp_terms(&self) -> SrtpTerms<'_> {
        self.sdp.srtp_terms(self.transport())
    }

    /// Whether a request carrying our SDP may go to a target over `t`:
    /// not when the SDP holds keys that may not travel over it.
    pub(super) fn offer_may_go(&self, t: TransportKind) -> bool {
        !self.sdp.carries_keys() || self.sdp.keys_may_go(t)
    }

    /// The transport its requests and responses travel over.
    fn transport(&self) -> TransportKind {
        self.dialog.as_ref().map_or(self.peer.transport, |d| d.transport())
    }
}
