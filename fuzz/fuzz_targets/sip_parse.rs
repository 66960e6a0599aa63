//! SIP parse + validate on arbitrary bytes: never panics; the borrowed
//! view's path gives what the full path gives; what the gateway reads
//! (`receive`) parses where the rsip oracle does; whatever parses and
//! validates serialises and parses again.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rvoip::test_exports::sip;

fuzz_target!(|data: &[u8]| {
    let (fast, full) = (sip::parse(data), sip::parse_full(data));
    assert_eq!(format!("{fast:?}"), format!("{full:?}"), "the view and the full path differ");
    match (sip::receive(data), &fast) {
        (Ok(received), Ok(msg)) => {
            if sip::validate(&received).is_ok() {
                let bytes = sip::message_bytes(msg);
                let again = sip::receive(&bytes).expect("our own serialisation parses");
                assert!(sip::validate(&again).is_ok(), "and validates");
            }
        }
        (Err(_), Err(_)) => {}
        _ => panic!("receive and parse differ"),
    }
    let _ = sip::frame_stream(data);
});
