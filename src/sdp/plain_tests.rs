//! The one-pass SDP reader (`plain.rs`) agrees with the `sdp` crate: on what peers send, and
//! on thousands of mangled variants (lines dropped, repeated, swapped,
//! retyped, respaced) — where it takes a text, the crate reads the same
//! stream or refuses it the same way; everything else it leaves alone.

use super::plain::parts;
use super::wire::{assemble, parse_with_crate};

const SAMPLES: [&str; 11] = [
    "v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n\
m=audio 6000 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n\
a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=sendrecv\r\n",
    "v=0\r\no=- 1 2 IN IP4 10.0.0.1\r\ns=call\r\nt=0 0\r\na=sendonly\r\nm=audio 4000 RTP/AVP 111 0\r\n\
c=IN IP4 10.0.0.2\r\na=rtpmap:111 opus/48000/2\r\na=fmtp:111 useinbandfec=1\r\na=ptime:20\r\na=rtcp-mux\r\n",
    "v=0\no=x 5 6 IN IP6 ::1\ns=-\nc=IN IP6 ::1\nt=0 0\nm=video 5000 RTP/AVP 96\na=rtpmap:96 H264/90000\n\
m=audio 5002 RTP/AVP 8\na=inactive\nm=audio 5004 RTP/AVP 0\n",
    "v=0\r\no=a 1 1 IN IP4 0.0.0.0\r\ns=-\r\nc=IN IP4 0.0.0.0\r\nt=0 0\r\nm=audio 0 RTP/AVP 0\r\na=recvonly\r\n",
    "v=0\r\no=a 1 1 IN IP4 h.example\r\ns=-\r\nc=IN IP4 h.example\r\nt=0 0\r\nm=audio 1 RTP/AVP 0\r\n",
    "v=0\r\no=a 1 1 IN IP4 1.2.3.4\r\ns=-\r\nb=AS:64\r\nt=0 0\r\nm=audio 49170/2 RTP/AVP 0\r\nc=IN IP4 1.2.3.4\r\n",
    "v=0\r\no=a 1 1 IN IP4 1.2.3.4\r\ns=-\r\ni=info\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 9 RTP/AVP 0\r\n",
    "v=0\r\no=a 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=text 9 RTP/AVP 98\r\n",
    "v=0\r\no=a 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 7000 RTP/SAVP 0\r\n\
a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\nm=audio 7002 RTP/AVP 0 8\r\n\
a=sendrecv\r\nm=video 7004 RTP/AVPF 96\r\na=rtpmap:96 VP8/90000\r\n",
    // Not ASCII: the crate's (its white space is Unicode's).
    "v=0\r\no=a 1 1 IN IP4 1.2.3.4\r\ns=Grüße\u{a0}\r\nc=IN IP4 1.2.3.4\r\nt=0 0\r\nm=audio 9\u{2003}RTP/AVP 0\r\n",
    // ASCII white space beyond the space: vertical tab, form feed, tab.
    "v=0\r\no=a 1 1 IN IP4 1.2.3.4\r\ns=-\r\nc=IN\x0bIP4\x0c1.2.3.4\r\nt=0\t0\r\nm=audio 9 RTP/AVP\x0b0 8\x0c\r\n",
];

/// Where the one-pass reader takes `text`, the crate agrees.
fn agree(text: &str) -> bool {
    let Some(p) = parts(text) else { return false };
    let (fast, slow) = (assemble(&p), parse_with_crate(text));
    match (&fast, &slow) {
        (Ok(a), Ok(b)) => assert_eq!(a, b, "{text:?}"),
        (Err(_), Err(_)) => {}
        _ => panic!("fast {fast:?} vs crate {slow:?} on {text:?}"),
    }
    true
}

#[test]
fn samples_agree_and_plain_ones_take_the_fast_path() {
    let taken: Vec<bool> = SAMPLES.iter().map(|s| agree(s)).collect();
    assert_eq!(
        taken,
        [true, true, true, true, true, false, false, false, true, false, true]
    );
    assert!(parts(SAMPLES[0]).is_some_and(|p| p.formats[..] == ["0", "8", "101"]));
}

#[test]
fn mangled_variants_agree() {
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    let pieces = [
        "x", " ", "0", "IN", "IP7", "-1", "99999", "a=b", "m=", ":", "/", "audio", "RTP/XYZ",
    ];
    let (mut taken, mut total) = (0, 0);
    // (Cut at byte offsets: the ASCII samples.)
    for sample in SAMPLES.iter().filter(|s| s.is_ascii()) {
        for _ in 0..2_000 {
            let mut lines: Vec<String> = sample.lines().map(str::to_owned).collect();
            for _ in 0..1 + next(3) {
                let (n, i) = (lines.len(), next(lines.len()));
                let (j, at, piece, kind) = (next(n), next(lines[i].len() + 1), pieces[next(pieces.len())], next(5));
                let first = 1.min(lines[i].len());
                match kind {
                    0 => drop(lines.remove(i)),
                    1 => lines.insert(i, lines[i].clone()),
                    2 => lines.swap(i, j),
                    3 => lines[i].insert_str(at, piece),
                    _ => lines[i].replace_range(0..first, ["c", "a", "t", "m", "o"][j % 5]),
                }
                if lines.is_empty() {
                    lines.push(String::new());
                }
            }
            let text = lines.join("\r\n") + "\r\n";
            if !text.is_char_boundary(text.len()) {
                continue;
            }
            total += 1;
            taken += usize::from(agree(&text));
        }
    }
    // Both paths are exercised.
    assert!(
        taken > total / 10 && taken < total,
        "{taken} of {total} read in one pass"
    );
}

#[test]
fn rendered_sdp_reads_back_the_same_through_both_paths() {
    use super::{Codec, Direction, MediaSdp, Sdp};
    let mut opus = Codec::from_static(0).unwrap();
    (opus.pt, opus.name, opus.rate, opus.channels, opus.fmtp) =
        (111, "opus".into(), 48000, Some(2), "useinbandfec=1".into());
    let mut dtmf = opus.clone();
    (dtmf.pt, dtmf.name, dtmf.rate, dtmf.channels, dtmf.fmtp) =
        (101, "telephone-event".into(), 8000, None, "0-16".into());
    for (addr, direction, ptime, rtcp_mux) in [
        ("10.1.2.3", Direction::SendOnly, Some(20), true),
        ("2001:db8::7", Direction::Inactive, None, false),
    ] {
        let sdp = Sdp {
            session_id: u64::MAX,
            version: 7,
            audio: MediaSdp {
                addr: addr.parse().unwrap(),
                port: 65534,
                codecs: vec![opus.clone(), Codec::from_static(8).unwrap(), dtmf.clone()],
                direction,
                rtcp_mux,
                ptime,
                proto: super::Proto::Avp,
                crypto: thin_vec::ThinVec::new(),
                bad_crypto: None,
            },
            rejected: thin_vec::ThinVec::new(),
        };
        let text = super::render(&sdp);
        assert!(parts(&text).is_some(), "ours is read in one pass: {text}");
        assert_eq!(parse_with_crate(&text).as_ref(), Ok(&sdp), "{text}");
        assert_eq!(super::parse(&text), Ok(sdp));
    }
}
