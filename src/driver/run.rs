//! The select loop: UDP datagrams (read in `recvmmsg` batches), TCP
//! frames, API commands, media events, messages from other shards and the
//! endpoint's next deadline; after each input the outputs are flushed.

use super::{Control, Driver};
use crate::endpoint::Endpoint;
use crate::ids::{Peer, TransportKind};
use crate::udp_batch::{RecvBatch, realtime_ns};
use std::os::fd::AsRawFd;
use std::time::{Duration, Instant};

/// Datagrams read per wake-up before the loop looks at its other inputs.
const BATCH: usize = 64;

/// Longest the driver runs without yielding to its runtime's other tasks.
const YIELD_EVERY: Duration = Duration::from_millis(5);

impl Driver {
    /// Runs until every API handle is dropped.
    pub async fn run(mut self) {
        let mut buf = RecvBatch::with_size(Endpoint::MAX_MESSAGE);
        let mut last_yield = Instant::now();
        loop {
            self.flush().await;
            let deadline = self
                .endpoint
                .poll_timeout()
                .unwrap_or_else(|| Instant::now() + Duration::from_secs(3600));
            // Timers fire after what has already arrived: an ACK waiting in
            // the socket must not lose to the 2xx retransmission it stops.
            if deadline <= Instant::now() {
                self.read_ready(&mut buf, false);
                self.read_ready(&mut buf, true);
                self.endpoint.handle_timeout(Instant::now());
                // Under overload timers are always due and this branch never
                // awaits: every few ms, let the runtime's other tasks
                // (status line, metrics, signals) have their turn.
                if last_yield.elapsed() >= YIELD_EVERY {
                    tokio::task::yield_now().await;
                    last_yield = Instant::now();
                }
                continue;
            }
            let sleep = tokio::time::sleep_until(tokio::time::Instant::from_std(deadline));
            tokio::select! {
                biased;
                Some(control) = self.api.control.recv() => match control {
                    Control::Drain(grace) => self.endpoint.drain(Instant::now(), grace),
                    Control::Credentials(c) => self.endpoint.set_credentials(c),
                },
                r = self.io.udp.readable() => {
                    if r.is_ok() {
                        self.read_ready(&mut buf, false);
                    }
                }
                r = super::readable(self.io.udp_alt.as_ref()) => {
                    if r.is_ok() {
                        self.read_ready(&mut buf, true);
                    }
                }
                Some(msg) = self.shard.forwarded.recv() => self.on_forwarded(msg),
                Some(msg) = self.io.inbound.recv() => self.on_inbound(msg),
                Some(ev) = self.media_events.recv() => self.endpoint.handle_media_event(Instant::now(), ev),
                Some(done) = self.lookups.tasks.join_next(), if !self.lookups.tasks.is_empty() => self.on_lookup(done),
                cmd = self.api.commands.recv() => match cmd {
                    Some(cmd) => self.endpoint.handle_command(Instant::now(), cmd),
                    None => break,
                },
                _ = sleep => self.endpoint.handle_timeout(Instant::now()),
            }
        }
        self.flush().await;
    }

    /// Handles the datagrams waiting on the UDP socket (the other IP
    /// family's: `alt`), up to [`BATCH`], read a `recvmmsg` batch at a time.
    fn read_ready(&mut self, batch: &mut RecvBatch, alt: bool) {
        if alt && self.io.udp_alt.is_none() {
            return;
        }
        let now = Instant::now();
        let fd = self.io.udp(alt).as_raw_fd();
        for _ in 0..BATCH / RecvBatch::BATCH {
            let read = self
                .io
                .udp(alt)
                .try_io(tokio::io::Interest::READABLE, || batch.recv(fd));
            let Ok(n) = read else {
                break;
            };
            // The first datagram of a batch waited longest: the lag of
            // this thread, which load shedding watches.
            if let Some(at) = batch.arrival_ns(0).filter(|_| n > 0) {
                let waited = realtime_ns().saturating_sub(at);
                self.endpoint.handle_queue_delay(now, Duration::from_nanos(waited));
            }
            for i in 0..n {
                if let (bytes, Some(addr)) = batch.packet(i) {
                    let peer = Peer {
                        transport: TransportKind::Udp,
                        addr,
                    };
                    self.on_datagram(now, bytes, peer);
                }
            }
            if n < RecvBatch::BATCH {
                break;
            }
        }
    }
}
