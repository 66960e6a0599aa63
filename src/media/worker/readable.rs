//! Socket readiness: read the ready datagrams in batches, let the call's
//! relay decide each one in its receive slot (SRTP opened and sealed there
//! too: the slot has room for a tag), and carry out its verdict — RTP
//! rewritten in place goes out in a send batch, RTCP and transcoded
//! packets at once.

use super::call::{self, Call};
use super::verdict::{DropReason, Verdict};
use super::{Worker, WorkerCounters};
use crate::media::{MediaEvent, Side};
use crate::udp_batch::{RecvBatch, SendBatch, realtime_ns};
use std::os::fd::AsRawFd;
use std::sync::atomic::Ordering::Relaxed;

impl Worker {
    /// Socket `token` (its port: RTP even, RTCP odd) is readable.
    pub(super) fn on_readable(&mut self, token: usize) {
        let port = token as u16;
        let is_rtcp = port % 2 == 1;
        let Some(slot) = (self.by_port[usize::from(port & !1)] as usize).checked_sub(1) else {
            return self.on_parked(port);
        };
        let Some(leg) = self.calls[slot].as_ref().and_then(|c| {
            // A muxed leg's port+1 may be a parked socket of an older call.
            let owns = |s: &super::call::LegSockets| s.port == port & !1 && (!is_rtcp || s.rtcp.is_some());
            c.sockets.iter().position(|s| s.as_ref().is_some_and(owns))
        }) else {
            return self.on_parked(port);
        };
        let side = if leg == 0 { Side::A } else { Side::B };
        let (mut received, mut late) = (0u64, 0u64);
        while let Some(s) = self
            .calls
            .get(slot)
            .and_then(|c| c.as_ref())
            .and_then(|c| c.sockets[leg].as_ref())
        {
            let Some(fd) = (if is_rtcp { s.rtcp.as_ref() } else { Some(&s.rtp) }).map(|s| s.as_raw_fd()) else {
                break;
            };
            let n = match self.recv_batch.recv(fd) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            };
            let stale = self.late.stale(&self.recv_batch, n, is_rtcp);
            for i in 0..n {
                self.on_packet(slot, side, port, i, stale & (1 << i) != 0);
            }
            self.send_batch.flush_into(&self.counters);
            let done = realtime_ns();
            for i in (0..n).filter(|i| stale & (1 << i) == 0) {
                if let Some(arrived) = self.recv_batch.arrival_ns(i) {
                    self.latency.record(done.saturating_sub(arrived));
                }
            }
            if let Some(last) = n.checked_sub(1) {
                let new = self.kernel_drops.handle_report(port, self.recv_batch.drops(last));
                if new > 0 {
                    self.counters.kernel_dropped.fetch_add(new, Relaxed);
                }
            }
            received += n as u64;
            late += u64::from(stale.count_ones());
            if n < RecvBatch::BATCH {
                break;
            }
        }
        self.counters.packets_in.fetch_add(received, Relaxed);
        if late > 0 {
            self.counters.late.fetch_add(late, Relaxed);
            self.counters.dropped.fetch_add(late, Relaxed);
        }
    }

    /// Datagram `i` of the receive batch, from leg `side` of the call in
    /// `slot` on our `port`: what its relay decides, done; only captured
    /// when `late` (dropped, counted by the caller).
    fn on_packet(&mut self, slot: usize, side: Side, port: u16, i: usize, late: bool) {
        let now = self.now_us();
        let Worker {
            calls,
            recv_batch,
            transcode_buf,
            counters,
            send_batch,
            ..
        } = self;
        let (pkt, len, src) = recv_batch.slot(i);
        let (Some(src), Some(call)) = (src, calls[slot].as_mut()) else {
            return;
        };
        let Call {
            id,
            relay,
            sockets,
            capture,
        } = call;
        let ip = sockets[side.index()].as_ref().map_or(src.ip(), |s| s.ip);
        call::capture(capture, ip, port, src, false, &pkt[..len]);
        if late {
            return;
        }
        match relay.handle_packet(side, port % 2 == 1, pkt, len, src, now) {
            Verdict::Rtp { out, dest, len } => {
                let Some(s) = &sockets[out.index()] else { return };
                let fd = s.rtp.as_raw_fd();
                let pkt = &pkt[..len];
                call::capture(capture, s.ip, s.port, dest, true, pkt);
                if !send_batch.push(fd, pkt, dest) {
                    send_batch.flush_into(counters);
                    send_batch.push(fd, pkt, dest);
                }
            }
            Verdict::Rtcp { out, dest, len } => {
                let Some(s) = &sockets[out.index()] else {
                    return counters.count_send(false);
                };
                let from = s.port + u16::from(s.rtcp.is_some());
                call::capture(capture, s.ip, from, dest, true, &pkt[..len]);
                counters.count_send(s.rtcp_out().send_to(&pkt[..len], dest).is_ok());
            }
            Verdict::Transcode { out, rtp } => {
                // What it sends goes now, after what is queued
                // (telephone-event relayed in place), in order.
                send_batch.flush_into(counters);
                let Some(s) = &sockets[out.index()] else { return };
                let sent = relay.transcode(side, rtp, pkt, now, transcode_buf, |p, dest| {
                    call::capture(capture, s.ip, s.port, dest, true, p);
                    counters.count_send(s.rtp.send_to(p, dest).is_ok())
                });
                if sent.is_err() {
                    counters.dropped.fetch_add(1, Relaxed);
                }
            }
            Verdict::Consumed => {}
            Verdict::Drop(reason) => counters.count_drop(reason),
        }
        let (call, dtmf, latched) = (*id, relay.take_dtmf(), relay.take_latched());
        if let Some((side, digit, duration_ms)) = dtmf {
            self.emit(MediaEvent::Dtmf {
                call,
                side,
                digit,
                duration_ms,
            });
        }
        if let Some((side, addr)) = latched {
            self.emit(MediaEvent::Latched { call, side, addr });
        }
    }
}

impl WorkerCounters {
    /// Counts one packet sent at once: out, or dropped when refused.
    pub(super) fn count_send(&self, sent: bool) {
        let c = if sent { &self.packets_out } else { &self.dropped };
        c.fetch_add(1, Relaxed);
    }

    /// Counts one packet the relay did not forward, and why when the
    /// reason has its own counter.
    pub(super) fn count_drop(&self, reason: DropReason) {
        self.dropped.fetch_add(1, Relaxed);
        let why = match reason {
            DropReason::Unnegotiated => &self.unnegotiated,
            DropReason::SrtpAuth => &self.srtp_auth_failed,
            DropReason::SrtpReplay => &self.srtp_replayed,
            _ => return,
        };
        why.fetch_add(1, Relaxed);
    }
}

/// A send batch flushed into a worker's counters.
trait FlushInto {
    /// Flushes, counting what went out and what was refused or, with the
    /// socket's buffer full, left behind (dropped: RTP is not resent).
    fn flush_into(&mut self, c: &WorkerCounters);
}

impl FlushInto for SendBatch {
    fn flush_into(&mut self, c: &WorkerCounters) {
        let (sent, failed) = self.flush();
        let left = self.clear() as u64;
        c.packets_out.fetch_add(sent, Relaxed);
        c.dropped.fetch_add(failed + left, Relaxed);
    }
}
