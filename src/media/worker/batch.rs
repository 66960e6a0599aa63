//! Batched receive: one `recvmmsg` reads every datagram a socket has ready,
//! up to [`BATCH`]. When it returns fewer, the queue was empty, so the extra
//! `recvfrom` that would only return EAGAIN is skipped (a UDP socket raises a
//! new edge for every datagram that arrives later). socket2 has no
//! recvmmsg, hence libc.

use std::io;
use std::net::SocketAddr;
use std::os::fd::RawFd;

/// Datagrams read per system call at most.
pub const BATCH: usize = 16;
/// Largest datagram kept (RTP over Ethernet fits; larger is truncated).
pub const MTU: usize = 2048;

/// Receive buffers and the kernel's message headers, allocated once.
pub struct RecvBatch {
    bufs: Box<[[u8; MTU]]>,
    addrs: Box<[libc::sockaddr_storage]>,
    iovs: Box<[libc::iovec]>,
    hdrs: Box<[libc::mmsghdr]>,
}

// SAFETY: the raw pointers inside `iovs` and `hdrs` point into this value's
// own boxed slices, whose heap storage does not move with the value.
unsafe impl Send for RecvBatch {}

impl RecvBatch {
    /// Buffers for [`BATCH`] datagrams.
    pub fn new() -> Self {
        fn zeroed<T>(n: usize) -> Box<[T]> {
            // SAFETY: all-zero is a valid sockaddr_storage, iovec and mmsghdr
            // (the only types this is used for): plain C structs of integers
            // and nullable pointers.
            (0..n).map(|_| unsafe { std::mem::zeroed() }).collect()
        }
        let mut b = RecvBatch {
            bufs: vec![[0u8; MTU]; BATCH].into_boxed_slice(),
            addrs: zeroed(BATCH),
            iovs: zeroed(BATCH),
            hdrs: zeroed(BATCH),
        };
        for i in 0..BATCH {
            b.iovs[i] = libc::iovec {
                iov_base: b.bufs[i].as_mut_ptr().cast(),
                iov_len: MTU,
            };
            b.hdrs[i].msg_hdr.msg_name = (&mut b.addrs[i] as *mut libc::sockaddr_storage).cast();
            b.hdrs[i].msg_hdr.msg_iov = &mut b.iovs[i];
            b.hdrs[i].msg_hdr.msg_iovlen = 1;
        }
        b
    }

    /// Reads up to [`BATCH`] datagrams from `fd` without blocking.
    pub fn recv(&mut self, fd: RawFd) -> io::Result<usize> {
        for h in self.hdrs.iter_mut() {
            h.msg_hdr.msg_namelen = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        }
        // SAFETY: every header points at buffers owned by `self` that live
        // for the call; the kernel writes at most the lengths given.
        let n = unsafe {
            libc::recvmmsg(
                fd,
                self.hdrs.as_mut_ptr(),
                BATCH as libc::c_uint,
                libc::MSG_DONTWAIT,
                std::ptr::null_mut(),
            )
        };
        if n < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(n as usize)
        }
    }

    /// Datagram `i` of the last `recv`: its bytes and its source.
    pub fn packet(&mut self, i: usize) -> (&mut [u8], Option<SocketAddr>) {
        let len = (self.hdrs[i].msg_len as usize).min(MTU);
        let namelen = self.hdrs[i].msg_hdr.msg_namelen;
        // SAFETY: the kernel filled `addrs[i]` with `namelen` bytes.
        let src = unsafe { socket2::SockAddr::new(self.addrs[i], namelen) }.as_socket();
        (&mut self.bufs[i][..len], src)
    }
}

impl Default for RecvBatch {
    fn default() -> Self {
        Self::new()
    }
}
