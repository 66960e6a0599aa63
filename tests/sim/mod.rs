//! A deterministic network of sans-IO user agents: a virtual clock,
//! per-link latency and seeded loss, and a log of every datagram.

#![allow(dead_code)]

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rvoip::ids::{CallId, Peer, TransportKind};
use rvoip::sdp::Codec;
use rvoip::session::{Command, SessionEvent, UaConfig, UserAgent};
use rvoip::transaction::TimerConfig;
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// One datagram sent by anyone.
#[derive(Debug, Clone)]
pub struct Sent {
    pub at: Instant,
    pub from: SocketAddr,
    pub to: SocketAddr,
    pub text: String,
    pub delivered: bool,
}

impl Sent {
    pub fn first_line(&self) -> &str {
        self.text.lines().next().unwrap_or("")
    }
}

pub struct Net {
    pub start: Instant,
    pub now: Instant,
    pub uas: Vec<(SocketAddr, UserAgent)>,
    flight: BinaryHeap<Reverse<(Instant, u64, SocketAddr, SocketAddr, Vec<u8>)>>,
    seq: u64,
    pub latency: Duration,
    pub loss: f64,
    rng: SmallRng,
    pub events: Vec<(usize, SessionEvent)>,
    pub log: Vec<Sent>,
    /// Datagrams for which this returns true are lost.
    pub drop_if: Option<Box<dyn FnMut(&Sent) -> bool>>,
}

pub fn addr(n: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 5060 + n))
}

pub fn ua_config(local: SocketAddr, seed: u64) -> UaConfig {
    UaConfig {
        local,
        user: "sim".into(),
        timers: TimerConfig::default(),
        media_addr: local.ip(),
        ports: (20000, 30000),
        codecs: vec![
            Codec::pcmu(),
            Codec::pcma(),
            Codec::opus(111),
            Codec::telephone_event(101),
        ],
        max_calls: 1000,
        retry_after: 5,
        seed,
        media_workers: 1,
        shard: 0,
        shards: 1,
        max_redirects: 3,
        shed_delay: None,
    }
}

impl Net {
    /// `n` user agents at addr(0)..addr(n-1).
    pub fn new(n: u16, seed: u64) -> Self {
        let start = Instant::now();
        let uas = (0..n)
            .map(|i| (addr(i), UserAgent::new(ua_config(addr(i), seed + i as u64))))
            .collect();
        Net {
            start,
            now: start,
            uas,
            flight: BinaryHeap::new(),
            seq: 0,
            latency: Duration::from_millis(10),
            loss: 0.0,
            rng: SmallRng::seed_from_u64(seed),
            events: Vec::new(),
            log: Vec::new(),
            drop_if: None,
        }
    }

    fn collect(&mut self) {
        for i in 0..self.uas.len() {
            let from = self.uas[i].0;
            while let Some(t) = self.uas[i].1.poll_transmit() {
                self.send(from, t.peer.addr, t.bytes.to_vec());
            }
            while let Some(ev) = self.uas[i].1.poll_event() {
                self.events.push((i, ev));
            }
        }
    }

    /// Puts a datagram on the wire (subject to loss and the drop filter).
    pub fn send(&mut self, from: SocketAddr, to: SocketAddr, bytes: Vec<u8>) {
        let mut sent = Sent {
            at: self.now,
            from,
            to,
            text: String::from_utf8_lossy(&bytes).into_owned(),
            delivered: true,
        };
        let lost = self.rng.r#gen::<f64>() < self.loss || self.drop_if.as_mut().is_some_and(|f| f(&sent));
        sent.delivered = !lost;
        self.log.push(sent);
        if !lost {
            self.seq += 1;
            self.flight
                .push(Reverse((self.now + self.latency, self.seq, from, to, bytes)));
        }
    }

    pub fn command(&mut self, i: usize, cmd: Command) {
        self.uas[i].1.handle_command(self.now, cmd);
        self.collect();
    }

    /// Advances to the next arrival or deadline; false when nothing is pending.
    pub fn step(&mut self) -> bool {
        let arrival = self.flight.peek().map(|Reverse((at, ..))| *at);
        let deadline = self.uas.iter().filter_map(|(_, ua)| ua.poll_timeout()).min();
        let Some(next) = [arrival, deadline].into_iter().flatten().min() else {
            return false;
        };
        self.now = self.now.max(next);
        while let Some(Reverse((at, ..))) = self.flight.peek() {
            if *at > self.now {
                break;
            }
            let Reverse((_, _, from, to, bytes)) = self.flight.pop().unwrap();
            if let Some((_, ua)) = self.uas.iter_mut().find(|(a, _)| *a == to) {
                ua.handle_datagram(
                    self.now,
                    &bytes,
                    Peer {
                        transport: TransportKind::Udp,
                        addr: from,
                    },
                );
            }
        }
        for (_, ua) in &mut self.uas {
            if ua.poll_timeout().is_some_and(|t| t <= self.now) {
                ua.handle_timeout(self.now);
            }
        }
        self.collect();
        true
    }

    /// Runs until `elapsed` since start (or until nothing is pending).
    pub fn run_until(&mut self, elapsed: Duration) {
        let end = self.start + elapsed;
        while self.next_time().is_some_and(|t| t <= end) {
            self.step();
        }
        self.now = self.now.max(end);
    }

    pub fn run_for(&mut self, d: Duration) {
        let target = self.now + d - self.start;
        self.run_until(target);
    }

    fn next_time(&self) -> Option<Instant> {
        let arrival = self.flight.peek().map(|Reverse((at, ..))| *at);
        let deadline = self.uas.iter().filter_map(|(_, ua)| ua.poll_timeout()).min();
        [arrival, deadline].into_iter().flatten().min()
    }

    pub fn elapsed(&self) -> Duration {
        self.now - self.start
    }

    /// Removes and returns the events of UA `i`.
    pub fn take_events(&mut self, i: usize) -> Vec<SessionEvent> {
        let (mine, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.events).into_iter().partition(|(j, _)| *j == i);
        self.events = rest;
        mine.into_iter().map(|(_, e)| e).collect()
    }

    /// Datagrams from `from` whose first line starts with `prefix`.
    pub fn sent(&self, from: SocketAddr, prefix: &str) -> Vec<&Sent> {
        self.log
            .iter()
            .filter(|s| s.from == from && s.first_line().starts_with(prefix))
            .collect()
    }

    /// The id of the first Incoming event of UA `i`, consuming that event.
    pub fn incoming(&mut self, i: usize) -> CallId {
        let pos = self
            .events
            .iter()
            .position(|(j, e)| *j == i && matches!(e, SessionEvent::Incoming(..)));
        match self.events.remove(pos.expect("an incoming call")) {
            (_, SessionEvent::Incoming(id, _)) => id,
            _ => unreachable!(),
        }
    }
}
