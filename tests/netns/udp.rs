//! The sockets of test peers and what they send: RTP built by hand.

use std::net::{SocketAddr, SocketAddrV4, UdpSocket};
use std::time::Duration;

/// The IPv4 address `s` is bound to.
pub fn addr(s: &UdpSocket) -> SocketAddrV4 {
    match s.local_addr().unwrap() {
        SocketAddr::V4(a) => a,
        other => panic!("{other} is not IPv4"),
    }
}

/// A socket on `ip`, any port, whose reads give up after 5 s.
pub fn bind(ip: &str) -> UdpSocket {
    let s = UdpSocket::bind((ip, 0)).unwrap();
    // Only a guard against a hang: every wait expects a packet.
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    s
}

/// An RTP packet: version 2, `pt` (with the marker bit if set), the
/// numbers given, then `payload`.
pub fn rtp(pt: u8, seq: u16, ts: u32, ssrc: u32, payload: &[u8]) -> Vec<u8> {
    let mut p = vec![0x80, pt];
    p.extend_from_slice(&seq.to_be_bytes());
    p.extend_from_slice(&ts.to_be_bytes());
    p.extend_from_slice(&ssrc.to_be_bytes());
    p.extend_from_slice(payload);
    p
}

/// The next datagram on `s` and its source.
pub fn recv(s: &UdpSocket) -> (Vec<u8>, SocketAddrV4) {
    let mut buf = [0u8; 2048];
    let (n, from) = s.recv_from(&mut buf).expect("a packet arrives");
    let SocketAddr::V4(from) = from else {
        panic!("IPv6 source")
    };
    (buf[..n].to_vec(), from)
}
