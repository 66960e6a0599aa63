//! A relayed call between two documentation addresses, for the tests
//! that hand its relay packets without sockets: our SSRCs towards each
//! peer, the peers' addresses, a leg towards one, the call.

#![allow(dead_code)]

use rvoip::media::LegConfig;
use rvoip::media::OpusSettings;
use rvoip::test_exports::media::Relay;
use std::net::SocketAddr;

/// Our SSRCs towards A and towards B.
pub const SSRC_TO_A: u32 = 0xa0a0_0001;
pub const SSRC_TO_B: u32 = 0xb0b0_0002;
/// Re-latch window: 2 s.
pub const RELATCH_US: u64 = 2_000_000;
pub const A: &str = "192.0.2.10:4000";
pub const B: &str = "198.51.100.20:5000";

pub fn addr(s: &str) -> SocketAddr {
    s.parse().unwrap()
}

/// A leg on `port` whose peer is at `remote` (SDP), voice PT `pt`,
/// telephone-event `te`, rtcp-mux.
pub fn leg(port: u16, remote: &str, pt: u8, te: Option<u8>) -> LegConfig {
    LegConfig {
        te_pt: te,
        codec_pt: pt,
        ..LegConfig::pcmu(port, addr(remote))
    }
}

/// A relayed call between legs `a` and `b`, added at time 0.
pub fn call(a: LegConfig, b: LegConfig) -> Relay {
    Relay::new(
        a,
        Some(b),
        [SSRC_TO_A, SSRC_TO_B],
        RELATCH_US,
        OpusSettings::default(),
        0,
    )
}
