//! Batched receive: one `recvmmsg` reads every datagram a socket has ready,
//! up to [`RecvBatch::BATCH`] (media workers: RTP in 2 KiB slots; the
//! signalling driver: SIP in slots of the largest message). When it returns
//! fewer, the queue was empty, so the extra `recvfrom` that would only
//! return EAGAIN is skipped (a UDP socket raises a new edge for every
//! datagram that arrives later). With [`stamp_arrivals`](super::stamp_arrivals) on the socket, each
//! datagram carries the kernel's arrival time.

use std::io;
use std::net::SocketAddr;
use std::os::fd::RawFd;

/// Largest RTP datagram kept (RTP over Ethernet fits; larger is truncated).
const MTU: usize = 2048;
/// Room for the kernel's control messages (arrival stamp 32, drop count 24).
const CONTROL: usize = 64;

/// Receive buffers and the kernel's message headers for one `recvmmsg` of
/// up to [`RecvBatch::BATCH`] datagrams, allocated once and reused.
pub struct RecvBatch {
    /// [`RecvBatch::BATCH`] slots of `slot` bytes.
    bufs: Box<[u8]>,
    slot: usize,
    addrs: Box<[libc::sockaddr_storage]>,
    iovs: Box<[libc::iovec]>,
    hdrs: Box<[libc::mmsghdr]>,
    control: Box<[[u64; CONTROL / 8]]>,
}

// SAFETY: the raw pointers inside `iovs` and `hdrs` point into this value's
// own boxed slices, whose heap storage does not move with the value.
unsafe impl Send for RecvBatch {}

impl RecvBatch {
    /// Datagrams read per system call at most: a `recv` that returns fewer
    /// has drained the socket.
    pub const BATCH: usize = 16;

    /// Buffers for [`BATCH`](Self::BATCH) datagrams of up to 2,048 bytes
    /// (RTP over Ethernet fits; a larger datagram is truncated).
    pub fn new() -> Self {
        Self::with_size(MTU)
    }

    /// Buffers for [`BATCH`](Self::BATCH) datagrams of up to `slot` bytes.
    pub fn with_size(slot: usize) -> Self {
        fn zeroed<T>(n: usize) -> Box<[T]> {
            // SAFETY: all-zero is a valid sockaddr_storage, iovec and mmsghdr
            // (the only types this is used for): plain C structs of integers
            // and nullable pointers.
            (0..n).map(|_| unsafe { std::mem::zeroed() }).collect()
        }
        let mut b = RecvBatch {
            bufs: vec![0u8; slot * Self::BATCH].into_boxed_slice(),
            slot,
            addrs: zeroed(Self::BATCH),
            iovs: zeroed(Self::BATCH),
            hdrs: zeroed(Self::BATCH),
            control: vec![[0u64; CONTROL / 8]; Self::BATCH].into_boxed_slice(),
        };
        for i in 0..Self::BATCH {
            b.iovs[i] = libc::iovec {
                iov_base: b.bufs[i * slot..].as_mut_ptr().cast(),
                iov_len: slot,
            };
            b.hdrs[i].msg_hdr.msg_name = (&mut b.addrs[i] as *mut libc::sockaddr_storage).cast();
            b.hdrs[i].msg_hdr.msg_iov = &mut b.iovs[i];
            b.hdrs[i].msg_hdr.msg_iovlen = 1;
            b.hdrs[i].msg_hdr.msg_control = b.control[i].as_mut_ptr().cast();
        }
        b
    }

    /// Reads up to [`BATCH`](Self::BATCH) datagrams from `fd` without
    /// blocking; returns how many.
    pub fn recv(&mut self, fd: RawFd) -> io::Result<usize> {
        for h in self.hdrs.iter_mut() {
            h.msg_hdr.msg_namelen = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
            h.msg_hdr.msg_controllen = CONTROL as _;
        }
        // SAFETY: every header points at buffers owned by `self` that live
        // for the call; the kernel writes at most the lengths given.
        let n = unsafe {
            libc::recvmmsg(
                fd,
                self.hdrs.as_mut_ptr(),
                Self::BATCH as libc::c_uint,
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
        let (slot, len, src) = self.slot(i);
        (&mut slot[..len], src)
    }

    /// Datagram `i` of the last `recv`, read only.
    pub fn bytes(&self, i: usize) -> &[u8] {
        let (at, len) = (i * self.slot, (self.hdrs[i].msg_len as usize).min(self.slot));
        &self.bufs[at..at + len]
    }

    /// Datagram `i` of the last `recv` in its whole slot: the slot, the
    /// datagram's length at its start, and its source. The rest of the
    /// slot is room to grow the datagram in place (an SRTP tag).
    pub fn slot(&mut self, i: usize) -> (&mut [u8], usize, Option<SocketAddr>) {
        let len = (self.hdrs[i].msg_len as usize).min(self.slot);
        let namelen = self.hdrs[i].msg_hdr.msg_namelen;
        // SAFETY: the kernel filled `addrs[i]` with `namelen` bytes.
        let src = unsafe { socket2::SockAddr::new(self.addrs[i], namelen) }.as_socket();
        let at = i * self.slot;
        (&mut self.bufs[at..at + self.slot], len, src)
    }

    /// When datagram `i` of the last `recv` arrived (CLOCK_REALTIME, ns),
    /// if the socket stamps arrivals.
    pub fn arrival_ns(&self, i: usize) -> Option<u64> {
        let ts: libc::timespec = self.control(i, libc::SCM_TIMESTAMPNS)?;
        Some(ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64)
    }

    /// How many datagrams the socket had dropped (its receive buffer full)
    /// when datagram `i` of the last `recv` was queued, if the socket
    /// counts them (SO_RXQ_OVFL); the kernel says nothing until the
    /// first drop, so `None` also means none yet.
    pub fn drops(&self, i: usize) -> Option<u32> {
        self.control(i, libc::SO_RXQ_OVFL)
    }

    /// The SOL_SOCKET control message of type `kind` on datagram `i`.
    fn control<T: Copy>(&self, i: usize, kind: libc::c_int) -> Option<T> {
        let hdr = &self.hdrs[i].msg_hdr;
        // SAFETY: the kernel wrote `msg_controllen` bytes of control
        // messages into this header's buffer; the CMSG macros stay within
        // it, and each message of this level and type carries a `T`.
        unsafe {
            let mut c = libc::CMSG_FIRSTHDR(hdr);
            while !c.is_null() {
                if (*c).cmsg_level == libc::SOL_SOCKET && (*c).cmsg_type == kind {
                    return Some(std::ptr::read_unaligned(libc::CMSG_DATA(c).cast()));
                }
                c = libc::CMSG_NXTHDR(hdr, c);
            }
        }
        None
    }
}

/// The wall clock in ns, comparable with [`RecvBatch::arrival_ns`].
pub fn realtime_ns() -> u64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: a valid clock id and a timespec to write.
    unsafe { libc::clock_gettime(libc::CLOCK_REALTIME, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

impl Default for RecvBatch {
    fn default() -> Self {
        Self::new()
    }
}
