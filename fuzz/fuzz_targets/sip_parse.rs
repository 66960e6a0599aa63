//! SIP parse + validate on arbitrary bytes: never panics; the borrowed
//! view's path gives what the full path gives; whatever parses and
//! validates serialises and parses again.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rvoip::test_exports::sip;

fuzz_target!(|data: &[u8]| {
    let (fast, full) = (sip::parse(data), sip::parse_full(data));
    assert_eq!(format!("{fast:?}"), format!("{full:?}"), "the view and the full path differ");
    if let Ok(msg) = fast {
        if sip::validate(&msg).is_ok() {
            let bytes = sip::message_bytes(&msg);
            let again = sip::parse(&bytes).expect("our own serialisation parses");
            assert!(sip::validate(&again).is_ok(), "and validates");
        }
    }
    let _ = sip::frame_stream(data);
});
