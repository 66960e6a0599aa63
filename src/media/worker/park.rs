//! Socket reuse. Opening a media socket costs a dozen system calls (socket,
//! five options, bind, epoll registration; then deregistration and close),
//! about 30 µs here, four times per bridged call. A worker therefore keeps
//! the sockets of ended calls open, bound and registered ("parked", up to
//! `park_max`), and a later call on the same port takes them back without a
//! system call (the address each is bound to is kept beside it, not asked
//! of the kernel). What reaches a parked socket is read and dropped as its
//! readiness (or receive) is handled; what was still waiting when a call
//! took the socket back is dropped by its arrival stamp ([`Taken`]),
//! which spares a read per socket per call (a fifth of a worker's time
//! at 4,000 calls per second without RTP).
//!
//! Signalling hands each worker ports from its own shard, so a port comes
//! back to the worker that parked it. Tokens are port numbers (RTP even,
//! RTCP odd), so a reused socket needs no re-registration (with io_uring
//! its receive stays armed, and what a parked socket receives is dropped).
//!
//! [`Taken`]: super::call::Taken

use super::{Worker, socket};
use mio::net::UdpSocket;
use std::net::IpAddr;
use std::os::fd::AsRawFd;
use std::sync::atomic::Ordering::Relaxed;

impl Worker {
    /// The socket for `ip:port`: a parked one (what still waits on it is
    /// dropped by the caller's [`Taken`](super::call::Taken)) or a new
    /// one, registered under the port's token.
    pub(super) fn acquire(&mut self, ip: IpAddr, port: u16) -> std::io::Result<UdpSocket> {
        if let Some((mut s, bound)) = self.parked.remove(&port) {
            self.commands.inbox.parked.set(port, false);
            // Parked on another address (the other IP family): closed.
            if bound == ip {
                return Ok(s);
            }
            self.unwatch(port, &mut s);
        }
        let buf = socket::recv_buffer(self.cfg.max_delay);
        let mut s = match socket::open(ip, port, self.cpu, buf) {
            // Out of descriptors: parked sockets are a cache; give some back.
            Err(e) if matches!(e.raw_os_error(), Some(libc::EMFILE | libc::ENFILE)) && !self.parked.is_empty() => {
                self.evict(EVICT);
                socket::open(ip, port, self.cpu, buf)?
            }
            r => r?,
        };
        self.counters.sockets_opened.fetch_add(1, Relaxed);
        self.watch(port, &mut s)?;
        Ok(s)
    }

    /// Parks a socket of an ended call, or closes it when enough are parked.
    pub(super) fn release(&mut self, ip: IpAddr, port: u16, mut s: UdpSocket) {
        if self.parked.len() < self.park_max {
            self.parked.insert(port, (s, ip));
            self.commands.inbox.parked.set(port, true);
        } else {
            self.unwatch(port, &mut s);
        }
    }

    /// Closes up to `n` parked sockets.
    fn evict(&mut self, n: usize) {
        let ports: Vec<u16> = self.parked.keys().take(n).copied().collect();
        for port in ports {
            if let Some((mut s, _)) = self.parked.remove(&port) {
                self.commands.inbox.parked.set(port, false);
                self.unwatch(port, &mut s);
            }
        }
    }

    /// A parked socket became readable: whatever came is for no call.
    pub(super) fn on_parked(&mut self, port: u16) {
        if let Some(fd) = self.parked.get(&port).map(|(s, _)| s.as_raw_fd()) {
            self.discard(fd);
        }
    }

    /// Reads and drops everything queued on socket `fd` (counted as
    /// dropped).
    fn discard(&mut self, fd: std::os::fd::RawFd) {
        loop {
            match self.recv_batch.recv(fd) {
                Ok(n) => {
                    self.counters.dropped.fetch_add(n as u64, Relaxed);
                    if n < crate::udp_batch::RecvBatch::BATCH {
                        break;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            }
        }
    }
}

/// Parked sockets closed at once when the descriptor limit is reached.
const EVICT: usize = 64;

/// How many sockets each of `workers` workers may keep parked: half the
/// descriptor limit between them (fewer when a call needs a descriptor:
/// see `evict`), and no more than 32,768 each.
pub fn park_max(workers: usize) -> usize {
    let half = crate::limits::fd_limit() / 2 / workers.max(1) as u64;
    half.min(32_768) as usize
}
