//! SIP parse + validate on arbitrary bytes: never panics; whatever parses
//! and validates serialises and parses again.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rvoip::test_exports::sip;

fuzz_target!(|data: &[u8]| {
    if let Ok(msg) = sip::parse(data) {
        if sip::validate(&msg).is_ok() {
            let bytes = sip::message_bytes(&msg);
            let again = sip::parse(&bytes).expect("our own serialisation parses");
            assert!(sip::validate(&again).is_ok(), "and validates");
        }
    }
    let _ = sip::frame_stream(data);
});
