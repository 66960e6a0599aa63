//! The provided buffers: one ring of fixed-size buffers registered with
//! the kernel, which a multishot receive fills one datagram each (header,
//! source address, control messages, then the datagram). A buffer is the
//! worker's from its receive's completion until it gives it back: at once
//! when the packet is dropped or answered by a plain send, or when the
//! send that carries it from the buffer itself completes. Allocated once,
//! page-aligned as the kernel asks.

use io_uring::types::{BufRingEntry, RecvMsgOut};
use std::alloc::{Layout, alloc_zeroed, dealloc};
use std::net::SocketAddr;
use std::ptr::NonNull;
use std::sync::atomic::{AtomicU16, Ordering::Release};

/// Bytes per buffer.
pub const SIZE: usize = 2048;
/// Room for the source address: an IPv6 one (28 bytes) fits, and the
/// control messages after it start 8-byte aligned, as they are read.
pub const NAME: usize = 32;
const _: () = assert!(NAME >= std::mem::size_of::<libc::sockaddr_in6>() && (16 + NAME).is_multiple_of(8));
/// Room for the control messages (arrival stamp 32, drop count 24).
pub const CONTROL: usize = 64;
/// Where the datagram starts in its buffer: after the kernel's
/// `io_uring_recvmsg_out` header, the address and the control messages.
pub const PAYLOAD_AT: usize = 16 + NAME + CONTROL;

/// What the kernel wrote besides the datagram.
#[derive(Debug, Clone, Copy)]
pub struct Meta {
    /// The datagram's length (truncated to its buffer).
    pub len: usize,
    /// Where it came from.
    pub src: Option<SocketAddr>,
    /// When it arrived (CLOCK_REALTIME ns), if the socket stamps arrivals.
    pub arrived: Option<u64>,
    /// The socket's drop count when it was queued, if it counts them.
    pub drops: Option<u32>,
}

/// The buffers and the ring that lends them to the kernel.
pub struct Bufs {
    entries: NonNull<BufRingEntry>,
    mem: NonNull<u8>,
    count: u16,
    /// The next tail to publish.
    tail: u16,
}

// SAFETY: both allocations are owned by this value and used from the
// thread that owns it (and by the kernel, for the ring it registered).
unsafe impl Send for Bufs {}

impl Bufs {
    /// `count` buffers (a power of two), all lent to the kernel once
    /// registered.
    pub fn new(count: u16) -> Self {
        assert!(count.is_power_of_two());
        // SAFETY: non-zero sizes; page-aligned layouts; checked below.
        let (entries, mem) = unsafe {
            (
                alloc_zeroed(Self::ring_layout(count)),
                alloc_zeroed(Self::mem_layout(count)),
            )
        };
        let (Some(entries), Some(mem)) = (NonNull::new(entries.cast()), NonNull::new(mem)) else {
            std::alloc::handle_alloc_error(Self::mem_layout(count));
        };
        let mut b = Bufs {
            entries,
            mem,
            count,
            tail: 0,
        };
        for bid in 0..count {
            b.give_back(bid);
        }
        b.publish();
        b
    }

    fn ring_layout(count: u16) -> Layout {
        let size = usize::from(count) * std::mem::size_of::<BufRingEntry>();
        Layout::from_size_align(size, 4096).expect("ring layout")
    }

    fn mem_layout(count: u16) -> Layout {
        Layout::from_size_align(usize::from(count) * SIZE, 4096).expect("buffer layout")
    }

    /// The ring's address and size, to register.
    pub fn ring(&self) -> (u64, u16) {
        (self.entries.as_ptr() as u64, self.count)
    }

    /// Lends buffer `bid` to the kernel again (seen once published).
    pub fn give_back(&mut self, bid: u16) {
        let at = usize::from(self.tail & (self.count - 1));
        // SAFETY: `at` is within the ring; the kernel reads only entries
        // between its head and the published tail, and this one is past it.
        let e = unsafe { &mut *self.entries.as_ptr().add(at) };
        e.set_addr(self.mem.as_ptr() as u64 + (usize::from(bid) * SIZE) as u64);
        e.set_len(SIZE as u32);
        e.set_bid(bid);
        self.tail = self.tail.wrapping_add(1);
    }

    /// Shows the kernel the buffers given back since the last publish.
    pub fn publish(&self) {
        // SAFETY: the tail field lives in the ring's first entry, which
        // this value owns; the kernel reads it with acquire ordering.
        unsafe { AtomicU16::from_ptr(BufRingEntry::tail(self.entries.as_ptr()).cast_mut()) }.store(self.tail, Release);
    }

    /// Buffer `bid` whole.
    fn buf(&mut self, bid: u16) -> &mut [u8] {
        assert!(bid < self.count);
        // SAFETY: within the allocation; the kernel wrote it before the
        // completion that handed it over, and writes it no more until it
        // is given back.
        unsafe { std::slice::from_raw_parts_mut(self.mem.as_ptr().add(usize::from(bid) * SIZE), SIZE) }
    }

    /// What the kernel wrote in buffer `bid` besides the datagram.
    pub fn meta(&mut self, bid: u16) -> Meta {
        let hdr = super::recv_msghdr();
        let Ok(out) = RecvMsgOut::parse(self.buf(bid), &hdr) else {
            return Meta {
                len: 0,
                src: None,
                arrived: None,
                drops: None,
            };
        };
        let ts: Option<libc::timespec> = control(out.control_data(), libc::SCM_TIMESTAMPNS);
        Meta {
            len: out.payload_data().len(),
            src: source(out.name_data()),
            arrived: ts.map(|t| t.tv_sec as u64 * 1_000_000_000 + t.tv_nsec as u64),
            drops: control(out.control_data(), libc::SO_RXQ_OVFL),
        }
    }

    /// Buffer `bid` from its datagram on: room to grow it in place (an
    /// SRTP tag).
    pub fn slot(&mut self, bid: u16) -> &mut [u8] {
        &mut self.buf(bid)[PAYLOAD_AT..]
    }
}

impl Drop for Bufs {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with these layouts; the ring that
        // used them is gone (the ring is dropped first: see `Uring`).
        unsafe {
            dealloc(self.entries.as_ptr().cast(), Self::ring_layout(self.count));
            dealloc(self.mem.as_ptr(), Self::mem_layout(self.count));
        }
    }
}

/// The source address the kernel wrote.
fn source(name: &[u8]) -> Option<SocketAddr> {
    // SAFETY: all-zero is a valid sockaddr_storage.
    let mut storage: libc::sockaddr_storage = unsafe { std::mem::zeroed() };
    let n = name.len().min(std::mem::size_of::<libc::sockaddr_storage>());
    // SAFETY: `n` bytes fit both.
    unsafe { std::ptr::copy_nonoverlapping(name.as_ptr(), (&raw mut storage).cast::<u8>(), n) };
    // SAFETY: the kernel wrote a socket address of `n` bytes.
    unsafe { socket2::SockAddr::new(storage, n as libc::socklen_t) }.as_socket()
}

/// The SOL_SOCKET control message of type `kind` among `data`.
fn control<T: Copy>(data: &[u8], kind: libc::c_int) -> Option<T> {
    // SAFETY: all-zero is a valid msghdr.
    let mut hdr: libc::msghdr = unsafe { std::mem::zeroed() };
    hdr.msg_control = data.as_ptr() as *mut libc::c_void;
    hdr.msg_controllen = data.len() as _;
    // SAFETY: the CMSG macros stay within `data`, the kernel's control
    // messages; each of this level and type carries a `T`.
    unsafe {
        let mut c = libc::CMSG_FIRSTHDR(&hdr);
        while !c.is_null() {
            if (*c).cmsg_level == libc::SOL_SOCKET && (*c).cmsg_type == kind {
                return Some(std::ptr::read_unaligned(libc::CMSG_DATA(c).cast()));
            }
            c = libc::CMSG_NXTHDR(&hdr, c);
        }
    }
    None
}
