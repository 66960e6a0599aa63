//! The UDP socket: bound through socket2 for large buffers, then handed to
//! tokio by the signalling shard(s) reading it.

use socket2::{Domain, Protocol, Socket, Type};
use std::net::SocketAddr;

/// Socket buffer size requested for SIP over UDP (bursts at high call rates).
const BUFFER: usize = 4 * 1024 * 1024;

/// Binds a non-blocking UDP socket at `addr` with large buffers, not yet
/// handed to a tokio runtime, in a SO_REUSEPORT group when `reuse_port`.
pub(super) fn bind(addr: SocketAddr, reuse_port: bool) -> std::io::Result<std::net::UdpSocket> {
    let socket = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))?;
    // Buffer sizes are a hint; the kernel caps them at rmem_max/wmem_max.
    let _ = socket.set_recv_buffer_size(BUFFER);
    let _ = socket.set_send_buffer_size(BUFFER);
    crate::udp_batch::stamp_arrivals(&socket);
    socket.set_nonblocking(true)?;
    if reuse_port {
        socket.set_reuse_port(true)?;
    }
    socket.bind(&addr.into())?;
    Ok(socket.into())
}
