//! SDP text -> [`Sdp`] through webrtc-rs's `sdp` crate; [`Sdp`] -> text
//! written directly.

use super::{Codec, Direction, MediaSdp, Sdp, SdpError};
use sdp::description::media::MediaDescription;
use sdp::description::session::SessionDescription;
use std::io::Cursor;
use std::net::IpAddr;

/// Parses SDP text; the first `m=audio` is the stream.
pub fn parse(text: &str) -> Result<Sdp, SdpError> {
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
    let addr: IpAddr = conn
        .and_then(|c| c.address.as_ref())
        .and_then(|a| a.address.parse().ok())
        .ok_or_else(|| SdpError::Malformed("no usable c= address".into()))?;
    let attr = |key: &str| md.attributes.iter().chain(sd.attributes.iter()).find(|a| a.key == key);
    let mut codecs = Vec::new();
    for fmt in &md.media_name.formats {
        let Ok(pt) = fmt.parse::<u8>() else { continue };
        let rtpmap = pt_attribute(md, "rtpmap", pt);
        let codec = match rtpmap {
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
            c.fmtp = pt_attribute(md, "fmtp", pt);
            codecs.push(c);
        }
    }
    let direction = ["sendrecv", "sendonly", "recvonly", "inactive"]
        .iter()
        .find(|k| md.attributes.iter().any(|a| a.key == **k))
        .or_else(|| {
            ["sendrecv", "sendonly", "recvonly", "inactive"]
                .iter()
                .find(|k| sd.attributes.iter().any(|a| a.key == **k))
        })
        .and_then(|k| Direction::from_attr(k))
        .unwrap_or_default();
    let audio = MediaSdp {
        addr,
        port: u16::try_from(md.media_name.port.value).map_err(|_| SdpError::Malformed("bad m= port".into()))?,
        codecs,
        direction,
        rtcp_mux: attr("rtcp-mux").is_some(),
        ptime: attr("ptime")
            .and_then(|a| a.value.as_deref())
            .and_then(|v| v.trim().parse().ok()),
    };
    Ok(Sdp {
        session_id: sd.origin.session_id,
        version: sd.origin.session_version,
        audio,
    })
}

/// The value of an `a=KEY:PT value` attribute for payload type `pt`.
fn pt_attribute(md: &MediaDescription, key: &str, pt: u8) -> Option<String> {
    md.attributes
        .iter()
        .filter(|a| a.key == key)
        .filter_map(|a| a.value.as_deref())
        .find_map(|v| {
            v.split_once(' ')
                .filter(|(p, _)| p.parse() == Ok(pt))
                .map(|(_, rest)| rest.trim().to_owned())
        })
}

/// Renders SDP text (written directly: the one shape we send needs no
/// general SDP model, and building one cost ~5 % of a bridged call's CPU).
pub fn render(sdp: &Sdp) -> String {
    use std::fmt::Write;
    let a = &sdp.audio;
    let kind = if a.addr.is_ipv4() { "IP4" } else { "IP6" };
    let mut out = String::with_capacity(256);
    // Writing to a String cannot fail.
    let mut addr = String::with_capacity(16);
    push_ip(&mut addr, a.addr);
    let _ = write!(
        out,
        "v=0\r\no=rvoip {} {} IN {kind} {addr}\r\ns=rvoip\r\nc=IN {kind} {addr}\r\nt=0 0\r\nm=audio {} RTP/AVP",
        sdp.session_id, sdp.version, a.port,
    );
    for c in &a.codecs {
        let _ = write!(out, " {}", c.pt);
    }
    out.push_str("\r\n");
    for c in &a.codecs {
        let _ = write!(out, "a=rtpmap:{} {}\r\n", c.pt, c.rtpmap());
        if let Some(f) = &c.fmtp {
            let _ = write!(out, "a=fmtp:{} {f}\r\n", c.pt);
        }
    }
    if let Some(p) = a.ptime {
        let _ = write!(out, "a=ptime:{p}\r\n");
    }
    if a.rtcp_mux {
        out.push_str("a=rtcp-mux\r\n");
    }
    let _ = write!(out, "a={}\r\n", a.direction.attr());
    out
}

/// An address as text; IPv4 digit by digit (`Ipv4Addr`'s `Display` goes
/// through `fmt` four times and pads).
fn push_ip(out: &mut String, ip: IpAddr) {
    match ip {
        IpAddr::V4(v4) => {
            for (i, o) in v4.octets().into_iter().enumerate() {
                if i > 0 {
                    out.push('.');
                }
                for d in [o / 100, o / 10 % 10, o % 10].into_iter().skip(if o >= 100 {
                    0
                } else if o >= 10 {
                    1
                } else {
                    2
                }) {
                    out.push(char::from(b'0' + d));
                }
            }
        }
        IpAddr::V6(_) => {
            use std::fmt::Write;
            let _ = write!(out, "{ip}");
        }
    }
}
