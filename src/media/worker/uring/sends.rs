//! The sends in flight: one slot per provided buffer and per buffer of
//! the worker's own (a buffer is sent at most once at a time), holding
//! the message header, vector and address the kernel reads until the
//! send completes. Allocated once.

use super::Tag;
use std::net::SocketAddr;

/// A send's header, vector and address.
struct Slot {
    addr: socket2::SockAddr,
    iov: libc::iovec,
    hdr: libc::msghdr,
}

/// One slot per buffer: the provided ones, then the worker's own.
pub struct Sends {
    slots: Box<[Slot]>,
    provided: u16,
}

impl Sends {
    /// Slots for `count` provided buffers and `own` of the worker's.
    pub fn new(count: u16, own: u16) -> Self {
        let unspecified = socket2::SockAddr::from(SocketAddr::from(([0, 0, 0, 0], 0)));
        let slots = (0..count + own)
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
        Sends { slots, provided: count }
    }

    /// The header of the send `tag` names, of `pkt` (in that buffer) to
    /// `dest`; it stays valid, and untouched, until that buffer is sent
    /// again. `None` for a tag that is no send.
    pub fn header(&mut self, tag: Tag, pkt: &[u8], dest: SocketAddr) -> Option<*const libc::msghdr> {
        let i = match tag {
            Tag::Send { bid } if bid < self.provided => usize::from(bid),
            Tag::SendOut { slot } => usize::from(self.provided) + usize::from(slot),
            _ => return None,
        };
        let s = self.slots.get_mut(i)?;
        s.addr = socket2::SockAddr::from(dest);
        s.iov = libc::iovec {
            iov_base: pkt.as_ptr() as *mut libc::c_void,
            iov_len: pkt.len(),
        };
        s.hdr.msg_name = s.addr.as_ptr() as *mut libc::c_void;
        s.hdr.msg_namelen = s.addr.len();
        s.hdr.msg_iov = &mut s.iov;
        s.hdr.msg_iovlen = 1;
        Some(&s.hdr)
    }
}
