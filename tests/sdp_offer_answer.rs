//! SDP: round trips of the lines that decided the crate choice, offer/answer
//! codec intersection, directions and hold, 488 on no common codec, and
//! RFC 3264 §6's m-lines: an answer has the offer's, in order, the ones not
//! taken with port 0; the protocol is kept; RTP/SAVP is never downgraded.

use rvoip::test_exports::sdp::{self, Codec, Direction, SdpError};
use std::net::IpAddr;

const OFFER: &str = "v=0\r\no=alice 2890844526 2890844526 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n\
m=audio 49170 RTP/AVP 111 8 0 101\r\na=rtpmap:111 opus/48000/2\r\na=fmtp:111 useinbandfec=1\r\n\
a=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=inactive\r\n";

fn ours() -> Vec<Codec> {
    vec![
        Codec::pcmu(),
        Codec::pcma(),
        Codec::opus(96),
        Codec::telephone_event(100),
    ]
}

fn ip() -> IpAddr {
    "127.0.0.1".parse().unwrap()
}

#[test]
fn opus_rtpmap_and_inactive_round_trip_exactly() {
    let parsed = sdp::parse(OFFER).unwrap();
    assert_eq!(parsed.audio.direction, Direction::Inactive);
    assert_eq!(
        parsed.audio.codecs[0],
        Codec {
            pt: 111,
            name: "opus".into(),
            rate: 48000,
            channels: Some(2),
            fmtp: "useinbandfec=1".into()
        }
    );
    let text = sdp::render(&parsed);
    assert!(text.contains("a=rtpmap:111 opus/48000/2\r\n"), "{text}");
    assert!(text.contains("a=inactive\r\n"), "{text}");
    assert_eq!(sdp::parse(&text).unwrap().audio, parsed.audio);
}

#[test]
fn answer_keeps_offer_order_and_payload_types() {
    let offer = sdp::parse(OFFER).unwrap();
    let answer = sdp::answer(&offer, &local(&ours(), ip(), 30000)).unwrap();
    let pts: Vec<u8> = answer.audio.codecs.iter().map(|c| c.pt).collect();
    assert_eq!(pts, vec![111, 8, 0, 101], "offerer's order and PTs (RFC 3264 §6.1)");
    assert_eq!(
        answer.audio.direction,
        Direction::Inactive,
        "inactive offer answered inactive"
    );
    let n = sdp::negotiate(&answer, &offer).unwrap();
    assert_eq!(n.codec.name, "opus");
    assert_eq!(n.telephone_event.map(|c| c.pt), Some(101));
}

#[test]
fn directions_answer_per_rfc3264() {
    use Direction::*;
    let table = [
        (SendRecv, SendRecv),
        (SendOnly, RecvOnly),
        (RecvOnly, SendOnly),
        (Inactive, Inactive),
    ];
    for (offer, want) in table {
        assert_eq!(offer.answer(SendRecv), want, "offer {offer:?}");
    }
    assert_eq!(SendRecv.answer(SendOnly), SendOnly, "we hold: sendonly");
    assert_eq!(SendOnly.answer(SendOnly), Inactive, "both hold: inactive");
}

#[test]
fn c_zero_is_old_style_hold() {
    let text = OFFER
        .replace("c=IN IP4 192.0.2.10", "c=IN IP4 0.0.0.0")
        .replace("a=inactive", "a=sendrecv");
    let offer = sdp::parse(&text).unwrap();
    assert!(offer.direction().is_hold());
    let answer = sdp::answer(&offer, &local(&ours(), ip(), 30000)).unwrap();
    assert_eq!(answer.audio.direction, Direction::RecvOnly);
}

#[test]
fn no_common_voice_codec_is_488_material() {
    let text = OFFER
        .replace("m=audio 49170 RTP/AVP 111 8 0 101", "m=audio 49170 RTP/AVP 18 101")
        .replace("a=rtpmap:111 opus/48000/2", "a=rtpmap:18 G729/8000");
    let offer = sdp::parse(&text).unwrap();
    let r = sdp::answer(&offer, &local(&ours(), ip(), 30000));
    assert_eq!(r, Err(SdpError::NoCommonCodec), "telephone-event alone is not a codec");
}

#[test]
fn static_payload_types_without_rtpmap() {
    let text = "v=0\r\no=- 1 1 IN IP4 10.0.0.1\r\ns=-\r\nc=IN IP4 10.0.0.1\r\nt=0 0\r\nm=audio 5004 RTP/AVP 0 8\r\n";
    let offer = sdp::parse(text).unwrap();
    assert_eq!(offer.audio.codecs, vec![Codec::pcmu(), Codec::pcma()]);
    assert_eq!(offer.audio.direction, Direction::SendRecv);
}

/// The rendered o= and c= lines carry the address exactly as `Display`
/// writes it (the renderer writes IPv4 digit by digit).
#[test]
fn rendered_addresses_match_display() {
    for text in [
        "0.0.0.0",
        "9.10.99.100",
        "100.0.255.7",
        "255.255.255.255",
        "::1",
        "2001:db8::5",
    ] {
        let addr: IpAddr = text.parse().unwrap();
        let rendered = sdp::render(&sdp::offer(&local(&ours(), addr, 4000)));
        let kind = if addr.is_ipv4() { "IP4" } else { "IP6" };
        assert!(rendered.contains(&format!("\r\nc=IN {kind} {addr}\r\n")), "{rendered}");
        assert!(rendered.contains(&format!(" IN {kind} {addr}\r\ns=")), "{rendered}");
        assert_eq!(sdp::parse(&rendered).unwrap().audio.addr, addr);
    }
}

/// The m-lines of `text`: (media, port, protocol).
fn m_lines(text: &str) -> Vec<(String, u16, String)> {
    text.lines()
        .filter_map(|l| l.trim_end().strip_prefix("m="))
        .map(|m| {
            let f: Vec<&str> = m.split(' ').collect();
            (f[0].to_owned(), f[1].parse().unwrap(), f[2].to_owned())
        })
        .collect()
}

fn offered(media: &str) -> String {
    format!("v=0\r\no=b 1 1 IN IP4 192.0.2.20\r\ns=-\r\nc=IN IP4 192.0.2.20\r\nt=0 0\r\n{media}")
}

#[test]
fn the_answer_has_the_offers_m_lines_in_order_the_others_with_port_0() {
    let video = "m=video 5000 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n";
    let audio = "m=audio 5002 RTP/AVPF 0 101\r\na=rtpmap:101 telephone-event/8000\r\n";
    let dtls = "m=audio 5004 UDP/TLS/RTP/SAVPF 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:AAAA\r\n";
    let text = offered(&[dtls, video, audio, "m=text 5006 RTP/AVP 98\r\n"].concat());
    let offer = sdp::parse(&text).unwrap();
    assert_eq!(offer.audio.port, 5002, "the first audio stream in a protocol we speak");
    let answer = sdp::render(&sdp::answer(&offer, &local(&ours(), ip(), 30000)).unwrap());
    let expect = [
        ("audio", 0, "UDP/TLS/RTP/SAVPF"),
        ("video", 0, "RTP/AVP"),
        ("audio", 30000, "RTP/AVPF"),
        ("text", 0, "RTP/AVP"),
    ];
    let expect: Vec<_> = expect
        .iter()
        .map(|(m, p, t)| (m.to_string(), *p, t.to_string()))
        .collect();
    assert_eq!(m_lines(&answer), expect, "{answer}");
    assert!(!answer.contains("a=crypto"), "no key material echoed: {answer}");
    // The answer reads back to the same stream and the same rejections.
    let back = sdp::parse(&answer).unwrap();
    assert_eq!((back.audio.port, back.rejected.len()), (30000, 3));
}

#[test]
fn audio_only_as_rtp_savp_is_refused_not_downgraded() {
    // A leg with SRTP off refuses RTP/SAVP (srtp on: tests/sdp_srtp.rs).
    let text = offered("m=audio 5004 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:AAAA\r\n");
    let savp = sdp::parse(&text).unwrap();
    assert_eq!(savp.audio.proto, sdp::Proto::Savp);
    assert!(savp.audio.crypto.is_empty() && savp.audio.bad_crypto.is_some());
    let ours = [Codec::pcmu()];
    assert_eq!(
        sdp::answer(&savp, &local(&ours, ip(), 30000)),
        Err(SdpError::Protocol("RTP/SAVP".into()))
    );
    let text = offered("m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n");
    assert_eq!(sdp::parse(&text), Err(SdpError::Protocol("UDP/TLS/RTP/SAVPF".into())));
    assert_eq!(
        sdp::parse(&offered("m=video 5000 RTP/AVP 96\r\n")),
        Err(SdpError::NoAudio)
    );
}

/// Our side: `codecs` received at `addr:port`, sendrecv, session 1 v1.
fn local(codecs: &[Codec], addr: std::net::IpAddr, port: u16) -> sdp::Local<'_> {
    sdp::Local {
        codecs,
        addr,
        port,
        direction: Direction::SendRecv,
        session_id: 1,
        version: 1,
        srtp: PLAIN,
    }
}

/// A leg with SRTP off.
const PLAIN: sdp::SrtpTerms<'static> = sdp::SrtpTerms {
    policy: sdp::SrtpPolicy::Off,
    keys_allowed: false,
    ours: &[],
};

#[test]
fn an_opus_peers_fmtp_parameters_are_read_by_name() {
    let media = "m=audio 5002 RTP/AVP 111\r\na=rtpmap:111 opus/48000/2\r\n\
                 a=fmtp:111 minptime=10; MaxAverageBitrate=12000 ;useinbandfec=1\r\n";
    let offer = sdp::parse(&offered(media)).unwrap();
    let opus = &offer.audio.codecs[0];
    assert_eq!(
        opus.fmtp_param("maxaveragebitrate"),
        Some("12000"),
        "any case, spaces trimmed"
    );
    assert_eq!(opus.fmtp_param("useinbandfec"), Some("1"));
    assert_eq!(opus.fmtp_param("maxplaybackrate"), None);
    assert_eq!(Codec::pcmu().fmtp_param("maxaveragebitrate"), None, "no fmtp at all");
}
