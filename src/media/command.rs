//! What signalling asks of the media plane: calls of one or two legs, each
//! as negotiated.

use crate::media::codec::AudioCodec;
use crate::media::srtp::{MasterKey, Suite};
use std::net::{IpAddr, SocketAddr};

/// SRTP on a leg (SDES keys, RFC 4568): what its peer sends is checked and
/// decrypted with `rx` (the peer's key), what we send is protected with
/// `tx` (ours). SRTCP uses the same master keys. Debug hides the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LegSrtp {
    /// The suite both keys are for.
    pub suite: Suite,
    /// The peer's master key: unprotects what it sends.
    pub rx: MasterKey,
    /// Our master key: protects what we send it.
    pub tx: MasterKey,
}

/// One side of a call as the media plane sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LegConfig<K = Option<LegSrtp>> {
    /// Our RTP port (RTCP on port+1 unless `rtcp_mux`).
    pub port: u16,
    /// Our address the leg's sockets bind, the one our SDP gave its peer
    /// (so a leg to an IPv6 peer is on IPv6 while the other is on IPv4);
    /// `None`: the worker's.
    pub local: Option<IpAddr>,
    /// The peer's address from SDP (a hint until its first packet).
    pub remote: Option<SocketAddr>,
    /// RTCP multiplexed on the RTP port (RFC 5761).
    pub rtcp_mux: bool,
    /// Payload type this leg's peer uses for the voice codec.
    pub codec_pt: u8,
    /// The voice codec, when the media plane can code it (legs with
    /// different codecs are transcoded).
    pub codec: Option<AudioCodec>,
    /// RTP clock of that codec.
    pub clock: u32,
    /// The most the peer asked to receive as Opus, bit/s (its fmtp's
    /// `maxaveragebitrate`, RFC 7587 §6.1): our encoder for this leg is
    /// held under it; 0: no limit given.
    pub opus_max_bitrate: u32,
    /// Payload type of telephone-event on this leg, if negotiated.
    pub te_pt: Option<u8>,
    /// Whether we send media to this leg (its peer receives, we are not
    /// holding it).
    pub send: bool,
    /// SRTP keys when the leg negotiated SRTP; plain RTP when `None`. A
    /// worker's leg keeps `()` here ([`keyless`](Self::keyless)): the keys
    /// live in its SRTP contexts, and a held leg is 64 bytes smaller.
    pub srtp: K,
}

impl<K> LegConfig<K> {
    /// The same leg without its SRTP keys.
    pub fn keyless(&self) -> LegConfig<()> {
        LegConfig {
            port: self.port,
            local: self.local,
            remote: self.remote,
            rtcp_mux: self.rtcp_mux,
            codec_pt: self.codec_pt,
            codec: self.codec,
            clock: self.clock,
            opus_max_bitrate: self.opus_max_bitrate,
            te_pt: self.te_pt,
            send: self.send,
            srtp: (),
        }
    }
}

impl LegConfig {
    /// A sending leg on `port` carrying PCMU (PT 0, no telephone-event,
    /// rtcp-mux) to `remote`: what load tools and tests relay.
    pub fn pcmu(port: u16, remote: SocketAddr) -> Self {
        LegConfig {
            port,
            local: None,
            remote: Some(remote),
            rtcp_mux: true,
            codec_pt: 0,
            codec: None,
            clock: 8000,
            opus_max_bitrate: 0,
            te_pt: None,
            send: true,
            srtp: None,
        }
    }
}

/// Which leg of a call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Side {
    /// The leg the call came in on (or the only leg of an echo).
    A,
    /// The other leg.
    B,
}

impl Side {
    /// The other leg.
    pub(crate) fn other(self) -> Side {
        match self {
            Side::A => Side::B,
            Side::B => Side::A,
        }
    }

    /// 0 for A, 1 for B: the leg's place in per-call arrays.
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// A command to the worker that owns the call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MediaCommand {
    /// Open the call's legs. With `b: None` the call is an echo: what leg A
    /// sends comes back to it.
    AddCall {
        /// Call id (chooses the worker).
        call: u64,
        /// Leg A.
        a: LegConfig,
        /// Leg B, or `None` for an echo.
        b: Option<LegConfig>,
    },
    /// A call whose only leg is heard and spoken to by an application
    /// (issue #17): what the peer sends is decoded into frames for it, and
    /// its frames are encoded and sent on the worker's 20 ms clock.
    AddAudioCall {
        /// Call id (chooses the worker).
        call: u64,
        /// The leg.
        a: LegConfig,
        /// The worker's end of the application's queues.
        audio: crate::media::audio::AudioAttach,
    },
    /// A re-INVITE changed a leg (address, codec, direction).
    UpdateLeg {
        /// Call id.
        call: u64,
        /// Which leg.
        side: Side,
        /// The new settings (same port).
        leg: LegConfig,
    },
    /// Send `digits` as RFC 4733 events to leg `side` (an application's
    /// call: its only leg, A), each held `duration_ms` (40 ms to 8 s), in
    /// the stream we send that leg (DTMF interworking, issue #18).
    SendDtmf {
        /// Call id.
        call: u64,
        /// The leg they go to.
        side: Side,
        /// `0`-`9`, `*`, `#`, `A`-`D`, in order.
        digits: String,
        /// How long each is held, in ms.
        duration_ms: u32,
    },
    /// Copy the call's packets, both ways, into `tap` until it ends (for
    /// a call the worker does not have, `tap` is closed at once).
    Capture {
        /// Call id.
        call: u64,
        /// The worker's end of the capture.
        tap: crate::media::capture::PacketTap,
    },
    /// Close the call's sockets and report its final statistics.
    RemoveCall {
        /// Call id.
        call: u64,
    },
}

impl MediaCommand {
    /// The call this command is about.
    pub fn call(&self) -> u64 {
        match self {
            MediaCommand::AddCall { call, .. }
            | MediaCommand::AddAudioCall { call, .. }
            | MediaCommand::UpdateLeg { call, .. }
            | MediaCommand::SendDtmf { call, .. }
            | MediaCommand::Capture { call, .. }
            | MediaCommand::RemoveCall { call } => *call,
        }
    }
}
