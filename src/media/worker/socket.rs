//! RTP/RTCP sockets: non-blocking, SO_REUSEPORT, large buffers, opened with
//! socket2 and handed to mio.

use mio::net::UdpSocket;
use socket2::{Domain, Protocol, Socket, Type};
use std::net::{IpAddr, SocketAddr};

/// Socket buffer size requested for media (bursts of many streams).
const BUFFER: usize = 1 << 20;

/// Opens a UDP socket on `ip:port` for one stream; `cpu` is the core of
/// the owning worker (SO_INCOMING_CPU: the kernel prefers delivering to a
/// socket whose CPU matches the one that received the packet).
pub fn open(ip: IpAddr, port: u16, cpu: Option<usize>) -> std::io::Result<UdpSocket> {
    let addr = SocketAddr::new(ip, port);
    let s = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))?;
    s.set_reuse_port(true)?;
    s.set_nonblocking(true)?;
    // Buffer sizes are hints, capped by net.core.rmem_max / wmem_max.
    let _ = s.set_recv_buffer_size(BUFFER);
    let _ = s.set_send_buffer_size(BUFFER);
    if let Some(cpu) = cpu {
        // A hint for SO_REUSEPORT groups; harmless to lose.
        let _ = s.set_cpu_affinity(cpu);
    }
    crate::udp_batch::stamp_arrivals(&s);
    s.bind(&addr.into())?;
    Ok(UdpSocket::from_std(s.into()))
}
