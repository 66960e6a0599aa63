//! The UDP socket: bound through socket2 for large buffers, then handed to
//! tokio by the signalling shard(s) reading it.

use socket2::{Domain, Protocol, Socket, Type};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};

/// Socket buffer size requested for SIP over UDP (bursts at high call rates).
const BUFFER: usize = 4 * 1024 * 1024;

/// Whether the buffer's cap has been said (once, not per shard).
static CAPPED_SAID: AtomicBool = AtomicBool::new(false);

/// Binds a non-blocking UDP socket at `addr` with large buffers, not yet
/// handed to a tokio runtime, in a SO_REUSEPORT group when `reuse_port`.
pub(super) fn bind(addr: SocketAddr, reuse_port: bool) -> std::io::Result<std::net::UdpSocket> {
    let socket = Socket::new(Domain::for_address(addr), Type::DGRAM, Some(Protocol::UDP))?;
    let got = crate::udp_batch::size_buffers(&socket, BUFFER);
    // The kernel reports twice what it gives: its bookkeeping counted.
    if got < 2 * BUFFER && !CAPPED_SAID.swap(true, Ordering::Relaxed) {
        tracing::warn!(
            "the SIP UDP socket's receive buffer is {} KiB of the {} KiB asked: net.core.rmem_max caps it \
             (raise it, or run with CAP_NET_ADMIN), or a burst past it is dropped by the kernel",
            got / 2 / 1024,
            BUFFER / 1024
        );
    }
    crate::udp_batch::stamp_arrivals(&socket);
    socket.set_nonblocking(true)?;
    if reuse_port {
        socket.set_reuse_port(true)?;
    }
    socket.bind(&addr.into())?;
    Ok(socket.into())
}
