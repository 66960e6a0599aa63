//! SDP text -> [`Sdp`] through the one-pass reader of `plain.rs` or, for any
//! other shape, webrtc-rs's `sdp` crate.

use super::{Codec, Direction, MediaSdp, Proto, Rejected, Sdp, SdpError, Token};
use crate::media::srtp::Crypto;
use sdp::description::session::SessionDescription;
use smallvec::SmallVec;
use std::io::Cursor;
use std::net::IpAddr;

/// Formats of an m-line, on the stack for the usual handful.
pub(super) type Formats<'a> = SmallVec<[&'a str; 12]>;
/// `a=` lines as (key, value), on the stack for the usual number.
pub(super) type Attrs<'a> = SmallVec<[(&'a str, Option<&'a str>); 16]>;

/// What [`parse`] takes from SDP text, borrowed from the text (one-pass reader)
/// or from the `sdp` crate's model: on the stack for the usual SDP, as it
/// lives only until [`assemble`] has taken what the call keeps.
#[derive(Debug, Default)]
pub(super) struct Parts<'a> {
    pub session_id: u64,
    pub version: u64,
    /// The audio stream's `c=` address, else the session's.
    pub addr: Option<&'a str>,
    pub port: u16,
    /// The audio stream's protocol (one we speak).
    pub proto: &'a str,
    pub formats: Formats<'a>,
    /// The other m-lines: position, media, protocol, first format.
    pub others: SmallVec<[(usize, &'a str, &'a str, &'a str); 2]>,
    /// The audio stream's attributes, then the session's.
    pub media: Attrs<'a>,
    pub session: Attrs<'a>,
}

/// Parses SDP text; the first `m=audio` in a protocol we speak is the
/// stream, the other m-lines are kept as rejected.
pub fn parse(text: &str) -> Result<Sdp, SdpError> {
    let mut parts = Parts::default();
    match super::plain::parts_into(text, &mut parts) {
        Some(()) => assemble(&parts),
        None => parse_with_crate(text),
    }
}

/// Parses SDP text through the `sdp` crate.
pub(super) fn parse_with_crate(text: &str) -> Result<Sdp, SdpError> {
    let sd = SessionDescription::unmarshal(&mut Cursor::new(text.as_bytes()))
        .map_err(|e| SdpError::Malformed(e.to_string()))?;
    let proto = |m: &sdp::description::media::MediaDescription| m.media_name.protos.join("/");
    let audio = |m: &&sdp::description::media::MediaDescription| m.media_name.media == "audio";
    let mds = &sd.media_descriptions;
    let Some(at) = mds
        .iter()
        .position(|m| audio(&m) && Proto::from_name(&proto(m)).is_some())
    else {
        return Err(match mds.iter().find(audio) {
            Some(m) => SdpError::Protocol(proto(m)),
            None => SdpError::NoAudio,
        });
    };
    let md = &mds[at];
    let protos: Vec<String> = mds.iter().map(proto).collect();
    let others = mds.iter().enumerate().filter(|(i, _)| *i != at).map(|(i, m)| {
        let first = m.media_name.formats.first().map_or("", String::as_str);
        (i, m.media_name.media.as_str(), protos[i].as_str(), first)
    });
    let conn = md
        .connection_information
        .as_ref()
        .or(sd.connection_information.as_ref());
    assemble(&Parts {
        session_id: sd.origin.session_id,
        version: sd.origin.session_version,
        addr: conn.and_then(|c| c.address.as_ref()).map(|a| a.address.as_str()),
        port: u16::try_from(md.media_name.port.value).map_err(|_| SdpError::Malformed("bad m= port".into()))?,
        proto: &protos[at],
        formats: md.media_name.formats.iter().map(String::as_str).collect(),
        others: others.collect(),
        media: attrs(&md.attributes),
        session: attrs(&sd.attributes),
    })
}

/// The crate's attributes as `(key, value)`.
fn attrs(list: &[sdp::description::common::Attribute]) -> Attrs<'_> {
    list.iter().map(|a| (a.key.as_str(), a.value.as_deref())).collect()
}

/// The stream described by `p`.
pub(super) fn assemble(p: &Parts<'_>) -> Result<Sdp, SdpError> {
    let addr: IpAddr = p
        .addr
        .and_then(|a| a.parse().ok())
        .ok_or_else(|| SdpError::Malformed("no usable c= address".into()))?;
    let attr = |key: &str| p.media.iter().chain(p.session.iter()).find(|a| a.0 == key);
    // Sized to the m-line: a held call keeps its SDPs, and a Vec grown
    // from empty would hold room for four 56-byte codecs for one.
    let mut codecs = Vec::with_capacity(p.formats.len());
    for fmt in &p.formats {
        let Ok(pt) = fmt.parse::<u8>() else { continue };
        let codec = match pt_attribute(&p.media, "rtpmap", pt) {
            Some(map) => {
                let mut parts = super::text::pieces(map, b'/');
                let name = Token::new(parts.next().unwrap_or_default());
                let rate = parts.next().and_then(|r| r.parse().ok()).unwrap_or(8000);
                let channels = parts.next().and_then(|c| c.parse().ok());
                Some(Codec {
                    pt,
                    name,
                    rate,
                    channels,
                    fmtp: Token::EMPTY,
                })
            }
            None => Codec::from_static(pt),
        };
        if let Some(mut c) = codec {
            c.fmtp = pt_attribute(&p.media, "fmtp", pt).map(Token::new).unwrap_or_default();
            codecs.push(c);
        }
    }
    codecs.shrink_to_fit(); // formats skipped (unknown, no rtpmap) keep no room
    const DIRECTIONS: [&str; 4] = ["sendrecv", "sendonly", "recvonly", "inactive"];
    let find = |list: &[(&str, Option<&str>)]| DIRECTIONS.into_iter().find(|k| list.iter().any(|a| a.0 == *k));
    let direction = find(&p.media)
        .or_else(|| find(&p.session))
        .and_then(Direction::from_attr)
        .unwrap_or_default();
    let (mut crypto, mut bad_crypto) = (thin_vec::ThinVec::new(), None);
    for value in p.media.iter().filter(|a| a.0 == "crypto").filter_map(|a| a.1) {
        match Crypto::parse(value) {
            Ok(c) => crypto.push(c),
            Err(e) => bad_crypto = bad_crypto.or_else(|| Some(Box::new(e))),
        }
    }
    let audio = MediaSdp {
        addr,
        port: p.port,
        codecs,
        direction,
        rtcp_mux: attr("rtcp-mux").is_some(),
        ptime: attr("ptime").and_then(|a| a.1).and_then(|v| v.trim().parse().ok()),
        proto: Proto::from_name(p.proto).ok_or_else(|| SdpError::Protocol(p.proto.to_owned()))?,
        crypto,
        bad_crypto,
    };
    let rejected = p.others.iter().map(|&(at, media, proto, format)| Rejected {
        at,
        media: media.to_owned(),
        proto: proto.to_owned(),
        format: format.to_owned(),
    });
    Ok(Sdp {
        session_id: p.session_id,
        version: p.version,
        audio,
        rejected: rejected.collect(),
    })
}

/// The value of an `a=KEY:PT value` attribute for payload type `pt`.
fn pt_attribute<'a>(attrs: &[(&str, Option<&'a str>)], key: &str, pt: u8) -> Option<&'a str> {
    attrs.iter().filter(|a| a.0 == key).filter_map(|a| a.1).find_map(|v| {
        super::text::cut(v, b' ')
            .filter(|(p, _)| p.parse() == Ok(pt))
            .map(|(_, rest)| rest.trim())
    })
}
