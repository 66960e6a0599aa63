//! The select loop: UDP datagrams, TCP frames, API commands and the UA's
//! next deadline; after each input, transmits and events are flushed.

use super::{LiveStats, Published};
use crate::gateway::Gateway;
use crate::ids::{Peer, TransportKind};
use crate::media::{MediaEvent, MediaPlane};
use crate::session::{Command, SessionEvent, UserAgent};
use crate::transport::recv_batch::{BATCH as RECV_BATCH, RecvBatch, realtime_ns};
use crate::transport::{Inbound, TcpTable};
use std::os::fd::AsRawFd;
use std::sync::Arc;
use std::sync::atomic::Ordering::Relaxed;
use std::time::{Duration, Instant};
use tokio::net::UdpSocket;
use tokio::sync::mpsc;

/// Datagrams read per wake-up before the loop looks at its other inputs.
const BATCH: usize = 64;

/// What the driver is given to run.
#[derive(Debug)]
pub struct DriverConfig {
    /// TCP idle timeout.
    pub tcp_idle: Duration,
    /// Most TCP connections.
    pub tcp_max: usize,
}

/// Owns the UA core and its I/O.
pub struct Driver {
    /// The sans-IO core.
    pub ua: UserAgent,
    /// The UDP socket.
    pub udp: Arc<UdpSocket>,
    /// TCP frames and connection news.
    pub inbound: mpsc::Receiver<Inbound>,
    /// The TCP connection table.
    pub tcp: TcpTable,
    /// Commands from the API.
    pub commands: mpsc::Receiver<Command>,
    /// Events to the API.
    pub events: mpsc::Sender<SessionEvent>,
    /// Published counters.
    pub stats: Arc<LiveStats>,
    /// The media workers.
    pub media: Arc<MediaPlane>,
    /// Events from the media workers.
    pub media_events: mpsc::Receiver<MediaEvent>,
    /// The B2BUA between the UA core and the API, if this is a gateway.
    pub gateway: Option<Gateway>,
    /// Requests to the gateway (drain).
    pub control: mpsc::Receiver<Control>,
    /// Events the gateway handed back, for the API.
    pub(crate) passed: std::collections::VecDeque<SessionEvent>,
    /// UDP datagrams on their way out.
    pub(crate) outbox: super::output::Outbox,
    /// This shard's index.
    pub shard: usize,
    /// Every shard's queue of handed-over messages (empty: unsharded).
    pub peers: Vec<mpsc::Sender<Inbound>>,
    /// Messages other shards handed to this one.
    pub forwarded: mpsc::Receiver<Inbound>,
    /// What this shard last added to the shared counters.
    pub published: Published,
}

/// Longest the driver runs without yielding to its runtime's other tasks.
const YIELD_EVERY: Duration = Duration::from_millis(5);

/// Requests to a gateway's driver.
#[derive(Debug, Clone, Copy)]
pub enum Control {
    /// Stop admitting calls; end the rest after this grace time.
    Drain(Duration),
}

impl Driver {
    /// Runs until every API handle is dropped.
    pub async fn run(mut self) {
        let mut buf = RecvBatch::with_size(crate::sip::MAX_MESSAGE);
        let mut last_yield = Instant::now();
        loop {
            self.flush().await;
            let gw = self.gateway.as_ref().and_then(Gateway::poll_timeout);
            let deadline = [self.ua.poll_timeout(), gw]
                .into_iter()
                .flatten()
                .min()
                .unwrap_or_else(|| Instant::now() + Duration::from_secs(3600));
            // Timers fire after what has already arrived: an ACK waiting in
            // the socket must not lose to the 2xx retransmission it stops.
            if deadline <= Instant::now() {
                self.read_ready(&mut buf);
                self.fire_timers();
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
                Some(Control::Drain(grace)) = self.control.recv(), if self.gateway.is_some() => {
                    if let Some(g) = self.gateway.as_mut() {
                        g.drain(Instant::now(), grace);
                    }
                }
                r = self.udp.readable() => {
                    if r.is_ok() {
                        self.read_ready(&mut buf);
                    }
                }
                Some(msg) = self.forwarded.recv() => self.on_forwarded(msg),
                Some(msg) = self.inbound.recv() => self.on_inbound(msg),
                Some(ev) = self.media_events.recv() => self.ua.handle_media_event(Instant::now(), ev),
                cmd = self.commands.recv() => match cmd {
                    Some(cmd) => self.ua.handle_command(Instant::now(), cmd),
                    None => break,
                },
                _ = sleep => self.fire_timers(),
            }
        }
        self.flush().await;
    }

    /// Handles the datagrams waiting on the UDP socket, up to [`BATCH`],
    /// read a `recvmmsg` batch at a time.
    fn read_ready(&mut self, batch: &mut RecvBatch) {
        let now = Instant::now();
        let fd = self.udp.as_raw_fd();
        for _ in 0..BATCH / RECV_BATCH {
            let Ok(n) = self.udp.try_io(tokio::io::Interest::READABLE, || batch.recv(fd)) else {
                break;
            };
            // The first datagram of a batch waited longest: the lag of
            // this thread, which load shedding watches.
            if let Some(at) = batch.arrival_ns(0).filter(|_| n > 0) {
                let waited = realtime_ns().saturating_sub(at);
                self.ua.observe_queue_delay(now, Duration::from_nanos(waited));
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
            if n < RECV_BATCH {
                break;
            }
        }
    }

    fn fire_timers(&mut self) {
        let now = Instant::now();
        self.ua.handle_timeout(now);
        if let Some(g) = self.gateway.as_mut() {
            g.handle_timeout(now);
        }
    }

    async fn flush(&mut self) {
        self.pump();
        // Counters before transmits: whoever hears our answer sees them.
        if let Some(g) = &self.gateway {
            self.stats.publish_gateway(&mut self.published, self.shard, g);
        }
        // Media first: a worker should bind a call's port before the 200
        // that advertises it reaches the peer.
        while let Some(cmd) = self.ua.poll_media() {
            if self.media.submit(cmd).is_err() {
                self.stats.media_overflow.fetch_add(1, Relaxed);
            }
        }
        self.transmit().await;
        while let Some(ev) = self.passed.pop_front().or_else(|| self.ua.poll_event()) {
            if let Err(e) = self.events.try_send(ev) {
                self.stats.event_overflow.fetch_add(1, Relaxed);
                if let SessionEvent::Incoming(id, _) = e.into_inner() {
                    self.ua.handle_command(Instant::now(), Command::Reject(id, 503));
                }
            }
        }
        let (s, active, txs) = self.ua.stats();
        let shedding = self.ua.is_shedding();
        self.stats
            .publish(&mut self.published, &s, active, txs, self.tcp.refused, shedding);
        let waited = self.ua.take_max_delay().as_micros() as u64;
        if waited > 0 {
            self.stats.queue_delay_max_us.fetch_max(waited, Relaxed);
        }
    }
}
