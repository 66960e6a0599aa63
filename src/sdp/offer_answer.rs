//! RFC 3264 offer/answer as pure functions: make an offer, answer one,
//! and read what was agreed.

use super::{Codec, Direction, MediaSdp, Sdp, SdpError, SrtpTerms};
use crate::media::LegSrtp;
use std::net::{IpAddr, SocketAddr};

/// What a completed offer/answer exchange agreed for the audio stream
/// (its codecs borrowed from the remote SDP).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Negotiated<'a> {
    /// Where the peer receives RTP.
    pub remote: SocketAddr,
    /// The voice codec to send, with the peer's payload type.
    pub codec: &'a Codec,
    /// telephone-event, with the peer's payload type, if both sides have it.
    pub telephone_event: Option<&'a Codec>,
    /// Our direction.
    pub local_direction: Direction,
    /// The peer's direction.
    pub remote_direction: Direction,
    /// rtcp-mux agreed by both sides.
    pub rtcp_mux: bool,
    /// SRTP keys, when the stream is SRTP.
    pub srtp: Option<LegSrtp>,
}

/// What our side of an offer or an answer describes.
#[derive(Debug, Clone, Copy)]
pub struct Local<'a> {
    /// The codecs we accept, in preference order.
    pub codecs: &'a [Codec],
    /// Where we receive RTP.
    pub addr: IpAddr,
    /// Our RTP port.
    pub port: u16,
    /// The direction we want (an answer limits it by the offer's).
    pub direction: Direction,
    /// `o=` session id.
    pub session_id: u64,
    /// `o=` version.
    pub version: u64,
    /// SRTP: the leg's policy and our keys.
    pub srtp: SrtpTerms<'a>,
}

/// Our offer.
pub fn offer(local: &Local) -> Sdp {
    let (proto, crypto) = local.srtp.offer();
    let audio = MediaSdp {
        addr: local.addr,
        port: local.port,
        codecs: local.codecs.to_vec(),
        direction: local.direction,
        rtcp_mux: false,
        ptime: Some(20),
        proto,
        crypto: crypto.into(),
        bad_crypto: None,
    };
    Sdp {
        session_id: local.session_id,
        version: local.version,
        audio,
        rejected: thin_vec::ThinVec::new(),
    }
}

/// Our answer to `remote` given what we support (RFC 3264 §6): the
/// offer's order and payload types, our direction limited by the offer's,
/// its protocol, and its other m-lines at their places with port 0.
/// 488-worthy when no voice codec is shared or SRTP cannot be agreed
/// (see [`SrtpTerms::answer`]).
pub fn answer(remote: &Sdp, local: &Local) -> Result<Sdp, SdpError> {
    let (proto, crypto) = local.srtp.answer(&remote.audio)?;
    let mut chosen: Vec<Codec> = Vec::with_capacity(remote.audio.codecs.len().min(local.codecs.len()));
    for theirs in &remote.audio.codecs {
        if let Some(ours) = local.codecs.iter().find(|c| c.same_format(theirs))
            && !chosen.iter().any(|c| c.same_format(theirs))
        {
            chosen.push(Codec {
                pt: theirs.pt,
                ..ours.clone()
            });
        }
    }
    if !chosen.iter().any(|c| !c.is_telephone_event()) {
        return Err(SdpError::NoCommonCodec);
    }
    let audio = MediaSdp {
        addr: local.addr,
        port: local.port,
        codecs: chosen,
        direction: remote.direction().answer(local.direction),
        rtcp_mux: remote.audio.rtcp_mux,
        ptime: Some(remote.audio.ptime.unwrap_or(20)),
        proto,
        crypto: crypto.into(),
        bad_crypto: None,
    };
    Ok(Sdp {
        session_id: local.session_id,
        version: local.version,
        audio,
        rejected: remote.rejected.clone(),
    })
}

/// What `local` and `remote` (an offer and its answer, either way round)
/// agree: the first voice codec of `remote` that `local` lists, and the
/// SRTP keys if the stream is secure.
pub fn negotiate<'a>(local: &Sdp, remote: &'a Sdp) -> Result<Negotiated<'a>, SdpError> {
    let shared = |want_te: bool| {
        remote
            .audio
            .codecs
            .iter()
            .filter(|c| c.is_telephone_event() == want_te)
            .find(|c| local.audio.codecs.iter().any(|l| l.same_format(c)))
    };
    let codec = shared(false).ok_or(SdpError::NoCommonCodec)?;
    Ok(Negotiated {
        remote: SocketAddr::new(remote.audio.addr, remote.audio.port),
        codec,
        telephone_event: shared(true),
        local_direction: local.direction(),
        remote_direction: remote.direction(),
        rtcp_mux: local.audio.rtcp_mux && remote.audio.rtcp_mux,
        srtp: super::srtp::agreed(&local.audio, &remote.audio)?,
    })
}
