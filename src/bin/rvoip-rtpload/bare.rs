//! The floor: a bare relay with none of rvoip's media plane, to run the
//! same load against. One thread on the first core this process may use,
//! a socket per leg as the media plane has, level-triggered epoll, and per
//! ready socket one `recvmmsg` and `sendmmsg` out of the paired leg's
//! socket to the other endpoint. No latching, latency stamps, late drops,
//! counters or commands, and normal priority whatever `--realtime` says:
//! what any user-space relay with a socket per leg must pay. A packet the
//! kernel will not send is dropped, and counted lost at the endpoints.

use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
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
    /// Binds leg j at `ip`:`base + 2j` (call i's A side is leg 2i, towards
    /// endpoint 2i; its B side leg 2i+1) and starts relaying between each
    /// pair on the first core this process may use. Returns the relay and
    /// each endpoint's target (its own leg). IPv4 only.
    pub fn start(ip: IpAddr, base: u16, addrs: &[SocketAddr]) -> std::io::Result<(Self, Vec<Option<SocketAddr>>)> {
        let refuse = |what: String| std::io::Error::new(std::io::ErrorKind::InvalidInput, what);
        let dests = (addrs.iter().map(sockaddr))
            .collect::<Option<Vec<_>>>()
            .filter(|_| ip.is_ipv4())
            .ok_or_else(|| refuse("the bare relay is IPv4 only".into()))?;
        let mut socks = Vec::with_capacity(addrs.len());
        for j in 0..addrs.len() {
            let port = u16::try_from(usize::from(base) + 2 * j)
                .map_err(|_| refuse(format!("leg {j}'s port is past 65535 (base {base})")))?;
            let s = UdpSocket::bind(SocketAddr::new(ip, port))?;
            s.set_nonblocking(true)?;
            socks.push(s);
        }
        // SAFETY: a plain syscall; a descriptor it returns is ours to own.
        let ep = unsafe { libc::epoll_create1(libc::EPOLL_CLOEXEC) };
        if ep < 0 {
            return Err(std::io::Error::last_os_error());
        }
        // SAFETY: `ep` is a new descriptor no one else owns.
        let ep = unsafe { OwnedFd::from_raw_fd(ep) };
        for (j, s) in socks.iter().enumerate() {
            let mut ev = libc::epoll_event {
                events: libc::EPOLLIN as u32,
                u64: j as u64,
            };
            // SAFETY: both descriptors are open; `ev` outlives the call.
            if unsafe { libc::epoll_ctl(ep.as_raw_fd(), libc::EPOLL_CTL_ADD, s.as_raw_fd(), &mut ev) } < 0 {
                return Err(std::io::Error::last_os_error());
            }
        }
        let targets = socks.iter().map(|s| s.local_addr().ok()).collect();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("rvoip-media-bare".into())
            .spawn(move || {
                if let Some(core) = core_affinity::get_core_ids().and_then(|c| c.first().copied()) {
                    core_affinity::set_for_current(core);
                }
                relay(&ep, &socks, &dests, &flag);
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

/// Relays until `stop`: a packet on leg j goes out of leg j^1 to
/// endpoint j^1.
fn relay(ep: &OwnedFd, socks: &[UdpSocket], dests: &[libc::sockaddr_in], stop: &AtomicBool) {
    let mut bufs = vec![[0u8; MTU]; BATCH];
    // One iovec array for receiving (full length) and one for sending
    // (each set to its packet's length); the message headers point into
    // them. None of these vectors grows or moves after this.
    let mut rx_iov: Vec<libc::iovec> = (bufs.iter_mut())
        .map(|b| libc::iovec {
            iov_base: b.as_mut_ptr().cast(),
            iov_len: MTU,
        })
        .collect();
    let mut tx_iov = rx_iov.clone();
    let (rx_base, tx_base) = (rx_iov.as_mut_ptr(), tx_iov.as_mut_ptr());
    // SAFETY: k < BATCH, within each iovec array.
    let mut rx: Vec<libc::mmsghdr> = (0..BATCH).map(|k| header(unsafe { rx_base.add(k) })).collect();
    let mut tx: Vec<libc::mmsghdr> = (0..BATCH).map(|k| header(unsafe { tx_base.add(k) })).collect();
    let mut events = vec![libc::epoll_event { events: 0, u64: 0 }; 256];
    let name_len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
    while !stop.load(Ordering::Relaxed) {
        // SAFETY: `events` holds as many entries as we say.
        let n = unsafe { libc::epoll_wait(ep.as_raw_fd(), events.as_mut_ptr(), events.len() as libc::c_int, 100) };
        for ev in &events[..usize::try_from(n).unwrap_or(0)] {
            let j = ev.u64 as usize;
            // SAFETY: `rx`'s headers point at BATCH iovecs over buffers of MTU bytes.
            let got = unsafe {
                libc::recvmmsg(
                    socks[j].as_raw_fd(),
                    rx.as_mut_ptr(),
                    BATCH as u32,
                    libc::MSG_DONTWAIT,
                    std::ptr::null_mut(),
                )
            };
            let Ok(got) = usize::try_from(got) else { continue };
            let to = &dests[j ^ 1];
            for k in 0..got {
                // SAFETY: header k's iovec is tx_iov[k], in bounds.
                unsafe { (*tx[k].msg_hdr.msg_iov).iov_len = rx[k].msg_len as usize };
                tx[k].msg_hdr.msg_name = (to as *const libc::sockaddr_in).cast_mut().cast();
                tx[k].msg_hdr.msg_namelen = name_len;
            }
            let mut sent = 0;
            while sent < got {
                // SAFETY: headers sent..got are filled in above.
                let r = unsafe {
                    libc::sendmmsg(
                        socks[j ^ 1].as_raw_fd(),
                        tx.as_mut_ptr().add(sent),
                        (got - sent) as u32,
                        libc::MSG_DONTWAIT,
                    )
                };
                match usize::try_from(r) {
                    Ok(r) if r > 0 => sent += r,
                    _ => break, // dropped: counted lost at the endpoints
                }
            }
        }
    }
}

/// A message header over one iovec, with no address yet.
fn header(v: *mut libc::iovec) -> libc::mmsghdr {
    // SAFETY: msghdr is plain data; zeroed is a valid empty header.
    let mut h: libc::mmsghdr = unsafe { std::mem::zeroed() };
    h.msg_hdr.msg_iov = v;
    h.msg_hdr.msg_iovlen = 1;
    h
}

/// An IPv4 endpoint's address for sendmmsg; `None` for IPv6.
fn sockaddr(a: &SocketAddr) -> Option<libc::sockaddr_in> {
    let SocketAddr::V4(a) = a else { return None };
    Some(libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: a.port().to_be(),
        sin_addr: libc::in_addr {
            s_addr: u32::from(*a.ip()).to_be(),
        },
        sin_zero: [0; 8],
    })
}
