//! The sends in flight: one slot per provided buffer (a buffer is sent at
//! most once at a time), holding the message header, vector and address
//! the kernel reads until the send completes. Allocated once.

use std::net::SocketAddr;

/// A send's header, vector and address.
struct Slot {
    addr: socket2::SockAddr,
    iov: libc::iovec,
    hdr: libc::msghdr,
}

/// One slot per buffer.
pub struct Sends {
    slots: Box<[Slot]>,
}

impl Sends {
    /// Slots for `count` buffers.
    pub fn new(count: u16) -> Self {
        let unspecified = socket2::SockAddr::from(SocketAddr::from(([0, 0, 0, 0], 0)));
        let slots = (0..count)
            .map(|_| Slot {
                addr: unspecified.clone(),
                iov: libc::iovec {
                    iov_base: std::ptr::null_mut(),
                    iov_len: 0,
                },
                // SAFETY: all-zero is a valid msghdr.
                hdr: unsafe { std::mem::zeroed() },
            })
            .collect();
        Sends { slots }
    }

    /// The header sending `pkt` (in buffer `bid`) to `dest`; it stays
    /// valid, and untouched, until buffer `bid` is sent again.
    pub fn header(&mut self, bid: u16, pkt: &[u8], dest: SocketAddr) -> *const libc::msghdr {
        let s = &mut self.slots[usize::from(bid)];
        s.addr = socket2::SockAddr::from(dest);
        s.iov = libc::iovec {
            iov_base: pkt.as_ptr() as *mut libc::c_void,
            iov_len: pkt.len(),
        };
        s.hdr.msg_name = s.addr.as_ptr() as *mut libc::c_void;
        s.hdr.msg_namelen = s.addr.len();
        s.hdr.msg_iov = &mut s.iov;
        s.hdr.msg_iovlen = 1;
        &s.hdr
    }
}
