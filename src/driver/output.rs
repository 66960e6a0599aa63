//! What the driver sends: the gateway pumped against the UA core, then
//! the UA's transmits — over UDP in `sendmmsg` batches (one system call for
//! the messages one round of input produced), over TCP to the connection.

use super::Driver;
use crate::ids::TransportKind;
use crate::transport::SendBatch;
use bytes::Bytes;
use std::os::fd::AsRawFd;
use std::time::Instant;

/// The UDP send batch and the bytes it points into until flushed.
#[derive(Default)]
pub struct Outbox {
    batch: SendBatch,
    held: Vec<Bytes>,
}

impl std::fmt::Debug for Outbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Outbox({} queued)", self.held.len())
    }
}

impl Driver {
    /// Sends every transmit the UA has.
    pub(super) async fn transmit(&mut self) {
        let fd = self.udp.as_raw_fd();
        while let Some(t) = self.ua.poll_transmit() {
            tracing::trace!(peer = %t.peer, "send\n{}", String::from_utf8_lossy(&t.bytes));
            match t.peer.transport {
                TransportKind::Udp => {
                    if !self.outbox.batch.push(fd, &t.bytes, t.peer.addr) {
                        self.send_udp().await;
                        self.outbox.batch.push(fd, &t.bytes, t.peer.addr);
                    }
                    // The batch points into these bytes: they live (and do
                    // not move: `Bytes` is a handle) until the flush.
                    self.outbox.held.push(t.bytes);
                }
                TransportKind::Tcp => self.tcp.send(t.peer.addr, t.bytes),
            }
        }
        self.send_udp().await;
    }

    /// Flushes the UDP batch, waiting for room in the socket's buffer when
    /// it is full; a datagram the kernel refuses otherwise is dropped
    /// (retransmission covers requests; a lost response is re-sent when the
    /// request is).
    async fn send_udp(&mut self) {
        let Outbox { batch, held } = &mut self.outbox;
        while batch.pending() > 0 {
            let sent = self.udp.try_io(tokio::io::Interest::WRITABLE, || {
                batch.flush();
                match batch.pending() {
                    0 => Ok(()),
                    _ => Err(std::io::ErrorKind::WouldBlock.into()),
                }
            });
            if sent.is_err() && self.udp.writable().await.is_err() {
                batch.clear();
            }
        }
        held.clear();
    }
}

impl Driver {
    /// Lets the gateway see the UA's events and act on them until neither
    /// has anything new; what it hands back goes to the API.
    pub(super) fn pump(&mut self) {
        let Some(g) = self.gateway.as_mut() else { return };
        let now = Instant::now();
        loop {
            let mut busy = false;
            while let Some(cmd) = g.poll_command() {
                busy = true;
                self.ua.handle_command(now, cmd);
            }
            while let Some(ev) = self.ua.poll_event() {
                busy = true;
                if let Some(ev) = g.on_event(now, ev) {
                    self.passed.push_back(ev);
                }
            }
            if !busy {
                break;
            }
        }
    }
}
