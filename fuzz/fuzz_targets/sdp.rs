//! SDP parse, then offer/answer against our codecs, on arbitrary text:
//! never panics; an answer we produce parses back and negotiates.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rvoip::test_exports::sdp::{self, Codec, Direction};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(offer) = sdp::parse(text) else { return };
    let ours = Codec::from_names(&["PCMU".into(), "PCMA".into(), "opus".into()]);
    let ip = "127.0.0.1".parse().unwrap();
    if let Ok(answer) = sdp::answer(&offer, &sdp::Local { codecs: &ours, addr: ip, port: 10000, direction: Direction::SendRecv, session_id: 1, version: 1, srtp: sdp::SrtpTerms { policy: Default::default(), keys_allowed: false, ours: &[] } }) {
        let back = sdp::parse(&sdp::render(&answer)).expect("our answer parses");
        let _ = sdp::negotiate(&back, &offer);
        let _ = sdp::negotiate(&offer, &back);
    }
});
