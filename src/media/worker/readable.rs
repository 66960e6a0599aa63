//! Socket readiness (epoll): read the ready datagrams in batches, let the
//! call's relay decide each one in its receive slot (SRTP opened and
//! sealed there too), and carry out its verdict — RTP rewritten in place
//! goes out in a send batch, RTCP at once, voice to re-code to its
//! transcoder thread or, inline, at once. [`Worker::on_packet`] is the
//! decision both I/O back-ends share (`ring_turn` hands it packets in
//! their provided buffers and sends relayed RTP from there).

use super::Worker;
use super::call::{self, Call};
use super::counters::FlushInto;
use super::uring::Tag;
use super::verdict::Verdict;
use crate::media::{MediaEvent, Side};
use crate::udp_batch::{RecvBatch, realtime_ns};
use std::os::fd::AsRawFd;
use std::sync::atomic::Ordering::Relaxed;

pub(super) use super::rx::Rx;

impl Worker {
    /// Socket `token` (its port: RTP even, RTCP odd) is readable.
    pub(super) fn on_readable(&mut self, token: usize) {
        let port = token as u16;
        let is_rtcp = port % 2 == 1;
        let Some((slot, side)) = self.owner(port) else {
            return self.on_parked(port);
        };
        let leg = side.index();
        let (mut received, mut late, mut old) = (0u64, 0u64, 0u64);
        while let Some(s) = self
            .calls
            .get(slot)
            .and_then(|c| c.as_ref())
            .and_then(|c| c.sockets[leg].as_ref())
        {
            let Some(fd) = (if is_rtcp { s.rtcp.as_ref() } else { Some(&s.rtp) }).map(|s| s.as_raw_fd()) else {
                break;
            };
            let taken = s.taken;
            let n = match self.recv_batch.recv(fd) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            };
            let now = self.now_us();
            let before = match taken.watching(now) {
                true => (0..n).fold(0u32, |m, i| {
                    m | u32::from(taken.before(self.recv_batch.arrival_ns(i), now)) << i
                }),
                false => 0,
            };
            let too_late = self.late.stale(&self.recv_batch, n, is_rtcp) & !before;
            let stale = too_late | before;
            // One from before the call is not even captured: it is not its.
            for i in (0..n).filter(|i| before & (1 << i) == 0) {
                self.on_packet(slot, side, port, Rx::Batch(i), stale & (1 << i) != 0);
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
                self.counters.kernel_dropped.fetch_add(new, Relaxed);
            }
            received += n as u64;
            late += u64::from(too_late.count_ones());
            old += u64::from(before.count_ones());
            if n < RecvBatch::BATCH {
                break;
            }
        }
        self.counters.packets_in.fetch_add(received, Relaxed);
        if late + old > 0 {
            self.counters.late.fetch_add(late, Relaxed);
            self.counters.dropped.fetch_add(late + old, Relaxed);
        }
    }

    /// The call slot and leg whose socket is on `port` (RTP even, RTCP
    /// odd); `None`: a parked socket's.
    pub(super) fn owner(&self, port: u16) -> Option<(usize, Side)> {
        let is_rtcp = port % 2 == 1;
        let slot = (self.by_port[usize::from(port & !1)] as usize).checked_sub(1)?;
        let leg = self.calls[slot].as_ref().and_then(|c| {
            // A muxed leg's port+1 may be a parked socket of an older call.
            let owns = |s: &super::call::LegSockets| s.port == port & !1 && (!is_rtcp || s.rtcp.is_some());
            c.sockets.iter().position(|s| s.as_ref().is_some_and(owns))
        })?;
        Some((slot, if leg == 0 { Side::A } else { Side::B }))
    }

    /// The packet at `rx`, from leg `side` of the call in `slot` on our
    /// `port`: what its relay decides, done; only captured when `late`
    /// (dropped, counted by the caller). `true` when relayed RTP was
    /// queued from a provided buffer, which then stays the ring's until
    /// the send completes.
    pub(super) fn on_packet(&mut self, slot: usize, side: Side, port: u16, rx: Rx, late: bool) -> bool {
        let now = self.now_us();
        let Worker {
            calls,
            recv_batch,
            uring,
            handoff,
            counters,
            send_batch,
            #[cfg(feature = "kernel-fastpath")]
            offload,
            ..
        } = self;
        // Read before the slot is borrowed (a job carries it; the relay
        // histogram reads the same stamp of every packet after the read).
        let arrived = rx.arrival_ns(recv_batch);
        let (mut ring, (pkt, len, src)) = match (rx, uring.as_deref_mut()) {
            (Rx::Ring(bid, len, src, _), Some(u)) => {
                let (ring, bufs) = u.split();
                (Some((ring, bid)), (bufs.slot(bid), len, src))
            }
            (Rx::Batch(i), _) => (None, recv_batch.slot(i)),
            (Rx::Ring(..), None) => return false,
        };
        let (Some(src), Some(call)) = (src, calls[slot].as_mut()) else {
            return false;
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
            return false;
        }
        #[cfg(feature = "kernel-fastpath")]
        if let Some(off) = offload
            .as_deref_mut()
            .filter(|o| o.takes_back(*id, side, src, &pkt[..len], relay, now))
        {
            off.reclaim(*id, relay, now, counters);
        }
        let mut held = false;
        match relay.handle_packet(side, port % 2 == 1, pkt, len, src, now) {
            Verdict::Rtp { out, dest, len } => {
                let Some(s) = &sockets[out.index()] else { return false };
                let fd = s.rtp.as_raw_fd();
                let pkt = &pkt[..len];
                call::capture(capture, s.ip, s.port, dest, true, pkt);
                if let Some((ring, bid)) = ring.as_mut() {
                    held = ring.send(Tag::Send { bid: *bid }, fd, pkt, dest);
                    if !held {
                        counters.count_send(false);
                    }
                } else if !send_batch.push(fd, pkt, dest) {
                    send_batch.flush_into(counters);
                    send_batch.push(fd, pkt, dest);
                }
            }
            Verdict::Rtcp { out, dest, len } => {
                let Some(s) = &sockets[out.index()] else {
                    counters.count_send(false);
                    return false;
                };
                let from = s.port + u16::from(s.rtcp.is_some());
                call::capture(capture, s.ip, from, dest, true, &pkt[..len]);
                counters.count_send(s.rtcp_out().send_to(&pkt[..len], dest).is_ok());
            }
            Verdict::Transcode { rtp, .. } => handoff.hand_off(relay.job(*id, side, rtp, pkt, arrived), counters),
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
        held
    }
}
