//! An outbound call's target and offer, as the API or the gateway asks.

use super::MediaMode;
use crate::ids::TransportKind;
use crate::sdp::Codec;

/// An outbound call's target and offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outbound {
    /// Request-URI.
    pub uri: String,
    /// Transport unless the URI names one.
    pub transport: TransportKind,
    /// Codecs to offer (empty: the UA's own list).
    pub codecs: Vec<Codec>,
    /// User part of our From (empty: the UA's user).
    pub from_user: String,
    /// What the call's media does once answered (a bridge leg: ignored).
    pub media: MediaMode,
    /// Credentials for a peer that challenges us (a trunk).
    pub credentials: Option<std::sync::Arc<crate::auth::ClientCredentials>>,
    /// Send the call's requests here, not where `uri` resolves: the flow a
    /// registered Contact came from (its connection, or its public address
    /// behind NAT).
    pub flow: Option<crate::ids::Peer>,
    /// SRTP on this leg.
    pub srtp: crate::sdp::SrtpPolicy,
    /// SDES keys may be offered over UDP/TCP (in clear).
    pub sdes_in_clear: bool,
    /// The application's audio queues, for a call whose media is
    /// `Audio` (they go with the call, so a call that is never placed
    /// leaves none behind).
    pub audio: Option<crate::media::audio::AudioAttach>,
}

impl Outbound {
    /// A plain call to `uri`: our codecs, our user, no media.
    pub fn to(uri: String, transport: TransportKind) -> Self {
        Outbound {
            uri,
            transport,
            codecs: Vec::new(),
            from_user: String::new(),
            media: MediaMode::None,
            credentials: None,
            flow: None,
            srtp: crate::sdp::SrtpPolicy::Off,
            sdes_in_clear: false,
            audio: None,
        }
    }
}
