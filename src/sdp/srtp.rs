//! SRTP in offer/answer (RFC 4568 SDES): what a leg's policy offers, how
//! it answers an offer, and which keys an exchange agreed. A stream that
//! asked for SRTP is never answered or sent in plaintext.

use super::{MediaSdp, Proto, SdpError};
use crate::media::LegSrtp;
use crate::media::srtp::{Crypto, Suite};

/// Whether a leg uses SRTP: a route says it for the leg it calls, a
/// listener for the legs that call in.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SrtpPolicy {
    /// Plain RTP; an `RTP/SAVP` offer is refused (488), `a=crypto` on an
    /// `RTP/AVP` offer is ignored.
    #[default]
    Off,
    /// SRTP when the peer offers it (`RTP/SAVP`, or `a=crypto` on
    /// `RTP/AVP`); our offers are `RTP/AVP` with `a=crypto` (best effort).
    Optional,
    /// SRTP only: our offers are `RTP/SAVP`; an offer without a usable
    /// `a=crypto` is refused (488).
    Mandatory,
}

impl SrtpPolicy {
    /// The policy named `name` (`off`, `optional`, `mandatory`).
    pub fn from_name(name: &str) -> Option<SrtpPolicy> {
        match name {
            "off" => Some(SrtpPolicy::Off),
            "optional" => Some(SrtpPolicy::Optional),
            "mandatory" => Some(SrtpPolicy::Mandatory),
            _ => None,
        }
    }
}

/// What our side brings to an offer or answer about SRTP.
#[derive(Debug, Clone, Copy)]
pub struct SrtpTerms<'a> {
    /// The leg's policy.
    pub policy: SrtpPolicy,
    /// Keys may be written into this SDP: signalling is TLS, or the
    /// route or listener allows SDES over plaintext signalling.
    pub keys_allowed: bool,
    /// Our keys, one per suite (see [`SrtpTerms::fresh_keys`]).
    pub ours: &'a [Crypto],
}

impl SrtpTerms<'_> {
    /// A fresh key from the OS for each suite (AES_CM_128_HMAC_SHA1_80
    /// tag 1, _32 tag 2); none if the OS has no randomness to give.
    pub fn fresh_keys() -> Vec<Crypto> {
        [Suite::AesCm128HmacSha1_80, Suite::AesCm128HmacSha1_32]
            .into_iter()
            .zip(1..)
            .map_while(|(suite, tag)| Crypto::fresh(tag, suite).ok())
            .collect()
    }

    /// The protocol and `a=crypto` lines of our offer. A mandatory leg
    /// that may not send keys offers `RTP/SAVP` without any: no peer can
    /// accept it, and nothing goes in plaintext.
    pub fn offer(&self) -> (Proto, Vec<Crypto>) {
        let keys = if self.keys_allowed {
            self.ours.to_vec()
        } else {
            Vec::new()
        };
        match self.policy {
            SrtpPolicy::Off => (Proto::Avp, Vec::new()),
            SrtpPolicy::Optional => (Proto::Avp, keys),
            SrtpPolicy::Mandatory => (Proto::Savp, keys),
        }
    }

    /// The protocol and `a=crypto` line of our answer to `offer`; refused
    /// (488) when the offer wants SRTP we cannot give, or lacks SRTP we
    /// require.
    pub fn answer(&self, offer: &MediaSdp) -> Result<(Proto, Vec<Crypto>), SdpError> {
        let secure = offer.proto.is_secure();
        let wants = secure || !offer.crypto.is_empty();
        match self.policy {
            SrtpPolicy::Off if secure => return Err(SdpError::Protocol(offer.proto.name().into())),
            SrtpPolicy::Off => return Ok((offer.proto, Vec::new())),
            SrtpPolicy::Mandatory if !wants => return Err(SdpError::SrtpRequired),
            SrtpPolicy::Optional if !wants => return Ok((offer.proto, Vec::new())),
            _ => {}
        }
        if !self.keys_allowed {
            return match secure || self.policy == SrtpPolicy::Mandatory {
                true => Err(SdpError::SdesInClear),
                false => Ok((offer.proto, Vec::new())),
            };
        }
        let chosen = offer.crypto.iter().find_map(|theirs| {
            let ours = self.ours.iter().find(|o| o.suite == theirs.suite)?;
            Some(Crypto {
                tag: theirs.tag,
                suite: theirs.suite,
                key: ours.key,
            })
        });
        match chosen {
            Some(c) => Ok((offer.proto, vec![c])),
            None if !secure && self.policy == SrtpPolicy::Optional => Ok((offer.proto, Vec::new())),
            None => Err(SdpError::NoCrypto(match &offer.bad_crypto {
                Some(why) => why.to_string(),
                None if offer.crypto.is_empty() => "none offered".into(),
                None => "no suite in common".into(),
            })),
        }
    }
}

/// The SRTP keys `local` and `remote` (an offer and its answer, either
/// way round) agreed: the line of each with the same tag and suite.
/// `Ok(None)` is plain RTP; a secure profile without agreed keys is an
/// error (the stream is not started, never sent plain), and so is an
/// answer to our keys whose `a=crypto` matches none of them (the peer
/// meant SRTP, so plain RTP would not reach it either).
pub fn agreed(local: &MediaSdp, remote: &MediaSdp) -> Result<Option<LegSrtp>, SdpError> {
    let pair = remote.crypto.iter().find_map(|r| {
        let l = local.crypto.iter().find(|l| l.tag == r.tag && l.suite == r.suite)?;
        Some(LegSrtp {
            suite: r.suite,
            rx: r.key,
            tx: l.key,
        })
    });
    let theirs = !remote.crypto.is_empty() || remote.bad_crypto.is_some();
    match pair {
        None if local.proto.is_secure() || remote.proto.is_secure() || (theirs && !local.crypto.is_empty()) => {
            Err(SdpError::NoCrypto("no a=crypto agreed".into()))
        }
        pair => Ok(pair),
    }
}
