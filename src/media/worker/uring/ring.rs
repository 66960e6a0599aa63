//! The submission and completion queues: receives armed per port (each
//! socket a generation, so completions of a closed one are known),
//! relayed packets queued as `sendmsg` entries from their buffers, all
//! submitted with the wait of the worker's next turn or at the end of a
//! batch of completions; completions copied out in chunks.

use super::Tag;
use super::armed::Armed;
use super::bufs::Bufs;
use super::sends::Sends;
use io_uring::types::Fd;
use io_uring::{IoUring, opcode, squeue};
use std::io;
use std::net::SocketAddr;
use std::os::fd::RawFd;

/// The buffer group of the provided buffers.
const GROUP: u16 = 0;
/// Submission entries: a turn's sends and re-armed receives.
const SQ: u32 = 4096;
/// Completion entries: a turn's datagrams and sends.
const CQ: u32 = 16384;
/// Completions handled per chunk (then the chunk's sends are submitted).
pub const CHUNK: usize = 256;

/// A worker's io_uring.
pub struct Ring {
    pub(super) uring: IoUring,
    recv_hdr: Box<libc::msghdr>,
    armed: Armed,
    sends: Sends,
    cqes: Box<[(u64, i32, u32)]>,
    /// Arrival stamps of the chunk's packets, for the latency histogram
    /// once their sends are submitted.
    pub arrivals: Vec<u64>,
    wake_fd: RawFd,
    /// Entries queued since the last submit.
    pub(super) queued: usize,
}

// SAFETY: the raw pointers in `recv_hdr` and `sends` point into this
// value's own allocations and the worker's buffers, used from the thread
// that owns the worker.
unsafe impl Send for Ring {}

impl Ring {
    /// A ring lending `bufs` to the kernel, woken by `wake_fd`.
    pub fn new(bufs: &Bufs, wake_fd: RawFd) -> io::Result<Ring> {
        // Completions are posted only when the worker asks for them
        // (DEFER_TASKRUN): datagrams wait in their sockets, not behind the
        // worker's other system calls, and come in batches. That needs one
        // submitting thread: the worker's, which makes the ring.
        let uring = IoUring::builder()
            .setup_cqsize(CQ)
            .setup_single_issuer()
            .setup_defer_taskrun()
            .build(SQ)?;
        let (addr, count) = bufs.ring();
        // SAFETY: the ring memory is page-aligned, `count` entries long, and
        // outlives the registration (`Uring` drops the ring first).
        unsafe { uring.submitter().register_buf_ring_with_flags(addr, count, GROUP, 0)? };
        let mut ring = Ring {
            uring,
            recv_hdr: Box::new(super::recv_msghdr()),
            armed: Armed::new(),
            sends: Sends::new(count, super::out_bufs::COUNT),
            cqes: vec![(0, 0, 0); CHUNK].into_boxed_slice(),
            arrivals: Vec::with_capacity(CHUNK),
            wake_fd,
            queued: 0,
        };
        ring.arm_wake();
        Ok(ring)
    }

    /// Queues `e`, submitting first when the queue is full.
    fn push(&mut self, e: squeue::Entry) {
        // SAFETY: every entry points at memory this ring or the worker's
        // buffers keep alive until its completion (see each caller).
        while unsafe { self.uring.submission().push(&e) }.is_err() {
            self.queued = 1;
            self.submit();
        }
        self.queued += 1;
    }

    /// Arms the wake-up: a multishot poll on the epoll descriptor.
    pub fn arm_wake(&mut self) {
        let e = opcode::PollAdd::new(Fd(self.wake_fd), libc::POLLIN as u32).multi(true);
        self.push(e.build().user_data(Tag::Wake.encode()));
    }

    /// Starts receiving on socket `fd`, bound to `port`, as a new socket
    /// there.
    pub fn arm(&mut self, port: u16, fd: RawFd) {
        self.armed.open(port, fd);
        self.arm_recv(port);
    }

    fn arm_recv(&mut self, port: u16) {
        let Some((fd, generation)) = self.armed.get(port) else {
            return;
        };
        // The header is `recv_hdr`, alive as long as the ring.
        let e = opcode::RecvMsgMulti::new(Fd(fd), &*self.recv_hdr, GROUP);
        self.push(e.build().user_data(Tag::Recv { port, generation }.encode()));
    }

    /// Stops receiving on `port`'s socket before it is closed: the
    /// cancellation is submitted at once. The cancelled receive (and its
    /// hold on the socket, which keeps the port bound) lasts until the
    /// next wait runs the deferred work; the signalling side's 500 ms
    /// quarantine of a freed port covers that.
    pub fn disarm(&mut self, port: u16) {
        let generation = self.armed.close(port);
        let armed = Tag::Recv { port, generation }.encode();
        self.push(opcode::AsyncCancel::new(armed).build().user_data(Tag::Cancel.encode()));
        self.submit();
    }

    /// Whether a receive's completion tagged `generation` is from the
    /// socket now on `port`.
    pub fn is_current(&self, port: u16, generation: u32) -> bool {
        self.armed.is_current(port, generation)
    }

    /// Arms `port`'s receive again after this chunk (it ended).
    pub fn want_rearm(&mut self, port: u16) {
        self.armed.ended(port);
    }

    /// Re-arms the receives that ended, on sockets still open.
    pub fn rearm_ended(&mut self) {
        while let Some(port) = self.armed.next_ended() {
            self.arm_recv(port);
        }
    }

    /// Queues `pkt`, in the buffer `tag` names (a provided one, or one
    /// of the worker's own), for `dest` through `fd`; the buffer stays the
    /// kernel's until the send's completion; false (nothing queued) for
    /// a tag naming no buffer.
    pub fn send(&mut self, tag: Tag, fd: RawFd, pkt: &[u8], dest: SocketAddr) -> bool {
        // The header, its vector and address live in `sends`, and the
        // packet in its buffer, until this send completes (the buffer is
        // given back then).
        let Some(hdr) = self.sends.header(tag, pkt, dest) else {
            return false;
        };
        self.push(opcode::SendMsg::new(Fd(fd), hdr).build().user_data(tag.encode()));
        true
    }

    /// Copies up to [`CHUNK`] completions out; returns how many.
    pub fn fill(&mut self) -> usize {
        let mut n = 0;
        for c in self.uring.completion().take(CHUNK) {
            self.cqes[n] = (c.user_data(), c.result(), c.flags());
            n += 1;
        }
        n
    }

    /// Completion `i` of the last [`fill`](Self::fill): (user data,
    /// result, flags).
    pub fn completion(&self, i: usize) -> (u64, i32, u32) {
        self.cqes[i]
    }
}

impl Drop for Ring {
    fn drop(&mut self) {
        // Nothing may select or send from the buffers once they are freed.
        let any = io_uring::types::CancelBuilder::any();
        let _ = self.uring.submitter().register_sync_cancel(None, any);
        let _ = self.uring.submitter().unregister_buf_ring(GROUP);
    }
}
