//! The UDP socket: bound through socket2 for large buffers, then handed to
//! tokio by each signalling shard.

use socket2::{Domain, Protocol, Socket, Type};
use std::net::SocketAddr;

/// Socket buffer size requested for SIP over UDP (bursts at high call rates).
const BUFFER: usize = 4 * 1024 * 1024;

/// Binds a non-blocking UDP socket at `addr` with large buffers, not yet
/// handed to a tokio runtime (each signalling shard registers a clone of it
/// with its own).
pub fn bind_udp_std(addr: SocketAddr) -> std::io::Result<std::net::UdpSocket> {
    let socket = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))?;
    // Buffer sizes are a hint; the kernel caps them at rmem_max/wmem_max.
    let _ = socket.set_recv_buffer_size(BUFFER);
    let _ = socket.set_send_buffer_size(BUFFER);
    super::stamp_arrivals(&socket);
    socket.set_nonblocking(true)?;
    socket.bind(&addr.into())?;
    Ok(socket.into())
}

/// Asks the kernel to stamp each datagram with its arrival time
/// (SO_TIMESTAMPNS): media workers measure the latency they add from it,
/// the signalling driver how long SIP waited in the socket. socket2 has
/// no setter for it. Harmless to lose.
pub fn stamp_arrivals(s: &Socket) {
    use std::os::fd::AsRawFd;
    let on: libc::c_int = 1;
    // SAFETY: a valid socket and a c_int option value of the stated size.
    unsafe {
        libc::setsockopt(
            s.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_TIMESTAMPNS,
            (&on as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        );
    }
}
