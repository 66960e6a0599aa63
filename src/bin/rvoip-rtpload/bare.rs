//! The floor: a bare relay with none of rvoip's media plane, to run the
//! same load against. One thread on the first core, a socket per leg as
//! the media plane has, level-triggered epoll, and per ready socket one
//! `recvmmsg` and one `sendmmsg` out of the paired leg's socket to the
//! other endpoint. No latching, latency stamps, late drops, counters or
//! commands: what any user-space relay with a socket per leg must pay.

use std::net::{SocketAddr, UdpSocket};
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

const BATCH: usize = 32;
const MTU: usize = 1500;

/// The running bare relay; dropping it stops and joins its thread.
pub struct Bare {
    stop: Arc<AtomicBool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Bare {
    /// Binds call i's legs at `ip`:`base + 4i` (A side, towards endpoint
    /// 2i) and `base + 4i + 2` (B side, towards 2i+1) and starts relaying
    /// between them on the first core this process may use. Returns the
    /// relay and each endpoint's target (its own leg's port).
    pub fn start(
        ip: std::net::IpAddr,
        base: u16,
        addrs: &[SocketAddr],
    ) -> std::io::Result<(Self, Vec<Option<SocketAddr>>)> {
        let mut socks = Vec::with_capacity(addrs.len());
        for j in 0..addrs.len() {
            let s = UdpSocket::bind(SocketAddr::new(ip, base + 2 * j as u16))?;
            s.set_nonblocking(true)?;
            socks.push(s);
        }
        let targets = socks.iter().map(|s| s.local_addr().ok()).collect();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let peers = addrs.to_vec();
        let thread = std::thread::Builder::new()
            .name("rvoip-media-bare".into())
            .spawn(move || {
                if let Some(core) = core_affinity::get_core_ids().and_then(|c| c.first().copied()) {
                    core_affinity::set_for_current(core);
                }
                if let Err(e) = relay(&socks, &peers, &flag) {
                    eprintln!("rvoip-rtpload: bare relay: {e}");
                }
            })?;
        Ok((
            Bare {
                stop,
                thread: Some(thread),
            },
            targets,
        ))
    }
}

impl Drop for Bare {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// `r` as an io::Result: negative is the OS error.
fn check(r: libc::c_int) -> std::io::Result<usize> {
    usize::try_from(r).map_err(|_| std::io::Error::last_os_error())
}

/// Relays until `stop`: a packet on leg j goes out of leg j^1 to
/// endpoint j^1.
fn relay(socks: &[UdpSocket], peers: &[SocketAddr], stop: &AtomicBool) -> std::io::Result<()> {
    // SAFETY: plain syscalls on descriptors we own, with buffers that
    // outlive each call and lengths that match them.
    let ep = check(unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) })? as libc::c_int;
    for (j, s) in socks.iter().enumerate() {
        let mut ev = libc::epoll_event {
            events: libc::EPOLLIN as u32,
            u64: j as u64,
        };
        check(unsafe { libc::epoll_ctl(ep, libc::EPOLL_CTL_ADD, s.as_raw_fd(), &mut ev) })?;
    }
    let dests: Vec<libc::sockaddr_in> = peers.iter().map(sockaddr).collect();
    let mut bufs = vec![[0u8; MTU]; BATCH];
    let mut iov: Vec<libc::iovec> = bufs
        .iter_mut()
        .map(|b| libc::iovec {
            iov_base: b.as_mut_ptr().cast(),
            iov_len: MTU,
        })
        .collect();
    let mut rx: Vec<libc::mmsghdr> = iov.iter_mut().map(|v| header(v, std::ptr::null())).collect();
    let mut out: Vec<libc::iovec> = iov.clone();
    let mut tx: Vec<libc::mmsghdr> = out.iter_mut().map(|v| header(v, std::ptr::null())).collect();
    let mut events = vec![libc::epoll_event { events: 0, u64: 0 }; 256];
    while !stop.load(Ordering::Relaxed) {
        let n = unsafe { libc::epoll_wait(ep, events.as_mut_ptr(), events.len() as libc::c_int, 100) };
        for ev in &events[..usize::try_from(n).unwrap_or(0)] {
            let j = ev.u64 as usize;
            let fd = socks[j].as_raw_fd();
            let got = unsafe {
                libc::recvmmsg(
                    fd,
                    rx.as_mut_ptr(),
                    BATCH as u32,
                    libc::MSG_DONTWAIT,
                    std::ptr::null_mut(),
                )
            };
            let Ok(got) = usize::try_from(got) else { continue };
            let (other, to) = (&socks[j ^ 1], &dests[j ^ 1]);
            for k in 0..got {
                out[k].iov_len = rx[k].msg_len as usize;
                tx[k].msg_hdr.msg_name = (to as *const libc::sockaddr_in).cast_mut().cast();
                tx[k].msg_hdr.msg_namelen = std::mem::size_of::<libc::sockaddr_in>() as u32;
            }
            unsafe { libc::sendmmsg(other.as_raw_fd(), tx.as_mut_ptr(), got as u32, libc::MSG_DONTWAIT) };
        }
    }
    unsafe { libc::close(ep) };
    Ok(())
}

/// A message header over one iovec, to `name` (null: none).
fn header(v: &mut libc::iovec, name: *const libc::sockaddr_in) -> libc::mmsghdr {
    // SAFETY: msghdr is plain data; zeroed is a valid empty header.
    let mut h: libc::mmsghdr = unsafe { std::mem::zeroed() };
    h.msg_hdr.msg_iov = v;
    h.msg_hdr.msg_iovlen = 1;
    h.msg_hdr.msg_name = name.cast_mut().cast();
    h
}

/// An IPv4 socket address for sendmmsg (the load is on 127.0.0.0/8).
fn sockaddr(a: &SocketAddr) -> libc::sockaddr_in {
    let SocketAddr::V4(a) = a else {
        panic!("the bare relay is IPv4 only: {a}")
    };
    libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: a.port().to_be(),
        sin_addr: libc::in_addr {
            s_addr: u32::from(*a.ip()).to_be(),
        },
        sin_zero: [0; 8],
    }
}
