//! Batched send: the RTP packets relayed from one receive batch all leave
//! through one socket (the other leg's, or the same one for an echo), so
//! they go out in one `sendmmsg` instead of a `sendto` each. The packets
//! stay where `recvmmsg` put them; the batch is sent before the next
//! receive reuses those buffers. socket2 has no sendmmsg, hence libc.

use super::batch::BATCH;
use std::net::SocketAddr;
use std::os::fd::RawFd;

/// Headers for up to [`BATCH`] outgoing datagrams, allocated once.
pub struct SendBatch {
    addrs: Box<[socket2::SockAddr]>,
    iovs: Box<[libc::iovec]>,
    hdrs: Box<[libc::mmsghdr]>,
    len: usize,
    fd: RawFd,
}

// SAFETY: the raw pointers held between `push` and `flush` point into the
// worker's receive buffers and this value's own boxed slices; both live on
// the worker's thread, and `flush` runs before either is reused.
unsafe impl Send for SendBatch {}

impl SendBatch {
    pub fn new() -> Self {
        let unspecified = socket2::SockAddr::from(SocketAddr::from(([0, 0, 0, 0], 0)));
        SendBatch {
            addrs: vec![unspecified; BATCH].into_boxed_slice(),
            // SAFETY: all-zero iovec and mmsghdr are valid (integers and
            // null pointers).
            iovs: (0..BATCH).map(|_| unsafe { std::mem::zeroed() }).collect(),
            hdrs: (0..BATCH).map(|_| unsafe { std::mem::zeroed() }).collect(),
            len: 0,
            fd: -1,
        }
    }

    /// Queues `pkt` for `dest` through socket `fd`. `false` when it does
    /// not fit (full, or another socket's batch is pending): flush, then
    /// push again. The caller keeps `pkt` untouched until the flush.
    pub fn push(&mut self, fd: RawFd, pkt: &[u8], dest: SocketAddr) -> bool {
        if self.len == BATCH || (self.len > 0 && fd != self.fd) {
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
    /// refuses is counted as failed and the rest still go.
    pub fn flush(&mut self) -> (u64, u64) {
        let (mut sent, mut failed, mut at) = (0u64, 0u64, 0usize);
        while at < self.len {
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
                (sent, at) = (sent + n as u64, at + n as usize);
            } else if n < 0 && std::io::Error::last_os_error().kind() == std::io::ErrorKind::Interrupted {
                continue;
            } else {
                (failed, at) = (failed + 1, at + 1);
            }
        }
        self.len = 0;
        (sent, failed)
    }
}

impl SendBatch {
    /// [`flush`](Self::flush), adding the outcome to a worker's counters.
    pub fn flush_into(&mut self, c: &super::WorkerCounters) {
        use std::sync::atomic::Ordering::Relaxed;
        let (sent, failed) = self.flush();
        c.packets_out.fetch_add(sent, Relaxed);
        c.dropped.fetch_add(failed, Relaxed);
    }
}

impl Default for SendBatch {
    fn default() -> Self {
        Self::new()
    }
}
