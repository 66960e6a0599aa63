//! The `send --raw` role: whole Ethernet frames through an AF_PACKET
//! socket that bypasses the qdisc, so the sender's core spends on each
//! packet a copy and the veth's hand-over, not a UDP socket's stack. With
//! RPS steering the gateway veth's receive to the other core, that core
//! then does only the forwarding (perf/kernel_fastpath.sh, `RAW=1`).

use std::io;
use std::mem::{size_of, zeroed};
use std::time::{Duration, Instant};

const ETH: usize = 14;
const IP: usize = 20;
const UDP: usize = 8;
/// The same 172-byte RTP datagram as the UDP sender's.
const RTP: usize = 172;
const FRAME: usize = ETH + IP + UDP + RTP;
const BATCH: usize = 64;

/// One call's frame: the sender's MAC and address to the gateway's port
/// for the call, UDP checksum 0 (none, which the program keeps).
fn frame(
    src_mac: [u8; 6],
    dst_mac: [u8; 6],
    src: [u8; 4],
    dst: [u8; 4],
    sport: u16,
    dport: u16,
    ssrc: u32,
) -> [u8; FRAME] {
    let mut f = [0u8; FRAME];
    f[..6].copy_from_slice(&dst_mac);
    f[6..12].copy_from_slice(&src_mac);
    f[12..14].copy_from_slice(&0x0800u16.to_be_bytes());
    let ip = &mut f[ETH..ETH + IP];
    ip[0] = 0x45;
    ip[2..4].copy_from_slice(&((IP + UDP + RTP) as u16).to_be_bytes());
    ip[6] = 0x40; // don't fragment
    ip[8] = 64;
    ip[9] = 17;
    ip[12..16].copy_from_slice(&src);
    ip[16..20].copy_from_slice(&dst);
    let sum = ip
        .chunks(2)
        .fold(0u32, |s, w| s + u32::from(u16::from_be_bytes([w[0], w[1]])));
    let sum = (sum & 0xffff) + (sum >> 16);
    ip[10..12].copy_from_slice(&(!((sum & 0xffff) + (sum >> 16)) as u16).to_be_bytes());
    let udp = &mut f[ETH + IP..ETH + IP + UDP];
    udp[..2].copy_from_slice(&sport.to_be_bytes());
    udp[2..4].copy_from_slice(&dport.to_be_bytes());
    udp[4..6].copy_from_slice(&((UDP + RTP) as u16).to_be_bytes());
    let rtp = &mut f[ETH + IP + UDP..];
    rtp[0] = 0x80;
    rtp[8..12].copy_from_slice(&ssrc.to_be_bytes());
    f
}

/// The MAC address of `iface` in this namespace.
pub fn mac_of(iface: &str) -> [u8; 6] {
    let text = std::fs::read_to_string(format!("/sys/class/net/{iface}/address")).expect("the interface's address");
    parse_mac(text.trim())
}

pub fn parse_mac(text: &str) -> [u8; 6] {
    let mut mac = [0u8; 6];
    for (b, part) in mac.iter_mut().zip(text.split(':')) {
        *b = u8::from_str_radix(part, 16).expect("a MAC written aa:bb:cc:dd:ee:ff");
    }
    mac
}

/// An AF_PACKET socket bound to `iface` that sends past the qdisc.
fn packet_socket(iface: &str) -> io::Result<i32> {
    let name = std::ffi::CString::new(iface).expect("an interface name");
    // SAFETY: plain socket calls on a descriptor this function owns, with
    // a zeroed sockaddr_ll filled as packet(7) describes.
    unsafe {
        let fd = libc::socket(libc::AF_PACKET, libc::SOCK_RAW, 0);
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        let mut sll: libc::sockaddr_ll = zeroed();
        sll.sll_family = libc::AF_PACKET as u16;
        sll.sll_protocol = (libc::ETH_P_IP as u16).to_be();
        sll.sll_ifindex = libc::if_nametoindex(name.as_ptr()) as i32;
        // Frames in flight are charged to the socket until the forwarding
        // core frees them: a large buffer keeps the sender from waiting on
        // it, so a loss shows where the forwarding falls behind.
        let (bypass, sndbuf): (libc::c_int, libc::c_int) = (1, 64 << 20);
        let len = size_of::<libc::c_int>() as libc::socklen_t;
        if libc::bind(
            fd,
            (&sll as *const libc::sockaddr_ll).cast(),
            size_of::<libc::sockaddr_ll>() as u32,
        ) < 0
            || libc::setsockopt(
                fd,
                libc::SOL_PACKET,
                libc::PACKET_QDISC_BYPASS,
                (&bypass as *const libc::c_int).cast(),
                len,
            ) < 0
            || libc::setsockopt(
                fd,
                libc::SOL_SOCKET,
                libc::SO_SNDBUFFORCE,
                (&sndbuf as *const libc::c_int).cast(),
                len,
            ) < 0
        {
            return Err(io::Error::last_os_error());
        }
        Ok(fd)
    }
}

/// What the sender is told: its interface and addresses, the gateway's
/// MAC and the calls' ports, the rate (0: flat out) and how long.
pub struct RawLoad {
    pub iface: &'static str,
    pub dst_mac: [u8; 6],
    pub src: ([u8; 4], u16),
    pub dst_ip: [u8; 4],
    pub ports: Vec<u16>,
    pub pps: u64,
    pub secs: u64,
}

impl RawLoad {
    /// Sends round-robin over the calls, `BATCH` frames per `sendmmsg`,
    /// and returns how many were sent and in how long.
    pub fn run(&self) -> (u64, Duration) {
        let fd = packet_socket(self.iface).expect("an AF_PACKET socket (root)");
        let src_mac = mac_of(self.iface);
        let mut frames: Vec<[u8; FRAME]> = (0..self.ports.len())
            .map(|c| {
                frame(
                    src_mac,
                    self.dst_mac,
                    self.src.0,
                    self.dst_ip,
                    self.src.1,
                    self.ports[c],
                    c as u32,
                )
            })
            .collect();
        // SAFETY: zeroed iovec and mmsghdr are valid empty values; each is
        // pointed at a frame below before the call that reads it.
        let mut iov: [libc::iovec; BATCH] = unsafe { zeroed() };
        let mut msgs: [libc::mmsghdr; BATCH] = unsafe { zeroed() };
        let (start, mut sent, mut seq) = (Instant::now(), 0u64, 0u16);
        let end = start + Duration::from_secs(self.secs);
        let mut next = 0usize;
        while Instant::now() < end {
            for i in 0..BATCH {
                let f = &mut frames[next];
                f[ETH + IP + UDP + 2..ETH + IP + UDP + 4].copy_from_slice(&seq.to_be_bytes());
                iov[i] = libc::iovec {
                    iov_base: f.as_mut_ptr().cast(),
                    iov_len: FRAME,
                };
                msgs[i].msg_hdr.msg_iov = &mut iov[i];
                msgs[i].msg_hdr.msg_iovlen = 1;
                next += 1;
                if next == frames.len() {
                    (next, seq) = (0, seq.wrapping_add(1));
                }
            }
            // SAFETY: msgs and iov point at live frames for the call.
            let n = unsafe { libc::sendmmsg(fd, msgs.as_mut_ptr(), BATCH as u32, 0) };
            sent += n.max(0) as u64;
            if let Some(ns) = (sent * 1_000_000_000).checked_div(self.pps) {
                let due = start + Duration::from_nanos(ns);
                if let Some(wait) = due.checked_duration_since(Instant::now()) {
                    std::thread::sleep(wait);
                }
            }
        }
        // SAFETY: the descriptor was opened above and is closed once.
        unsafe { libc::close(fd) };
        (sent, start.elapsed())
    }
}
