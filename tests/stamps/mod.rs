//! Kernel arrival stamps for tests that depend on them. Linux stamps a
//! datagram at its arrival only while some socket on the machine asks for
//! stamps (SO_TIMESTAMPNS), and it turns that on from a work queue some
//! time after the first socket asks; until then `recvmsg` stamps the
//! datagram when it is read, so a packet that waited looks fresh. A test
//! process that holds the only such sockets (a media worker's) may meet
//! that window on a loaded machine. [`arrivals_stamped`] keeps a stamping
//! socket open for the rest of the process and waits until a datagram's
//! stamp shows it was taken on arrival.

#![allow(dead_code)]

use std::net::UdpSocket;
use std::os::fd::AsRawFd;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// How long the probe datagram waits before it is read.
const WAIT: Duration = Duration::from_millis(20);

/// Returns once the kernel stamps datagrams on arrival (10 s at most).
pub fn arrivals_stamped() {
    static KEEPER: OnceLock<UdpSocket> = OnceLock::new();
    let s = KEEPER.get_or_init(|| {
        let s = UdpSocket::bind("127.0.0.1:0").unwrap();
        let on: libc::c_int = 1;
        // SAFETY: a valid socket and a c_int option value of the stated size.
        let rc = unsafe {
            libc::setsockopt(
                s.as_raw_fd(),
                libc::SOL_SOCKET,
                libc::SO_TIMESTAMPNS,
                (&on as *const libc::c_int).cast(),
                size_of::<libc::c_int>() as libc::socklen_t,
            )
        };
        assert_eq!(rc, 0, "SO_TIMESTAMPNS");
        s
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        s.send_to(b"probe", s.local_addr().unwrap()).unwrap();
        std::thread::sleep(WAIT);
        let stamped = stamp_ns(s);
        // Stamped on arrival, the datagram is at least WAIT old; stamped
        // when read, microseconds.
        if now_ns().saturating_sub(stamped) >= WAIT.as_nanos() as u64 / 2 {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the kernel never stamped a datagram on arrival"
        );
    }
}

/// Reads one datagram from `s`; its SCM_TIMESTAMPNS stamp (ns).
fn stamp_ns(s: &UdpSocket) -> u64 {
    let mut data = [0u8; 64];
    let mut control = [0u64; 16];
    let mut iov = libc::iovec {
        iov_base: data.as_mut_ptr().cast(),
        iov_len: data.len(),
    };
    // SAFETY: msghdr is plain data; the fields set below point at live
    // buffers of the stated sizes.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = size_of_val(&control) as _;
    // SAFETY: a valid socket and a msghdr whose buffers outlive the call.
    let n = unsafe { libc::recvmsg(s.as_raw_fd(), &mut msg, 0) };
    assert!(n > 0, "the probe datagram read back");
    // SAFETY: the kernel wrote `msg_controllen` bytes of control messages;
    // the CMSG macros stay within them.
    unsafe {
        let mut c = libc::CMSG_FIRSTHDR(&msg);
        while !c.is_null() {
            if (*c).cmsg_level == libc::SOL_SOCKET && (*c).cmsg_type == libc::SCM_TIMESTAMPNS {
                let ts: libc::timespec = std::ptr::read_unaligned(libc::CMSG_DATA(c).cast());
                return ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64;
            }
            c = libc::CMSG_NXTHDR(&msg, c);
        }
    }
    panic!("the probe datagram carries no stamp")
}

/// CLOCK_REALTIME in ns, the clock of the stamps.
fn now_ns() -> u64 {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    d.as_nanos() as u64
}
