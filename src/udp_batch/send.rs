//! Batched send: datagrams leaving through one socket go out in one
//! `sendmmsg` instead of a `sendto` each — the RTP packets a media worker
//! relays from one receive batch (left where `recvmmsg` put them), and the
//! SIP messages the signalling driver has after one round of input. The
//! caller keeps each datagram's bytes alive until the flush. socket2 has
//! no sendmmsg, hence libc.

use std::net::SocketAddr;
use std::os::fd::RawFd;

/// Headers for up to [`SendBatch::BATCH`] outgoing datagrams, allocated once.
pub struct SendBatch {
    addrs: Box<[socket2::SockAddr]>,
    iovs: Box<[libc::iovec]>,
    hdrs: Box<[libc::mmsghdr]>,
    len: usize,
    /// The first queued datagram not yet sent.
    start: usize,
    fd: RawFd,
}

// SAFETY: the raw pointers held between `push` and `flush` point into the
// worker's receive buffers and this value's own boxed slices; both live on
// the worker's thread, and `flush` runs before either is reused.
unsafe impl Send for SendBatch {}

impl SendBatch {
    /// Datagrams per `sendmmsg` at most.
    pub const BATCH: usize = 16;

    /// An empty batch.
    pub fn new() -> Self {
        let unspecified = socket2::SockAddr::from(SocketAddr::from(([0, 0, 0, 0], 0)));
        SendBatch {
            addrs: vec![unspecified; Self::BATCH].into_boxed_slice(),
            // SAFETY: all-zero iovec and mmsghdr are valid (integers and
            // null pointers).
            iovs: (0..Self::BATCH).map(|_| unsafe { std::mem::zeroed() }).collect(),
            hdrs: (0..Self::BATCH).map(|_| unsafe { std::mem::zeroed() }).collect(),
            len: 0,
            start: 0,
            fd: -1,
        }
    }

    /// Queues `pkt` for `dest` through socket `fd`. `false` when it does
    /// not fit (full, or another socket's batch is pending): flush, then
    /// push again. The caller keeps `pkt` untouched until the flush.
    pub fn push(&mut self, fd: RawFd, pkt: &[u8], dest: SocketAddr) -> bool {
        if self.len == Self::BATCH || (self.len > 0 && fd != self.fd) {
            return false;
        }
        let i = self.len;
        self.fd = fd;
        self.addrs[i] = socket2::SockAddr::from(dest);
        self.iovs[i] = libc::iovec {
            iov_base: pkt.as_ptr() as *mut libc::c_void,
            iov_len: pkt.len(),
        };
        let h = &mut self.hdrs[i].msg_hdr;
        h.msg_name = self.addrs[i].as_ptr() as *mut libc::c_void;
        h.msg_namelen = self.addrs[i].len();
        h.msg_iov = &mut self.iovs[i];
        h.msg_iovlen = 1;
        self.len += 1;
        true
    }

    /// Sends what is queued; returns (sent, failed). A datagram the kernel
    /// refuses is counted as failed and the rest still go; when the socket's
    /// buffer is full (EAGAIN) the rest stay queued ([`pending`](Self::pending)).
    pub fn flush(&mut self) -> (u64, u64) {
        let (mut sent, mut failed) = (0u64, 0u64);
        while self.start < self.len {
            let at = self.start;
            // SAFETY: headers `at..len` point at live buffers (see `push`)
            // and at this value's own address and iovec slots.
            let n = unsafe {
                libc::sendmmsg(
                    self.fd,
                    self.hdrs[at..].as_mut_ptr(),
                    (self.len - at) as libc::c_uint,
                    libc::MSG_DONTWAIT,
                )
            };
            if n > 0 {
                (sent, self.start) = (sent + n as u64, at + n as usize);
                continue;
            }
            match std::io::Error::last_os_error().kind() {
                std::io::ErrorKind::Interrupted => {}
                std::io::ErrorKind::WouldBlock => return (sent, failed),
                _ => (failed, self.start) = (failed + 1, at + 1),
            }
        }
        self.clear();
        (sent, failed)
    }

    /// Datagrams still queued after a flush met a full socket buffer.
    pub fn pending(&self) -> usize {
        self.len - self.start
    }

    /// Forgets what is queued; returns how many were never sent.
    pub fn clear(&mut self) -> usize {
        let left = self.pending();
        (self.len, self.start) = (0, 0);
        left
    }
}

impl Default for SendBatch {
    fn default() -> Self {
        Self::new()
    }
}
