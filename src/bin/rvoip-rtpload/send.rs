//! The sender's way out: a `send` per packet on an endpoint's own
//! connected socket, or `sendmmsg` batches on the shared one (made here).

use crate::receive::Sockets;
use rvoip::media::SendBatch;
use std::net::SocketAddr;
use std::os::fd::AsRawFd;

/// The largest packet an endpoint sends (PCMU with an SRTP tag).
const PKT: usize = 172 + 10;

/// The endpoints' shared socket on loopback, nonblocking, its buffers
/// sized for every call's packets of a few ms.
pub fn shared_socket() -> std::io::Result<std::net::UdpSocket> {
    let s = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::DGRAM, None)?;
    // Room for every call's packets of a few ms: the kernel's
    // ceiling is lifted where we may (root), else it caps the ask.
    let got = rvoip::media::size_buffers(&s, 32 << 20);
    if got < 4 << 20 {
        eprintln!(
            "rvoip-rtpload: the shared socket's receive buffer is {} KiB (net.core.rmem_max caps it without root): \
         replies may be lost at the load tool, not the relay",
            got >> 10
        );
    }
    s.bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())?;
    s.set_nonblocking(true)?;
    Ok(std::net::UdpSocket::from(s))
}

/// The sender's packets on their way out: a `send` each on an endpoint's
/// connected socket, or queued in buffers of their own for one `sendmmsg`
/// a batch on the shared socket (counted when the batch goes out; the
/// shared socket carries plain calls only).
pub struct Out {
    bufs: Box<[[u8; PKT]]>,
    batch: SendBatch,
    queued: usize,
}

impl Out {
    pub fn new() -> Self {
        Out {
            bufs: vec![[0u8; PKT]; SendBatch::BATCH].into_boxed_slice(),
            batch: SendBatch::new(),
            queued: 0,
        }
    }

    /// The buffer the next packet is written in (the batch is sent as
    /// it fills, so one is free).
    pub fn next(&mut self) -> &mut [u8] {
        &mut self.bufs[self.queued]
    }

    /// Sends endpoint `i`'s packet of `len` bytes (just written in
    /// [`next`](Self::next)) to `to`; returns how many went out now.
    pub fn send(&mut self, socks: &Sockets, i: usize, len: usize, to: Option<SocketAddr>) -> u64 {
        let k = self.queued;
        match (socks, to) {
            (Sockets::Each(s), _) => u64::from(s[i].send(&self.bufs[k][..len]).is_ok()),
            (Sockets::Shared { sock, .. }, Some(to)) => {
                self.batch.push(sock.as_raw_fd(), &self.bufs[k][..len], to);
                self.queued += 1;
                if self.queued < SendBatch::BATCH {
                    return 0;
                }
                self.flush(socks)
            }
            (Sockets::Shared { .. }, None) => 0,
        }
    }

    /// Sends what is queued; returns how many went out.
    pub fn flush(&mut self, socks: &Sockets) -> u64 {
        if self.queued == 0 || matches!(socks, Sockets::Each(_)) {
            return 0;
        }
        let (sent, _) = self.batch.flush();
        self.batch.clear();
        self.queued = 0;
        sent
    }
}
