//! Inputs the fuzzers (fuzz/) found crashing, kept as regression tests:
//! each is fed through what its target does, and must not panic.

use std::path::Path;

fn inputs(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/regressions")
        .join(target);
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    entries
        .map(|e| e.unwrap().path())
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

#[test]
fn sip_parse_regressions() {
    let cases = inputs("sip_parse");
    assert!(!cases.is_empty(), "the corpus of found crashes is in the repo");
    for (name, data) in cases {
        if let Ok(msg) = rvoip::test_exports::sip::receive(&data) {
            let _ = rvoip::test_exports::sip::validate(&msg);
        }
        let _ = rvoip::test_exports::sip::parse(&data);
        // content_length_overflow: a Content-Length of 2^64-1 used to
        // overflow the stream framer's total (a wrap in release builds).
        let framed = rvoip::test_exports::sip::frame_stream(&data);
        assert!(
            framed.is_err() || name != "content_length_overflow",
            "{name}: {framed:?}"
        );
    }
}
