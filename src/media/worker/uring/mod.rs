//! A worker's io_uring (`media.io = "uring"`): one multishot `recvmsg` armed
//! on each of its sockets, all filling one ring of provided buffers, so one
//! `io_uring_enter` brings in the datagrams of every call that sent since
//! the last, with their source, arrival stamp and the socket's drop count;
//! relayed packets go out with one `sendmsg` entry each, from the buffer
//! they arrived in, and re-coded ones from a pool of the worker's own,
//! submitted together. The command queue's wake-up is a
//! multishot poll on the worker's epoll descriptor, where the mio waker
//! still lives. Knows nothing of calls: the worker decides each packet as
//! it does on the epoll path (see `ring_turn`).

mod armed;
mod bufs;
mod out_bufs;
mod ring;
mod sends;
mod tag;
mod wait;

pub use ring::Ring;
pub use tag::Tag;

/// The worker's own send buffers (re-coded packets queued at once, most).
pub const OUT_BUFS: u16 = out_bufs::COUNT;

use super::MediaIo;
use bufs::Bufs;
use out_bufs::OutBufs;
use std::io;
use std::net::SocketAddr;
use std::os::fd::RawFd;

/// Set (to anything) in the environment, io_uring is treated as
/// unavailable: how the fallback to epoll is tested on a machine that has it.
pub const DISABLE_ENV: &str = "RVOIP_MEDIA_NO_URING";

/// Provided buffers per worker (8 MiB): at 2,000 calls (200,000 packets/s)
/// 20 ms of a worker's datagrams. When none is free a socket's receive
/// ends, its datagrams wait in the socket, and it is armed again once the
/// turn has given buffers back.
const BUFFERS: u16 = 4096;

/// A worker's ring and its buffers (the ring first: it is dropped first).
pub struct Uring {
    /// Submissions and completions.
    pub ring: Ring,
    /// Where datagrams arrive.
    pub bufs: Bufs,
    /// Where the packets it writes itself wait for their sends.
    pub out: OutBufs,
}

impl Uring {
    /// A ring whose completions include a wake-up whenever `wake_fd` (the
    /// worker's epoll descriptor) becomes readable; refused where io_uring
    /// is missing, disabled (`kernel.io_uring_disabled`, seccomp: EPERM,
    /// ENOSYS) or older than multishot `recvmsg` with deferred completions
    /// (Linux 6.1).
    pub fn open(wake_fd: RawFd) -> io::Result<Uring> {
        if std::env::var_os(DISABLE_ENV).is_some() {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                format!("{DISABLE_ENV} is set"),
            ));
        }
        if kernel_version() < (6, 1) {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "multishot recvmsg and deferred completions need Linux 6.1 or later",
            ));
        }
        let bufs = Bufs::new(BUFFERS);
        let ring = Ring::new(&bufs, wake_fd)?;
        Ok(Uring {
            ring,
            bufs,
            out: OutBufs::default(),
        })
    }

    /// Queues a copy of `pkt`, which the worker wrote, for `dest` through
    /// `fd` with the rest of the batch; false when no buffer of its own
    /// takes it (the caller sends it itself: what is queued is submitted
    /// first, so that it goes out in order behind the call's earlier ones).
    pub fn send_copy(&mut self, fd: RawFd, pkt: &[u8], dest: SocketAddr) -> bool {
        if let Some((slot, copy)) = self.out.fill(pkt) {
            if self.ring.send(Tag::SendOut { slot }, fd, copy, dest) {
                return true;
            }
            self.out.give_back(slot);
        }
        self.ring.submit();
        false
    }

    /// A ring when `io` asks for one and the kernel grants it (else why
    /// not, when asked for).
    pub fn choose(io: MediaIo, wake_fd: RawFd) -> (Option<Box<Uring>>, Option<io::Error>) {
        match io {
            MediaIo::Uring => match Uring::open(wake_fd) {
                Ok(u) => (Some(Box::new(u)), None),
                Err(e) => (None, Some(e)),
            },
            MediaIo::Epoll => (None, None),
        }
    }

    /// The ring and the buffers, to borrow apart.
    pub fn split(&mut self) -> (&mut Ring, &mut Bufs) {
        (&mut self.ring, &mut self.bufs)
    }
}

/// The header every multishot receive is armed with: only its address and
/// control lengths count.
pub fn recv_msghdr() -> libc::msghdr {
    // SAFETY: all-zero is a valid msghdr.
    let mut h: libc::msghdr = unsafe { std::mem::zeroed() };
    h.msg_namelen = bufs::NAME as libc::socklen_t;
    h.msg_controllen = bufs::CONTROL as _;
    h
}

/// The running kernel's (major, minor) release.
fn kernel_version() -> (u32, u32) {
    // SAFETY: all-zero is a valid utsname; uname fills it.
    let mut u: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: a valid utsname to write.
    if unsafe { libc::uname(&mut u) } != 0 {
        return (0, 0);
    }
    let release: String = u
        .release
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8 as char)
        .collect();
    let mut parts = release
        .split(|c: char| !c.is_ascii_digit())
        .map(|p| p.parse().unwrap_or(0));
    (parts.next().unwrap_or(0), parts.next().unwrap_or(0))
}
