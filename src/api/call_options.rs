//! How an outgoing call is placed.

use crate::ids::TransportKind;

/// How [`super::SipUa::make_call_with`] places a call.
#[derive(Debug, Clone, Default)]
pub struct CallOptions {
    /// Transport unless the URI names one (`None`: the client's default).
    pub transport: Option<TransportKind>,
    /// Codecs to offer, by name (`PCMU`, `PCMA`, `opus`); empty: all ours.
    pub codecs: Vec<String>,
    /// Once answered, send every RTP packet received back to the far end
    /// (a media echo on the calling side).
    pub echo: bool,
    /// Credentials for a peer that challenges the call (401/407): the
    /// INVITE is sent again once with them, and later requests of the
    /// dialog carry them.
    pub credentials: Option<super::ClientCredentials>,
    /// SRTP on the call: `Optional` offers `RTP/AVP` with `a=crypto`,
    /// `Mandatory` offers `RTP/SAVP` (SDES keys go only over TLS unless
    /// `sdes_in_clear`; a mandatory call that would send them in clear
    /// fails with 488).
    pub srtp: super::SrtpPolicy,
    /// Allow SDES keys over UDP/TCP signalling.
    pub sdes_in_clear: bool,
    /// Offer SDP but bind no media (for a load generator measuring
    /// signalling, as SIPp's uac does): the far end's RTP goes nowhere and
    /// [`SipUa::take_audio`](super::SipUa::take_audio) has nothing.
    pub signalling_only: bool,
}

/// The audio an application asks for with
/// [`SipUa::make_call_audio`](super::SipUa::make_call_audio) or
/// [`IncomingCall::accept_audio`](super::IncomingCall::accept_audio).
pub use crate::media::audio::AudioConfig;
