//! Socket options socket2 has no setter for, set through libc: the
//! kernel's arrival stamps and drop counts, and buffers past the system's
//! ceiling where the process may lift it.

use libc::c_int;
use std::io;
use std::os::fd::AsRawFd;

/// Sets the integer socket option `option` (level SOL_SOCKET) to `value`.
fn set_int(s: &socket2::Socket, option: c_int, value: c_int) -> io::Result<()> {
    // SAFETY: a valid socket and a c_int option value of the stated size.
    let rc = unsafe {
        libc::setsockopt(
            s.as_raw_fd(),
            libc::SOL_SOCKET,
            option,
            (&value as *const c_int).cast(),
            std::mem::size_of::<c_int>() as libc::socklen_t,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Asks the kernel to stamp each datagram with its arrival time
/// (SO_TIMESTAMPNS), read back by [`RecvBatch::arrival_ns`]: media workers
/// measure the latency they add from it, the signalling driver how long SIP
/// waited in the socket. Harmless to lose.
///
/// [`RecvBatch::arrival_ns`]: super::RecvBatch::arrival_ns
pub fn stamp_arrivals(s: &socket2::Socket) {
    let _ = set_int(s, libc::SO_TIMESTAMPNS, 1);
}

/// Asks the kernel to tell, with each datagram, how many the socket has
/// dropped so far (SO_RXQ_OVFL), read back by [`RecvBatch::drops`].
/// Harmless to lose.
///
/// [`RecvBatch::drops`]: super::RecvBatch::drops
pub fn count_drops(s: &socket2::Socket) {
    let _ = set_int(s, libc::SO_RXQ_OVFL, 1);
}

/// Asks for `bytes` of receive and of send buffer: past the system's
/// ceiling (`net.core.rmem_max`, `wmem_max`) where the process may lift it
/// (CAP_NET_ADMIN: SO_RCVBUFFORCE, SO_SNDBUFFORCE), else up to that
/// ceiling. Returns the receive buffer the kernel gave, as it reports it
/// (twice what it will hold in datagrams, its bookkeeping counted).
pub fn size_buffers(s: &socket2::Socket, bytes: usize) -> usize {
    let value = c_int::try_from(bytes).unwrap_or(c_int::MAX);
    for (force, capped) in [
        (libc::SO_RCVBUFFORCE, libc::SO_RCVBUF),
        (libc::SO_SNDBUFFORCE, libc::SO_SNDBUF),
    ] {
        if set_int(s, force, value).is_err() {
            let _ = set_int(s, capped, value);
        }
    }
    s.recv_buffer_size().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_are_as_asked_where_the_ceiling_allows_or_may_be_lifted() {
        let s = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::DGRAM, None).unwrap();
        let ceiling: usize = std::fs::read_to_string("/proc/sys/net/core/rmem_max")
            .ok()
            .and_then(|t| t.trim().parse().ok())
            .unwrap_or(0);
        // SAFETY: geteuid has no preconditions.
        let root = unsafe { libc::geteuid() } == 0;
        let asked = 1 << 20;
        let got = size_buffers(&s, asked);
        if root || ceiling >= asked {
            assert!(got >= asked, "asked {asked}, got {got} (rmem_max {ceiling})");
        } else {
            assert!(got >= ceiling, "capped at rmem_max {ceiling}, got {got}");
        }
        // The kernel doubles what it is given for its bookkeeping.
        assert!(got <= 2 * asked, "{got}");
    }
}
