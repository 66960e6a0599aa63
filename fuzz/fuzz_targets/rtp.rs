//! RTP header parse and rewrite, and RTCP SSRC rewriting, in place on
//! arbitrary bytes: never panics, never reads or writes out of bounds.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rvoip::test_exports::media::rtp::{RtpHeader, header, rtcp};

fuzz_target!(|data: &[u8]| {
    let mut buf = data.to_vec();
    if let Ok(h) = RtpHeader::parse(&buf) {
        assert!(h.header_len <= buf.len());
        header::rewrite(&mut buf, 0, 1, 2, 3);
        assert_eq!(header::ssrc(&buf), 3);
    }
    let _ = header::is_rtcp(&buf);
    let _ = rtcp::rewrite_ssrcs(&mut buf, &mut |s| s.wrapping_add(1));
});
