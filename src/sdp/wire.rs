//! SDP text -> [`Sdp`] through the one-pass reader of `plain.rs` or, for any
//! other shape, webrtc-rs's `sdp` crate; [`Sdp`] -> text written directly.

use super::{Codec, Direction, MediaSdp, Sdp, SdpError};
use sdp::description::session::SessionDescription;
use std::io::Cursor;
use std::net::IpAddr;

/// What [`parse`] takes from SDP text, borrowed from the text (one-pass reader)
/// or from the `sdp` crate's model.
#[derive(Debug, Default)]
pub(super) struct Parts<'a> {
    pub session_id: u64,
    pub version: u64,
    /// The audio stream's `c=` address, else the session's.
    pub addr: Option<&'a str>,
    pub port: u16,
    pub formats: Vec<&'a str>,
    /// The audio stream's attributes, then the session's.
    pub media: Vec<(&'a str, Option<&'a str>)>,
    pub session: Vec<(&'a str, Option<&'a str>)>,
}

/// Parses SDP text; the first `m=audio` is the stream.
pub fn parse(text: &str) -> Result<Sdp, SdpError> {
    match super::plain::parts(text) {
        Some(parts) => assemble(parts),
        None => parse_with_crate(text),
    }
}

/// Parses SDP text through the `sdp` crate.
pub(super) fn parse_with_crate(text: &str) -> Result<Sdp, SdpError> {
    let sd = SessionDescription::unmarshal(&mut Cursor::new(text.as_bytes()))
        .map_err(|e| SdpError::Malformed(e.to_string()))?;
    let md = sd
        .media_descriptions
        .iter()
        .find(|m| m.media_name.media == "audio")
        .ok_or(SdpError::NoAudio)?;
    let conn = md
        .connection_information
        .as_ref()
        .or(sd.connection_information.as_ref());
    assemble(Parts {
        session_id: sd.origin.session_id,
        version: sd.origin.session_version,
        addr: conn.and_then(|c| c.address.as_ref()).map(|a| a.address.as_str()),
        port: u16::try_from(md.media_name.port.value).map_err(|_| SdpError::Malformed("bad m= port".into()))?,
        formats: md.media_name.formats.iter().map(String::as_str).collect(),
        media: attrs(&md.attributes),
        session: attrs(&sd.attributes),
    })
}

/// The crate's attributes as `(key, value)`.
fn attrs(list: &[sdp::description::common::Attribute]) -> Vec<(&str, Option<&str>)> {
    list.iter().map(|a| (a.key.as_str(), a.value.as_deref())).collect()
}

/// The stream described by `p`.
pub(super) fn assemble(p: Parts<'_>) -> Result<Sdp, SdpError> {
    let addr: IpAddr = p
        .addr
        .and_then(|a| a.parse().ok())
        .ok_or_else(|| SdpError::Malformed("no usable c= address".into()))?;
    let attr = |key: &str| p.media.iter().chain(p.session.iter()).find(|a| a.0 == key);
    let mut codecs = Vec::new();
    for fmt in &p.formats {
        let Ok(pt) = fmt.parse::<u8>() else { continue };
        let codec = match pt_attribute(&p.media, "rtpmap", pt) {
            Some(map) => {
                let mut parts = map.split('/');
                let name = parts.next().unwrap_or_default().to_owned();
                let rate = parts.next().and_then(|r| r.parse().ok()).unwrap_or(8000);
                let channels = parts.next().and_then(|c| c.parse().ok());
                Some(Codec {
                    pt,
                    name,
                    rate,
                    channels,
                    fmtp: None,
                })
            }
            None => Codec::from_static(pt),
        };
        if let Some(mut c) = codec {
            c.fmtp = pt_attribute(&p.media, "fmtp", pt).map(str::to_owned);
            codecs.push(c);
        }
    }
    const DIRECTIONS: [&str; 4] = ["sendrecv", "sendonly", "recvonly", "inactive"];
    let find = |list: &[(&str, Option<&str>)]| DIRECTIONS.into_iter().find(|k| list.iter().any(|a| a.0 == *k));
    let direction = find(&p.media)
        .or_else(|| find(&p.session))
        .and_then(Direction::from_attr)
        .unwrap_or_default();
    let audio = MediaSdp {
        addr,
        port: p.port,
        codecs,
        direction,
        rtcp_mux: attr("rtcp-mux").is_some(),
        ptime: attr("ptime").and_then(|a| a.1).and_then(|v| v.trim().parse().ok()),
    };
    Ok(Sdp {
        session_id: p.session_id,
        version: p.version,
        audio,
    })
}

/// The value of an `a=KEY:PT value` attribute for payload type `pt`.
fn pt_attribute<'a>(attrs: &[(&str, Option<&'a str>)], key: &str, pt: u8) -> Option<&'a str> {
    attrs.iter().filter(|a| a.0 == key).filter_map(|a| a.1).find_map(|v| {
        v.split_once(' ')
            .filter(|(p, _)| p.parse() == Ok(pt))
            .map(|(_, rest)| rest.trim())
    })
}

/// Renders SDP text (written directly: the one shape we send needs no
/// general SDP model, and building one cost ~5 % of a bridged call's CPU).
pub fn render(sdp: &Sdp) -> String {
    use crate::sip::{push_ip, push_u64};
    let a = &sdp.audio;
    let kind = if a.addr.is_ipv4() { "IP4" } else { "IP6" };
    let mut out = String::with_capacity(256);
    let mut addr = String::with_capacity(16);
    push_ip(&mut addr, a.addr);
    out.push_str("v=0\r\no=rvoip ");
    push_u64(&mut out, sdp.session_id);
    out.push(' ');
    push_u64(&mut out, sdp.version);
    for part in [
        " IN ",
        kind,
        " ",
        &addr,
        "\r\ns=rvoip\r\nc=IN ",
        kind,
        " ",
        &addr,
        "\r\nt=0 0\r\nm=audio ",
    ] {
        out.push_str(part);
    }
    push_u64(&mut out, u64::from(a.port));
    out.push_str(" RTP/AVP");
    for c in &a.codecs {
        out.push(' ');
        push_u64(&mut out, u64::from(c.pt));
    }
    out.push_str("\r\n");
    for c in &a.codecs {
        out.push_str("a=rtpmap:");
        push_u64(&mut out, u64::from(c.pt));
        out.push(' ');
        out.push_str(&c.name);
        out.push('/');
        push_u64(&mut out, u64::from(c.rate));
        if let Some(ch) = c.channels {
            out.push('/');
            push_u64(&mut out, u64::from(ch));
        }
        out.push_str("\r\n");
        if let Some(f) = &c.fmtp {
            out.push_str("a=fmtp:");
            push_u64(&mut out, u64::from(c.pt));
            out.push(' ');
            out.push_str(f);
            out.push_str("\r\n");
        }
    }
    if let Some(p) = a.ptime {
        out.push_str("a=ptime:");
        push_u64(&mut out, u64::from(p));
        out.push_str("\r\n");
    }
    if a.rtcp_mux {
        out.push_str("a=rtcp-mux\r\n");
    }
    out.push_str("a=");
    out.push_str(a.direction.attr());
    out.push_str("\r\n");
    out
}
