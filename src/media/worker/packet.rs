//! Socket readiness: read the ready datagrams in batches and relay them —
//! RTP through ingress/egress, RTCP with its SSRCs rewritten.

use super::relay::{egress, ingress};
use super::rtcp_relay::relay_rtcp;
use super::{Worker, WorkerCounters};
use crate::media::command::{MediaEvent, Side};
use crate::media::rtp::header;
use crate::udp_batch::{RecvBatch, SendBatch, realtime_ns};
use std::sync::atomic::Ordering::Relaxed;

impl Worker {
    /// Socket `token` (its port: RTP even, RTCP odd) is readable.
    pub(super) fn on_readable(&mut self, token: usize) {
        use std::os::fd::AsRawFd;
        let port = token as u16;
        let is_rtcp = port % 2 == 1;
        let Some(slot) = (self.by_port[usize::from(port & !1)] as usize).checked_sub(1) else {
            return self.on_parked(port);
        };
        let Some(leg) = self.calls[slot].as_ref().and_then(|c| {
            // A muxed leg's port+1 may be a parked socket of an older call.
            let owns = |l: &super::call::Leg| l.cfg.port == port & !1 && (!is_rtcp || l.rtcp.is_some());
            c.legs.iter().position(|l| l.as_ref().is_some_and(owns))
        }) else {
            return self.on_parked(port);
        };
        let mut received = 0u64;
        loop {
            let Some(l) = self
                .calls
                .get(slot)
                .and_then(|c| c.as_ref())
                .and_then(|c| c.legs[leg].as_ref())
            else {
                break;
            };
            let Some(fd) = (if is_rtcp { l.rtcp.as_ref() } else { Some(&l.rtp) }).map(|s| s.as_raw_fd()) else {
                break;
            };
            let n = match self.batch.recv(fd) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(_) => break,
            };
            for i in 0..n {
                self.on_packet(slot, leg, is_rtcp, i);
            }
            self.sends.flush_into(&self.counters);
            let done = realtime_ns();
            for i in 0..n {
                if let Some(arrived) = self.batch.arrival_ns(i) {
                    self.latency.record(done.saturating_sub(arrived));
                }
            }
            received += n as u64;
            if n < RecvBatch::BATCH {
                break;
            }
        }
        self.counters.packets_in.fetch_add(received, Relaxed);
    }

    fn on_packet(&mut self, slot: usize, leg: usize, is_rtcp: bool, i: usize) {
        use std::os::fd::AsRawFd;
        let now = self.now_us();
        let Worker {
            calls,
            batch,
            xbuf,
            counters,
            sends,
            ..
        } = self;
        let (pkt, src) = batch.packet(i);
        let Some(src) = src else { return };
        let Some(call) = calls[slot].as_mut() else {
            return;
        };
        let out = if call.legs[1].is_none() { leg } else { 1 - leg };
        let muxed = call.legs[leg].as_ref().is_some_and(|l| l.cfg.rtcp_mux);
        if is_rtcp || (muxed && header::is_rtcp(pkt)) {
            let sent = relay_rtcp(call, leg, out, pkt, src, now);
            let c = if sent { &counters.packets_out } else { &counters.dropped };
            c.fetch_add(1, Relaxed);
            return;
        }
        let Some(inl) = call.legs[leg].as_mut() else {
            return;
        };
        let info = match ingress(pkt, src, now, &mut inl.latch, &mut inl.rx) {
            Ok(i) => i,
            Err(_) => {
                inl.dropped += 1;
                counters.dropped.fetch_add(1, Relaxed);
                return;
            }
        };
        inl.rx_ssrc = info.ssrc;
        let from = inl.cfg;
        call.last_rx_us = now;
        let (id, latched) = (call.id, info.latched);
        let Some(outl) = call.legs[out].as_mut() else {
            return;
        };
        let target = outl.latch.target();
        let mut info = info;
        // A transcoded direction: re-code the voice payload into xbuf with a
        // plain 12-byte header and the output codec's clock.
        let xcode = call.xcode[leg].as_mut().filter(|_| info.pt == from.codec_pt);
        let transcoded = xcode.is_some();
        if transcoded {
            // What it sends goes now, after what is queued (telephone-event
            // relayed in place), in order.
            sends.flush_into(counters);
        }
        let pkt: &mut [u8] = match xcode {
            Some(t) => {
                // Opus frames lost on the way in are concealed (libopus PLC)
                // and sent as their own packets, so the G.711 side hears
                // continuity instead of a gap.
                let frame_ts = from.clock / 50;
                for k in (1..=t.missing_before(info.seq)).rev() {
                    let Ok(n) = t.conceal(&mut xbuf[12..]) else { break };
                    xbuf[0] = 0x80;
                    xbuf[1] = pkt[1] & 0x7f;
                    let mut lost = info;
                    lost.seq = info.seq.wrapping_sub(k);
                    lost.ts = t.scale_ts(info.ts.wrapping_sub(k as u32 * frame_ts));
                    lost.payload = n;
                    let out = &mut xbuf[..12 + n];
                    if let Ok(dest) = egress(out, &lost, now, &from, &outl.cfg, target, &mut outl.tx) {
                        let _ = outl.rtp.send_to(out, dest);
                    }
                }
                let payload = &pkt[info.header_len..info.header_len + info.payload];
                let Ok(n) = t.transcode(payload, &mut xbuf[12..]) else {
                    outl.dropped += 1;
                    counters.dropped.fetch_add(1, Relaxed);
                    return;
                };
                xbuf[0] = 0x80;
                xbuf[1] = pkt[1];
                info.ts = t.scale_ts(info.ts);
                info.payload = n;
                &mut xbuf[..12 + n]
            }
            None => pkt,
        };
        match egress(pkt, &info, now, &from, &outl.cfg, target, &mut outl.tx) {
            // Relayed in place: sent with the rest of the batch.
            Ok(dest) if !transcoded => {
                let fd = outl.rtp.as_raw_fd();
                if !sends.push(fd, pkt, dest) {
                    sends.flush_into(counters);
                    sends.push(fd, pkt, dest);
                }
                0
            }
            // Re-coded into the one transcoding buffer: sent now.
            Ok(dest) => match outl.rtp.send_to(pkt, dest) {
                Ok(_) => counters.packets_out.fetch_add(1, Relaxed),
                Err(_) => counters.dropped.fetch_add(1, Relaxed),
            },
            Err(_) => {
                outl.dropped += 1;
                counters.dropped.fetch_add(1, Relaxed)
            }
        };
        if let Some(addr) = latched {
            let side = if leg == 0 { Side::A } else { Side::B };
            self.emit(MediaEvent::Latched { call: id, side, addr });
        }
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
