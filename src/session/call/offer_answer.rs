//! A call's offer/answer state (RFC 3264): our latest SDP and theirs,
//! who holds whom, and what the two agree for the media plane.

use crate::ids::TransportKind;
use crate::media::LegConfig;
use crate::media::srtp::Crypto;
use crate::sdp::{self, Codec, Direction, Sdp, SdpError, SrtpPolicy, SrtpTerms};

/// Our side's and their side's latest SDP.
#[derive(Debug, Default, Clone)]
pub(super) struct OfferAnswer {
    /// Our latest offer or answer.
    pub local: Option<Sdp>,
    /// Theirs.
    pub remote: Option<Sdp>,
    /// We put the peer on hold.
    pub on_hold: bool,
    /// The peer put us on hold.
    pub remote_hold: bool,
    /// The leg's SRTP policy.
    srtp: SrtpPolicy,
    /// SDES keys may be written into SDP sent over UDP/TCP.
    sdes_in_clear: bool,
    /// Our SRTP keys, one per suite (none when SRTP is off).
    keys: thin_vec::ThinVec<Crypto>,
}

impl OfferAnswer {
    /// Sets the leg's SRTP `policy`, whether keys may go over UDP/TCP, and
    /// our `keys` (see [`SrtpTerms::fresh_keys`]).
    pub fn set_srtp(&mut self, policy: SrtpPolicy, sdes_in_clear: bool, keys: Vec<Crypto>) {
        (self.srtp, self.sdes_in_clear, self.keys) = (policy, sdes_in_clear, keys.into());
    }

    /// What this leg brings to an offer or answer sent over `t`. Once SRTP
    /// is agreed it is required: a re-offer cannot take the leg back to
    /// plaintext (488 instead).
    pub fn srtp_terms(&self, t: TransportKind) -> SrtpTerms<'_> {
        let agreed = self.agreed_srtp().is_some();
        SrtpTerms {
            policy: if agreed { SrtpPolicy::Mandatory } else { self.srtp },
            keys_allowed: self.keys_may_go(t),
            ours: &self.keys,
        }
    }

    /// Whether SDES keys may be written into SDP sent over `t`.
    pub fn keys_may_go(&self, t: TransportKind) -> bool {
        t == TransportKind::Tls || self.sdes_in_clear
    }

    /// Whether our latest SDP carries keys.
    pub fn carries_keys(&self) -> bool {
        self.local.as_ref().is_some_and(|l| !l.audio.crypto.is_empty())
    }

    /// The SRTP the two SDPs agree, if any.
    fn agreed_srtp(&self) -> Option<crate::media::LegSrtp> {
        sdp::negotiate(self.local.as_ref()?, self.remote.as_ref()?).ok()?.srtp
    }

    /// The two SDPs are known and cannot work together (an answer without
    /// the SRTP our offer required, or with no codec we offered).
    pub fn disagree(&self) -> bool {
        match (&self.local, &self.remote) {
            (Some(l), Some(r)) => sdp::negotiate(l, r).is_err(),
            _ => false,
        }
    }

    /// The leg settings the two SDPs agree, for a leg on our `port`.
    pub fn leg_config(&self, port: u16) -> Option<LegConfig> {
        let local = self.local.as_ref()?;
        let n = sdp::negotiate(local, self.remote.as_ref()?).ok()?;
        let remote = (n.remote.port() != 0 && !n.remote.ip().is_unspecified()).then_some(n.remote);
        Some(LegConfig {
            port,
            local: Some(local.audio.addr).filter(|a| !a.is_unspecified()),
            remote,
            rtcp_mux: n.rtcp_mux,
            codec_pt: n.codec.pt,
            codec: crate::media::codec::AudioCodec::from_name(&n.codec.name),
            clock: n.codec.rate,
            opus_max_bitrate: n
                .codec
                .fmtp_param("maxaveragebitrate")
                .and_then(|v| v.parse().ok())
                .unwrap_or(0),
            te_pt: n.telephone_event.map(|c| c.pt),
            send: n.local_direction.sends() && n.remote_direction.receives(),
            srtp: n.srtp,
        })
    }

    /// The voice codec agreed, if any.
    pub fn agreed_codec(&self) -> Option<Codec> {
        let n = sdp::negotiate(self.local.as_ref()?, self.remote.as_ref()?).ok()?;
        Some(n.codec.clone())
    }

    /// Our re-INVITE offer putting the peer on hold (`hold`) or resuming
    /// it: our last SDP, next version, all of `codecs`; none when it
    /// carries keys and would go over `t` where they may not.
    pub fn hold_offer(&self, hold: bool, codecs: &[Codec], t: TransportKind) -> Option<Sdp> {
        if self.carries_keys() && !self.keys_may_go(t) {
            tracing::warn!(transport = %t, "no re-INVITE: it would carry SDES keys in clear");
            return None;
        }
        let mut offer = self.local.clone()?;
        offer.version += 1;
        offer.audio.direction = if hold { Direction::SendOnly } else { Direction::SendRecv };
        offer.audio.codecs = codecs.to_vec();
        Some(offer)
    }

    /// Our answer to the peer's re-INVITE carrying `offer` (or our offer
    /// when it has none), for a leg on `port`, sent over `t`: the codecs
    /// already agreed when the new offer has them, else any of `codecs`;
    /// our hold kept. A change of SRTP suite draws new keys (a key is
    /// never used again once its stream has ended).
    pub fn answer_reinvite(
        &mut self,
        offer: Option<&Sdp>,
        codecs: &[Codec],
        port: u16,
        t: TransportKind,
    ) -> Result<Sdp, SdpError> {
        let before = self.agreed_srtp().map(|s| s.suite);
        let answer = self.answer_with_terms(offer, codecs, port, t)?;
        let after = answer.audio.crypto.first().map(|c| c.suite);
        if before.is_some() && after.is_some() && before != after {
            self.keys = SrtpTerms::fresh_keys().into();
            return self.answer_with_terms(offer, codecs, port, t);
        }
        Ok(answer)
    }

    fn answer_with_terms(
        &self,
        offer: Option<&Sdp>,
        codecs: &[Codec],
        port: u16,
        t: TransportKind,
    ) -> Result<Sdp, SdpError> {
        let mut local = self.local.clone().ok_or(SdpError::NoAudio)?;
        local.version += 1;
        let ours = |codecs| sdp::Local {
            codecs,
            addr: local.audio.addr,
            port,
            direction: if self.on_hold {
                Direction::SendOnly
            } else {
                Direction::SendRecv
            },
            session_id: local.session_id,
            version: local.version,
            srtp: self.srtp_terms(t),
        };
        match offer {
            Some(o) => sdp::answer(o, &ours(&local.audio.codecs)).or_else(|_| sdp::answer(o, &ours(codecs))),
            None => Ok(sdp::offer(&ours(codecs))),
        }
    }

    /// Takes the peer's re-INVITE offer; whether their hold changed
    /// (`Some(true)`: they now hold us).
    pub fn take_remote_offer(&mut self, offer: Option<Sdp>) -> Option<bool> {
        let was = self.remote_hold;
        if let Some(o) = offer {
            self.remote_hold = o.direction().is_hold();
            self.remote = Some(o);
        }
        (was != self.remote_hold).then_some(self.remote_hold)
    }
}
