//! A turn's I/O through io_uring (`media.io = "uring"`): one
//! `io_uring_enter` submits what the last turn queued and waits for
//! completions; they are handled in chunks — each datagram decided as on
//! the epoll path ([`Worker::on_packet`], from its provided buffer), each
//! finished send counted and its buffer given back, a wake-up drained —
//! and the chunk's sends and re-armed receives submitted together before
//! the added latency of its packets is recorded and, without transcoder
//! threads, the chunk's voice re-coded, until none is left (the sends
//! that completed while submitted among them).

use super::Worker;
use super::readable::Rx;
use super::uring::Tag;
use crate::udp_batch::realtime_ns;
use io_uring::cqueue;
use mio::Events;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};

impl Worker {
    /// Submits, waits up to `wait` for completions and handles them all;
    /// returns when it woke.
    pub(super) fn ring_turn(&mut self, events: &mut Events, wait: Duration) -> Option<Instant> {
        // A transcoder thread's results, queued this turn, are submitted
        // as the wait starts: timed now.
        self.handoff.submitted();
        let spin = self.cfg.busy_poll;
        self.uring.as_mut()?.ring.wait(wait, spin).ok()?;
        let woke = Instant::now();
        self.drain_commands();
        loop {
            let n = self.uring.as_mut().map_or(0, |u| u.ring.fill());
            let wall = if self.late.is_on() { realtime_ns() } else { 0 };
            for i in 0..n {
                let Some((data, res, flags)) = self.uring.as_ref().map(|u| u.ring.completion(i)) else {
                    return Some(woke);
                };
                self.on_completion(events, data, res, flags, wall);
            }
            let Some(u) = self.uring.as_mut() else {
                return Some(woke);
            };
            u.bufs.publish();
            u.ring.submit();
            let done = realtime_ns();
            for &arrived in &u.ring.arrivals {
                self.latency.record(done.saturating_sub(arrived));
            }
            u.ring.arrivals.clear();
            self.transcode_here();
            // Re-coded voice goes out now, not behind the next chunk.
            if let Some(u) = self.uring.as_mut() {
                u.ring.submit();
            }
            self.handoff.submitted();
            let Some(u) = self.uring.as_mut() else {
                return Some(woke);
            };
            // Sends done while submitting have completed already: their
            // buffers come back in the next chunk, before the next wait.
            if n == 0 {
                // Receives that ended are armed again once per turn, as
                // it ends (submitted now, while their sockets are surely
                // open): one armed with no buffer free fails at once
                // (ENOBUFS), and re-arming it within this loop would spin
                // without ever waiting, the only place the deferred sends
                // that give buffers back complete.
                u.ring.rearm_ended();
                u.ring.submit();
                return Some(woke);
            }
        }
    }

    /// One completion: `data` its tag, `res` its result, `flags` its
    /// flags; `wall` the clock the chunk's packets are aged against.
    fn on_completion(&mut self, events: &mut Events, data: u64, res: i32, flags: u32, wall: u64) {
        let Some(u) = self.uring.as_mut() else { return };
        let bid = cqueue::buffer_select(flags);
        match Tag::decode(data) {
            Some(Tag::Recv { port, generation }) => {
                let current = u.ring.is_current(port, generation);
                // Ended (no buffer was free, or the kernel's reasons) on a
                // socket still open: armed again once the chunk is done.
                if current && !cqueue::more(flags) && (res >= 0 || res == -libc::ENOBUFS) {
                    u.ring.want_rearm(port);
                }
                let Some(bid) = bid else { return };
                if res < 0 || !current {
                    return u.bufs.give_back(bid);
                }
                self.on_ring_packet(port, bid, wall);
            }
            Some(Tag::Send { bid }) => {
                self.counters.count_send(res >= 0);
                u.bufs.give_back(bid);
            }
            Some(Tag::SendOut { slot }) => {
                self.counters.count_send(res >= 0);
                u.out.give_back(slot);
            }
            Some(Tag::Wake) => {
                // Resets the waker's edge; the commands were taken right
                // after the wait.
                let _ = self.poll.poll(events, Some(Duration::ZERO));
                if !cqueue::more(flags) {
                    u.ring.arm_wake();
                }
            }
            Some(Tag::Cancel) | None => {
                if let Some(bid) = bid {
                    u.bufs.give_back(bid);
                }
            }
        }
    }

    /// A datagram in provided buffer `bid`, received on our `port`.
    fn on_ring_packet(&mut self, port: u16, bid: u16, wall: u64) {
        let owner = self.owner(port);
        let now = self.now_us();
        let Some(u) = self.uring.as_mut() else { return };
        let meta = u.bufs.meta(bid);
        let new = self.kernel_drops.handle_report(port, meta.drops);
        if new > 0 {
            self.counters.kernel_dropped.fetch_add(new, Relaxed);
        }
        let Some((slot, side)) = owner else {
            // A parked socket's: for no call.
            self.counters.dropped.fetch_add(1, Relaxed);
            return u.bufs.give_back(bid);
        };
        self.counters.packets_in.fetch_add(1, Relaxed);
        let taken = self.calls[slot]
            .as_ref()
            .and_then(|c| c.sockets[side.index()].as_ref())
            .map(|s| s.taken);
        if taken.is_some_and(|t| t.before(meta.arrived, now)) {
            // It reached the socket while it was parked: for no call.
            self.counters.dropped.fetch_add(1, Relaxed);
            return u.bufs.give_back(bid);
        }
        let late = self.late.is_on() && {
            let pkt = &u.bufs.slot(bid)[..meta.len];
            self.late.is_late(meta.arrived, wall, port % 2 == 1, pkt)
        };
        if late {
            self.counters.late.fetch_add(1, Relaxed);
            self.counters.dropped.fetch_add(1, Relaxed);
        }
        let held = self.on_packet(slot, side, port, Rx::Ring(bid, meta.len, meta.src, meta.arrived), late);
        let Some(u) = self.uring.as_mut() else { return };
        if !held {
            u.bufs.give_back(bid);
        }
        if let Some(arrived) = meta.arrived.filter(|_| !late) {
            u.ring.arrivals.push(arrived);
        }
    }
}
