//! Shared by the tests that step a media worker on their own thread
//! (`SteppedWorker`): loopback endpoints and a plain PCMU leg to one.

#![allow(dead_code)]

use rvoip::media::LegConfig;
use std::net::UdpSocket;
use std::time::Duration;

/// A loopback endpoint that gives up reading after 2 s.
pub fn endpoint() -> UdpSocket {
    let s = UdpSocket::bind("127.0.0.1:0").unwrap();
    s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    s
}

/// A muxed PCMU leg on our `port` to `remote`.
pub fn leg(port: u16, remote: &UdpSocket) -> LegConfig {
    LegConfig {
        port,
        local: None,
        remote: Some(remote.local_addr().unwrap()),
        rtcp_mux: true,
        codec_pt: 0,
        clock: 8000,
        opus_max_bitrate: 0,
        te_pt: None,
        send: true,
        srtp: None,
        codec: None,
    }
}
