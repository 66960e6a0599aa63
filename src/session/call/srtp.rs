//! A call's SRTP terms, set once when the call is made or admitted (the
//! policy of its route or listener, and its own keys) and used by every
//! offer and answer it makes.

use super::Call;
use crate::media::srtp::Crypto;
use crate::sdp::{SrtpPolicy, SrtpTerms};

impl Call {
    /// Sets its SRTP `policy`, whether SDES keys may go into its SDP, and
    /// its `keys` (one per suite; none when off).
    pub fn set_srtp(&mut self, policy: SrtpPolicy, keys_allowed: bool, keys: Vec<Crypto>) {
        self.sdp.set_srtp(policy, keys_allowed, keys);
    }

    /// What it brings to an offer or answer about SRTP.
    pub fn srtp_terms(&self) -> SrtpTerms<'_> {
        self.sdp.srtp_terms()
    }
}
