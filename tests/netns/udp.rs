//! The sockets of test peers and what they send: RTP built by hand.

#![allow(dead_code)]

use std::net::{SocketAddr, SocketAddrV4, UdpSocket};
use std::os::fd::AsRawFd;
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

/// The next datagram on `s` and the IP TTL it arrived with.
pub fn recv_ttl(s: &UdpSocket) -> (Vec<u8>, u8) {
    let on: libc::c_int = 1;
    let fd = s.as_raw_fd();
    let size = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
    // SAFETY: a valid socket and an int option.
    let rc = unsafe {
        libc::setsockopt(
            fd,
            libc::IPPROTO_IP,
            libc::IP_RECVTTL,
            (&on as *const libc::c_int).cast(),
            size,
        )
    };
    assert_eq!(rc, 0, "IP_RECVTTL");
    let (mut buf, mut control) = ([0u8; 2048], [0u64; 16]);
    let mut iov = libc::iovec {
        iov_base: buf.as_mut_ptr().cast(),
        iov_len: buf.len(),
    };
    // SAFETY: a zeroed msghdr is valid; its pointers are set below.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = std::mem::size_of_val(&control) as _;
    // SAFETY: `msg` points at live buffers for the call (the socket's read timeout bounds it).
    let n = unsafe { libc::recvmsg(fd, &mut msg, 0) };
    assert!(n >= 0, "a packet arrives: {}", std::io::Error::last_os_error());
    let mut ttl = None;
    // SAFETY: walking the control messages the kernel wrote into `control`.
    let mut c = unsafe { libc::CMSG_FIRSTHDR(&msg) };
    while !c.is_null() {
        // SAFETY: `c` is a control message header within `control`.
        let h = unsafe { &*c };
        if h.cmsg_level == libc::IPPROTO_IP && h.cmsg_type == libc::IP_TTL {
            // SAFETY: an IP_TTL message carries an int.
            ttl = Some(unsafe { std::ptr::read_unaligned(libc::CMSG_DATA(c).cast::<libc::c_int>()) } as u8);
        }
        // SAFETY: as above.
        c = unsafe { libc::CMSG_NXTHDR(&msg, c) };
    }
    (buf[..n as usize].to_vec(), ttl.expect("the TTL came with it"))
}
