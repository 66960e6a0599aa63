//! SDP text <-> [`Sdp`] through webrtc-rs's `sdp` crate.

use super::{Codec, Direction, MediaSdp, Sdp, SdpError};
use sdp::description::common::{Address, Attribute, ConnectionInformation};
use sdp::description::media::{MediaDescription, MediaName, RangedPort};
use sdp::description::session::{Origin, SessionDescription, TimeDescription, Timing};
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

fn connection(addr: IpAddr) -> ConnectionInformation {
    let kind = if addr.is_ipv4() { "IP4" } else { "IP6" };
    ConnectionInformation {
        network_type: "IN".into(),
        address_type: kind.into(),
        address: Some(Address {
            address: addr.to_string(),
            ttl: None,
            range: None,
        }),
    }
}

fn attribute(key: &str, value: Option<String>) -> Attribute {
    Attribute {
        key: key.to_owned(),
        value,
    }
}

/// Renders SDP text.
pub fn render(sdp: &Sdp) -> String {
    let a = &sdp.audio;
    let mut attributes = Vec::new();
    for c in &a.codecs {
        attributes.push(attribute("rtpmap", Some(format!("{} {}", c.pt, c.rtpmap()))));
        if let Some(f) = &c.fmtp {
            attributes.push(attribute("fmtp", Some(format!("{} {f}", c.pt))));
        }
    }
    if let Some(p) = a.ptime {
        attributes.push(attribute("ptime", Some(p.to_string())));
    }
    if a.rtcp_mux {
        attributes.push(attribute("rtcp-mux", None));
    }
    attributes.push(attribute(a.direction.attr(), None));
    let media = MediaDescription {
        media_name: MediaName {
            media: "audio".into(),
            port: RangedPort {
                value: a.port as isize,
                range: None,
            },
            protos: vec!["RTP".into(), "AVP".into()],
            formats: a.codecs.iter().map(|c| c.pt.to_string()).collect(),
        },
        media_title: None,
        connection_information: None,
        bandwidth: vec![],
        encryption_key: None,
        attributes,
    };
    let sd = SessionDescription {
        version: 0,
        origin: Origin {
            username: "rvoip".into(),
            session_id: sdp.session_id,
            session_version: sdp.version,
            network_type: "IN".into(),
            address_type: if a.addr.is_ipv4() { "IP4".into() } else { "IP6".into() },
            unicast_address: a.addr.to_string(),
        },
        session_name: "rvoip".into(),
        connection_information: Some(connection(a.addr)),
        time_descriptions: vec![TimeDescription {
            timing: Timing {
                start_time: 0,
                stop_time: 0,
            },
            repeat_times: vec![],
        }],
        media_descriptions: vec![media],
        ..Default::default()
    };
    sd.marshal()
}
