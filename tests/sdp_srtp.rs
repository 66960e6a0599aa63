//! SRTP in offer/answer (RFC 4568 SDES, issue #16), as pure functions: what
//! each policy offers, how an offer is answered (the offer's tag and suite
//! with our own key; refused naming why when SRTP cannot be agreed), and
//! which keys an exchange gives each direction. Never a plaintext answer
//! to `RTP/SAVP`.

use rvoip::media::srtp::{Crypto, Suite};
use rvoip::test_exports::sdp::{self, Codec, Direction, Proto, SdpError, SrtpPolicy, SrtpTerms};

const KEY_80: &str = "1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR";
const KEY_32: &str = "2 AES_CM_128_HMAC_SHA1_32 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj";

fn terms(policy: SrtpPolicy, keys_allowed: bool, ours: &[Crypto]) -> SrtpTerms<'_> {
    SrtpTerms {
        policy,
        keys_allowed,
        ours,
    }
}

fn local<'a>(srtp: SrtpTerms<'a>, codecs: &'a [Codec]) -> sdp::Local<'a> {
    sdp::Local {
        codecs,
        addr: [127, 0, 0, 1].into(),
        port: 30000,
        direction: Direction::SendRecv,
        session_id: 7,
        version: 1,
        srtp,
    }
}

fn offered(proto: &str, crypto: &[&str]) -> sdp::Sdp {
    let lines: String = crypto.iter().map(|c| format!("a=crypto:{c}\r\n")).collect();
    let text = format!(
        "v=0\r\no=peer 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n\
         m=audio 5004 {proto} 0\r\na=rtpmap:0 PCMU/8000\r\n{lines}"
    );
    sdp::parse(&text).unwrap()
}

#[test]
fn each_policy_offers_its_profile_and_keys_only_where_allowed() {
    let keys = SrtpTerms::fresh_keys();
    assert_eq!(
        keys.iter().map(|c| (c.tag, c.suite)).collect::<Vec<_>>(),
        [(1, Suite::AesCm128HmacSha1_80), (2, Suite::AesCm128HmacSha1_32)]
    );
    let codecs = [Codec::pcmu()];
    let cases = [
        (SrtpPolicy::Off, true, "RTP/AVP", 0),
        (SrtpPolicy::Optional, true, "RTP/AVP", 2),
        (SrtpPolicy::Optional, false, "RTP/AVP", 0),
        (SrtpPolicy::Mandatory, true, "RTP/SAVP", 2),
        // Keys may not go in clear: SAVP without keys, which no peer can
        // take, rather than plain RTP.
        (SrtpPolicy::Mandatory, false, "RTP/SAVP", 0),
    ];
    for (policy, allowed, proto, lines) in cases {
        let text = sdp::render(&sdp::offer(&local(terms(policy, allowed, &keys), &codecs)));
        assert!(
            text.contains(&format!("m=audio 30000 {proto} 0")),
            "{policy:?}:\n{text}"
        );
        assert_eq!(
            text.matches("a=crypto:").count(),
            lines,
            "{policy:?} {allowed}:\n{text}"
        );
        // What we render reads back as the same keys.
        let back = sdp::parse(&text).unwrap();
        assert_eq!(back.audio.crypto.len(), lines);
        if lines > 0 {
            assert_eq!(back.audio.crypto, keys);
        }
    }
}

#[test]
fn an_srtp_offer_is_answered_with_its_tag_and_suite_and_our_own_key() {
    let ours = SrtpTerms::fresh_keys();
    let codecs = [Codec::pcmu()];
    for (proto, policy) in [
        ("RTP/SAVP", SrtpPolicy::Optional),
        ("RTP/SAVP", SrtpPolicy::Mandatory),
        ("RTP/SAVPF", SrtpPolicy::Optional),
        // Best-effort SRTP: a=crypto on RTP/AVP.
        ("RTP/AVP", SrtpPolicy::Optional),
        ("RTP/AVP", SrtpPolicy::Mandatory),
    ] {
        let offer = offered(proto, &[KEY_32, KEY_80]);
        let answer = sdp::answer(&offer, &local(terms(policy, true, &ours), &codecs)).unwrap();
        assert_eq!(answer.audio.proto.name(), proto, "the profile is kept");
        let [chosen] = &answer.audio.crypto[..] else {
            panic!("one a=crypto line: {answer:?}")
        };
        // The offer's first line we can use: its tag and suite, our key.
        assert_eq!((chosen.tag, chosen.suite), (2, Suite::AesCm128HmacSha1_32));
        assert_eq!(chosen.key, ours[1].key);
        assert_ne!(chosen.key, offer.audio.crypto[0].key);
        // Each side's view of the exchange: what it receives is unlocked
        // with the other's key.
        let ours_view = sdp::negotiate(&answer, &offer).unwrap().srtp.unwrap();
        let theirs_view = sdp::negotiate(&offer, &answer).unwrap().srtp.unwrap();
        assert_eq!(ours_view.suite, Suite::AesCm128HmacSha1_32);
        assert_eq!((ours_view.rx, ours_view.tx), (offer.audio.crypto[0].key, ours[1].key));
        assert_eq!((theirs_view.rx, theirs_view.tx), (ours_view.tx, ours_view.rx));
    }
}

#[test]
fn srtp_that_cannot_be_agreed_is_refused_naming_why_never_downgraded() {
    let ours = SrtpTerms::fresh_keys();
    let codecs = [Codec::pcmu()];
    let answer = |proto: &str, crypto: &[&str], policy, allowed| {
        sdp::answer(&offered(proto, crypto), &local(terms(policy, allowed, &ours), &codecs))
    };
    let savp = "RTP/SAVP";
    assert_eq!(
        answer(savp, &[KEY_80], SrtpPolicy::Off, true),
        Err(SdpError::Protocol("RTP/SAVP".into()))
    );
    assert_eq!(
        answer(savp, &[KEY_80], SrtpPolicy::Optional, false),
        Err(SdpError::SdesInClear)
    );
    assert_eq!(
        answer("RTP/AVP", &[], SrtpPolicy::Mandatory, true),
        Err(SdpError::SrtpRequired)
    );
    let bad = [
        (
            "1 AES_CM_128_HMAC_SHA1_80 inline:AAAA",
            "key and salt are 3 bytes, not 30",
        ),
        ("1 F8_128_HMAC_SHA1_80 inline:AAAA", "unknown suite F8_128_HMAC_SHA1_80"),
        ("1 AES_CM_128_HMAC_SHA1_80 inline:@@@", "not inline base64"),
        ("1 AES_CM_128_HMAC_SHA1_80", "not \"tag suite inline:key\""),
    ];
    for (line, why) in bad {
        match answer(savp, &[line], SrtpPolicy::Optional, true) {
            Err(e @ SdpError::NoCrypto(_)) => assert!(e.to_string().contains(why), "{e} names {why}"),
            other => panic!("{line}: {other:?}"),
        }
    }
    assert!(matches!(
        answer(savp, &[], SrtpPolicy::Mandatory, true),
        Err(SdpError::NoCrypto(_))
    ));
    // A bad line next to a good one: the good one is taken.
    let ok = answer(savp, &[bad[0].0, KEY_32], SrtpPolicy::Optional, true).unwrap();
    assert_eq!(ok.audio.crypto[0].tag, 2);
    // Best effort without keys allowed, or with SRTP off: plain RTP/AVP.
    for (policy, allowed) in [(SrtpPolicy::Optional, false), (SrtpPolicy::Off, true)] {
        let plain = answer("RTP/AVP", &[KEY_80], policy, allowed).unwrap();
        assert_eq!((plain.audio.proto, plain.audio.crypto.len()), (Proto::Avp, 0));
        assert_eq!(
            sdp::negotiate(&plain, &offered("RTP/AVP", &[KEY_80])).unwrap().srtp,
            None
        );
    }
}

#[test]
fn an_answer_without_the_srtp_our_offer_required_agrees_nothing() {
    let ours = SrtpTerms::fresh_keys();
    let codecs = [Codec::pcmu()];
    let offer = sdp::offer(&local(terms(SrtpPolicy::Mandatory, true, &ours), &codecs));
    let plain = offered("RTP/AVP", &[]);
    assert!(matches!(sdp::negotiate(&offer, &plain), Err(SdpError::NoCrypto(_))));
    // A best-effort offer answered plainly is plain RTP.
    let best_effort = sdp::offer(&local(terms(SrtpPolicy::Optional, true, &ours), &codecs));
    assert_eq!(sdp::negotiate(&best_effort, &plain).unwrap().srtp, None);
    // An answer naming a tag we did not offer agrees nothing either.
    let wrong_tag = offered("RTP/SAVP", &[&KEY_80.replacen('1', "9", 1)]);
    assert!(sdp::negotiate(&offer, &wrong_tag).is_err());
    // Best effort answered with a key we cannot pair (a tag we did not
    // offer, or a line we cannot read): the peer meant SRTP, so plain RTP
    // would not work either.
    for line in [
        KEY_80.replacen('1', "9", 1),
        "1 AES_CM_128_HMAC_SHA1_80 inline:AAAA".to_string(),
    ] {
        let answer = offered("RTP/AVP", &[&line]);
        assert!(sdp::negotiate(&best_effort, &answer).is_err(), "{line}");
    }
}
