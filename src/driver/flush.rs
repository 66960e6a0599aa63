//! What the driver sends after each input: counters published, then the
//! endpoint's outputs in the order it releases them — media commands to
//! the workers, transmits (over UDP in `sendmmsg` batches, one system call
//! for the messages one round of input produced; over TCP to the
//! connection), events to the API.

use super::Driver;
use crate::ids::TransportKind;
use crate::udp_batch::SendBatch;
use bytes::Bytes;
use std::os::fd::AsRawFd;
use std::sync::atomic::Ordering::Relaxed;
use std::time::Instant;

/// The UDP send batch and the bytes it points into until flushed.
#[derive(Default)]
pub(super) struct Outbox {
    batch: SendBatch,
    held: Vec<Bytes>,
    /// The batch is for the other IP family's socket.
    alt: bool,
}

impl std::fmt::Debug for Outbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Outbox({} queued)", self.held.len())
    }
}

impl Driver {
    /// Performs every output the endpoint has.
    pub(super) async fn flush(&mut self) {
        // Counters before transmits: whoever hears our answer sees them.
        self.publish();
        self.start_lookups();
        loop {
            while let Some(cmd) = self.endpoint.poll_media_command() {
                if self.media.submit(cmd).is_err() {
                    self.stats.media_overflow.fetch_add(1, Relaxed);
                }
            }
            if !self.transmit().await {
                break;
            }
        }
        while let Some(ev) = self.endpoint.poll_event() {
            if let Err(e) = self.api.events.try_send(ev) {
                self.stats.event_overflow.fetch_add(1, Relaxed);
                self.endpoint.handle_undelivered(Instant::now(), e.into_inner());
            }
        }
        while let Some(op) = self.endpoint.poll_replica() {
            if let Some((tx, stats)) = &self.api.replica
                && tx.try_send(op).is_err()
            {
                stats.queue_full.fetch_add(1, Relaxed);
            }
        }
    }

    /// Sends the transmits the endpoint releases; false when it had none.
    async fn transmit(&mut self) -> bool {
        let mut any = false;
        while let Some(t) = self.endpoint.poll_transmit() {
            any = true;
            tracing::trace!(peer = %t.peer, "send\n{}", crate::sip::for_log(&t.bytes));
            match t.peer.transport {
                TransportKind::Udp => {
                    // From our address of the peer's IP family.
                    let alt = self.io.is_alt(t.peer.addr);
                    let fd = self.io.udp(alt).as_raw_fd();
                    if !self.outbox.batch.push(fd, &t.bytes, t.peer.addr) {
                        self.send_udp().await;
                        self.outbox.batch.push(fd, &t.bytes, t.peer.addr);
                    }
                    self.outbox.alt = alt;
                    // The batch points into these bytes: they live (and do
                    // not move: `Bytes` is a handle) until the flush.
                    self.outbox.held.push(t.bytes);
                }
                TransportKind::Tcp => self.io.tcp.send(t.peer, None, t.bytes),
                TransportKind::Tls => {
                    let name = self.endpoint.tls_name(&t.peer);
                    self.io.tcp.send(t.peer, name, t.bytes)
                }
            }
        }
        self.send_udp().await;
        any
    }

    /// Flushes the UDP batch, waiting for room in the socket's buffer when
    /// it is full; a datagram the kernel refuses otherwise is dropped
    /// (retransmission covers requests; a lost response is re-sent when the
    /// request is).
    async fn send_udp(&mut self) {
        let Outbox { batch, held, alt } = &mut self.outbox;
        let udp = self.io.udp(*alt);
        while batch.pending() > 0 {
            let sent = udp.try_io(tokio::io::Interest::WRITABLE, || {
                batch.flush();
                match batch.pending() {
                    0 => Ok(()),
                    _ => Err(std::io::ErrorKind::WouldBlock.into()),
                }
            });
            if sent.is_err() && udp.writable().await.is_err() {
                batch.clear();
            }
        }
        held.clear();
    }

    /// Publishes this shard's counters to its slot, when they changed.
    fn publish(&mut self) {
        let e = &mut self.endpoint;
        let p = &mut self.published;
        let (ua, active, txs) = e.stats();
        let now = (ua, active as u64, txs as u64, self.io.tcp.refused, e.is_shedding());
        let mut changed = now != (p.ua, p.active, p.transactions, p.tcp_refused, p.shedding);
        (p.ua, p.active, p.transactions, p.tcp_refused, p.shedding) = now;
        if let Some(g) = e.gateway() {
            let new = g.stats();
            if p.gateway != Some(new) {
                if p.gateway.is_none_or(|o| o.outbound_failed != new.outbound_failed) {
                    p.failures = g.failures().iter().map(|(k, v)| (k.code(), *v)).collect();
                }
                p.gateway = Some(new);
                changed = true;
            }
        }
        if changed {
            self.stats.store(self.shard.index, p);
        }
        if let Some((version, registrations)) = e.registrations(self.published.registrations) {
            self.published.registrations = version;
            if let Ok(mut r) = self.stats.registrations.lock() {
                *r = registrations;
            }
        }
        let waited = e.take_max_queue_delay().as_micros() as u64;
        if waited > 0 {
            self.stats.queue_delay(self.shard.index, waited);
        }
    }
}
