//! `a=crypto` lines, arbitrary text: never panics; a line we take writes
//! back to one that reads the same.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rvoip::media::srtp::Crypto;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(c) = Crypto::parse(text) {
        assert_eq!(Crypto::parse(&c.render()), Ok(c));
    }
});
