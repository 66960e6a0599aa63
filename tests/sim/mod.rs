//! A deterministic network of sans-IO endpoints (plain user agents and
//! gateways): a virtual clock, per-link latency, jitter (which reorders),
//! seeded loss and duplication, a log of every datagram, and a model of
//! the media plane that records every media command an endpoint emits,
//! checks it against the calls it has, and answers a removal with the
//! `Removed` event a worker would send.
//!
//! A gateway is a node like any other ([`Net::add`] with a
//! [`GatewayConfig`]); [`Net::bridge`] builds the usual three: a caller
//! UA, a gateway and a callee UA. A hand-written peer is an address with
//! no node: the test reads what reached it ([`Net::received`],
//! [`Net::wait_received`]) and answers with [`Net::send`] (texts from
//! [`raw`]). DNS (RFC 3263) is a table of what each host name answers
//! ([`Net::dns`], [`DnsAnswer`]), after [`Net::dns_latency`]; every lookup
//! asked is logged ([`Net::lookups`]).

#![allow(dead_code)]

pub mod raw;

use rand::rngs::SmallRng;
use rand::{Rng, SeedableRng};
use rvoip::media::{LegStats, MediaCommand, MediaEvent};
use rvoip::test_exports::endpoint::Endpoint;
use rvoip::test_exports::gateway::{Gateway, GatewayConfig, GatewayStats, Route, RouteAction};
use rvoip::test_exports::ids::{CallId, Peer, TransportKind};
use rvoip::test_exports::locate::{LocateError, Query, ResolveId, Server, ServerSet};
use rvoip::test_exports::sdp::Codec;
use rvoip::test_exports::session::{Command, MediaMode, SessionEvent, UaConfig};
use rvoip::test_exports::transaction::TimerConfig;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::net::SocketAddr;
use std::time::{Duration, Instant, SystemTime};

/// One datagram sent by anyone.
#[derive(Debug, Clone)]
pub struct Sent {
    pub at: Instant,
    pub from: SocketAddr,
    pub to: SocketAddr,
    pub text: String,
    pub delivered: bool,
    /// When (the first copy of) it arrives; `None` when lost.
    pub arrival: Option<Instant>,
}

impl Sent {
    pub fn first_line(&self) -> &str {
        self.text.lines().next().unwrap_or("")
    }
}

/// How one direction of a link treats datagrams.
#[derive(Debug, Clone, Copy)]
pub struct Link {
    /// Base one-way delay.
    pub latency: Duration,
    /// Extra delay drawn uniformly from `[0, jitter)` per datagram: two
    /// datagrams sent closer than that may arrive in either order.
    pub jitter: Duration,
    /// Probability a datagram is lost.
    pub loss: f64,
    /// Probability a delivered datagram arrives twice.
    pub duplicate: f64,
}

impl Default for Link {
    fn default() -> Self {
        Link {
            latency: Duration::from_millis(10),
            jitter: Duration::ZERO,
            loss: 0.0,
            duplicate: 0.0,
        }
    }
}

/// Runs `net` until node `i` has an event matching the pattern (within
/// the simulated `within`) and takes it; panics with the node's events
/// otherwise: `wait_for!(net, CALLER, SECOND, SessionEvent::Answered(x) if *x == a)`.
#[allow(unused_macros)]
macro_rules! wait_for {
    ($net:expr, $i:expr, $within:expr, $($pattern:tt)+) => {
        $net.wait_event($i, $within, |e| matches!(e, $($pattern)+))
    };
}
#[allow(unused_imports)]
pub(crate) use wait_for;

/// The nodes of [`Net::bridge`].
pub const CALLER: usize = 0;
pub const GW: usize = 1;
pub const CALLEE: usize = 2;

/// A gateway configuration with one route, forwarding every call to
/// `target` over UDP, offering `codecs` (empty: what the caller offered).
pub fn forward_to(target: SocketAddr, codecs: &[&str]) -> GatewayConfig {
    GatewayConfig {
        routes: vec![Route {
            capture_dir: None,
            transfer: true,
            user_prefix: String::new(),
            domain: None,
            sources: Vec::new(),
            action: RouteAction::Forward {
                uri: format!("sip:{target}"),
                credentials: None,
                srtp: Default::default(),
                sdes_in_clear: false,
                transport: TransportKind::Udp,
                codecs: codecs.iter().map(|c| c.to_string()).collect(),
            },
        }],
        ..Default::default()
    }
}

/// One endpoint on the network, with what its media plane was told.
pub struct Node {
    pub addr: SocketAddr,
    pub ep: Endpoint,
    /// Every media command, in order, with when it was emitted.
    pub media_log: Vec<(Instant, MediaCommand)>,
    /// Media calls open on this node's (modelled) workers.
    pub media: BTreeMap<u64, MediaCommand>,
}

type Flight = Reverse<(Instant, u64, SocketAddr, SocketAddr, Vec<u8>)>;

/// A test's say over which datagrams are lost.
pub type DropFilter = Box<dyn FnMut(&Sent) -> bool>;

/// What the simulated DNS says about a host name.
#[derive(Debug, Clone)]
pub enum DnsAnswer {
    /// These groups of servers (NAPTR order; SRV records within), valid
    /// for the TTL.
    Servers(Vec<Vec<Server>>, Duration),
    /// This failure.
    Fails(LocateError),
    /// Nothing, ever (the lookup's time runs out).
    Silent,
}

/// One UDP server at `addr` with SRV `priority` and `weight`.
pub fn srv(priority: u16, weight: u16, addr: SocketAddr) -> Server {
    Server {
        transport: TransportKind::Udp,
        priority,
        weight,
        addrs: vec![addr],
    }
}

/// An answer in flight: (when, node, lookup, answer).
type DnsFlight = (Instant, usize, ResolveId, Result<ServerSet, LocateError>);

pub struct Net {
    pub start: Instant,
    pub now: Instant,
    pub nodes: Vec<Node>,
    flight: BinaryHeap<Flight>,
    seq: u64,
    /// The links with no entry in `links`.
    pub link: Link,
    /// Per-direction overrides, keyed (from, to).
    pub links: HashMap<(SocketAddr, SocketAddr), Link>,
    rng: SmallRng,
    pub events: Vec<(usize, SessionEvent)>,
    pub log: Vec<Sent>,
    /// Datagrams for which this returns true are lost.
    pub drop_if: Option<DropFilter>,
    /// Media commands that did not fit the calls a node had (an update
    /// or removal of an unknown call, a call added twice).
    pub media_errors: Vec<String>,
    /// Media events waiting to reach their node: (node, event).
    media_events: Vec<(usize, MediaEvent)>,
    /// What each host name answers (absent: no such name).
    pub dns: HashMap<String, DnsAnswer>,
    /// How long a DNS answer takes.
    pub dns_latency: Duration,
    /// Every lookup asked: (node, what, when).
    pub lookups: Vec<(usize, Query, Instant)>,
    dns_flight: Vec<DnsFlight>,
}

pub fn addr(n: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], 5060 + n))
}

pub fn ua_config(local: SocketAddr, seed: u64) -> UaConfig {
    UaConfig {
        local,
        local_alt: None,
        tls_local: None,
        user: "sim".into(),
        timers: TimerConfig::default(),
        media_addr: local.ip(),
        media_addr_alt: None,
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
        auth: None,
        access: Default::default(),
        registrations: Vec::new(),
        srtp: Default::default(),
        session_timer: Default::default(),
        node: None,
        registrar: None,
        dns: Default::default(),
    }
}

impl Net {
    /// `n` user agents at addr(0)..addr(n-1).
    pub fn new(n: u16, seed: u64) -> Self {
        let start = Instant::now();
        let mut net = Net {
            start,
            now: start,
            nodes: Vec::new(),
            flight: BinaryHeap::new(),
            seq: 0,
            link: Link::default(),
            links: HashMap::new(),
            rng: SmallRng::seed_from_u64(seed),
            events: Vec::new(),
            log: Vec::new(),
            drop_if: None,
            media_errors: Vec::new(),
            media_events: Vec::new(),
            dns: HashMap::new(),
            dns_latency: Duration::from_millis(5),
            lookups: Vec::new(),
            dns_flight: Vec::new(),
        };
        for i in 0..n {
            net.add(ua_config(addr(i), seed + u64::from(i)), None);
        }
        net
    }

    /// Adds an endpoint (a gateway when `gateway` is given); its index.
    pub fn add(&mut self, cfg: UaConfig, gateway: Option<GatewayConfig>) -> usize {
        let addr = cfg.local;
        let ep = Endpoint::new(cfg, gateway.map(Gateway::new), self.now, SystemTime::UNIX_EPOCH);
        self.nodes.push(Node {
            addr,
            ep,
            media_log: Vec::new(),
            media: BTreeMap::new(),
        });
        self.nodes.len() - 1
    }

    /// Replaces node `i`'s endpoint with a fresh one built from `cfg`.
    pub fn replace(&mut self, i: usize, cfg: UaConfig, gateway: Option<GatewayConfig>) {
        self.nodes[i].ep = Endpoint::new(cfg, gateway.map(Gateway::new), self.now, SystemTime::UNIX_EPOCH);
    }

    /// The endpoint of node `i`.
    pub fn ep(&mut self, i: usize) -> &mut Endpoint {
        &mut self.nodes[i].ep
    }

    /// Sets every link to `link`.
    pub fn set_links(&mut self, link: Link) {
        self.link = link;
        self.links.clear();
    }

    /// Takes every output of every node: transmits onto the wire, media
    /// commands into the media model, events into `events`.
    fn collect(&mut self) {
        loop {
            let mut busy = false;
            for i in 0..self.nodes.len() {
                let from = self.nodes[i].addr;
                loop {
                    while let Some(cmd) = self.nodes[i].ep.poll_media_command() {
                        self.on_media(i, cmd);
                    }
                    let Some(t) = self.nodes[i].ep.poll_transmit() else {
                        break;
                    };
                    self.send(from, t.peer.addr, t.bytes.to_vec());
                }
                while let Some(ev) = self.nodes[i].ep.poll_event() {
                    self.events.push((i, ev));
                }
                while let Some(r) = self.nodes[i].ep.poll_resolve() {
                    self.lookups.push((i, r.query.clone(), self.now));
                    let at = self.now + self.dns_latency;
                    let host = r.query.host.clone();
                    let answer = match self.dns.get(&host).cloned() {
                        Some(DnsAnswer::Silent) => continue,
                        Some(DnsAnswer::Fails(e)) => Err(e),
                        Some(DnsAnswer::Servers(groups, ttl)) => Ok(ServerSet {
                            groups,
                            valid_until: at + ttl,
                        }),
                        None => Err(LocateError::NotFound(host)),
                    };
                    self.dns_flight.push((at, i, r.id, answer));
                }
            }
            for (i, ev) in std::mem::take(&mut self.media_events) {
                busy = true;
                self.nodes[i].ep.handle_media_event(self.now, ev);
            }
            if !busy {
                break;
            }
        }
    }

    /// What a worker would do with `cmd`, checked against node `i`'s calls.
    fn on_media(&mut self, i: usize, cmd: MediaCommand) {
        let node = &mut self.nodes[i];
        node.media_log.push((self.now, cmd.clone()));
        let call = cmd.call();
        let known = node.media.contains_key(&call);
        match &cmd {
            MediaCommand::AddCall { .. } | MediaCommand::AddAudioCall { .. } if known => {
                self.media_errors.push(format!("node {i}: call {call} added twice"))
            }
            MediaCommand::AddCall { .. } | MediaCommand::AddAudioCall { .. } => {
                node.media.insert(call, cmd);
            }
            MediaCommand::UpdateLeg { .. } | MediaCommand::SendDtmf { .. } if !known => self
                .media_errors
                .push(format!("node {i}: update of unknown call {call}")),
            MediaCommand::UpdateLeg { .. } | MediaCommand::SendDtmf { .. } | MediaCommand::Capture { .. } => {}
            MediaCommand::RemoveCall { .. } if !known => self
                .media_errors
                .push(format!("node {i}: removal of unknown call {call}")),
            MediaCommand::RemoveCall { .. } => {
                let b = match node.media.remove(&call).expect("known") {
                    MediaCommand::AddCall { b, .. } => b,
                    _ => None,
                };
                // Counts a test can find in the call's record: leg A sent
                // 50 packets, leg B 60.
                let sent = |n| LegStats {
                    tx_packets: n,
                    ..Default::default()
                };
                let stats = [Some(sent(50)), b.map(|_| sent(60))];
                self.media_events.push((i, MediaEvent::Removed { call, stats }));
            }
        }
    }

    fn link_of(&self, from: SocketAddr, to: SocketAddr) -> Link {
        self.links.get(&(from, to)).copied().unwrap_or(self.link)
    }

    /// Puts a datagram on the wire (subject to the link and the drop filter).
    pub fn send(&mut self, from: SocketAddr, to: SocketAddr, bytes: Vec<u8>) {
        let link = self.link_of(from, to);
        let mut sent = Sent {
            at: self.now,
            from,
            to,
            text: String::from_utf8_lossy(&bytes).into_owned(),
            delivered: true,
            arrival: None,
        };
        let lost = self.rng.r#gen::<f64>() < link.loss || self.drop_if.as_mut().is_some_and(|f| f(&sent));
        sent.delivered = !lost;
        if !lost {
            let copies = 1 + usize::from(self.rng.r#gen::<f64>() < link.duplicate);
            for _ in 0..copies {
                let extra = link.jitter.mul_f64(self.rng.r#gen::<f64>());
                self.seq += 1;
                let at = self.now + link.latency + extra;
                sent.arrival = Some(sent.arrival.map_or(at, |t| t.min(at)));
                self.flight.push(Reverse((at, self.seq, from, to, bytes.clone())));
            }
        }
        self.log.push(sent);
    }

    pub fn command(&mut self, i: usize, cmd: Command) {
        self.nodes[i].ep.handle_command(self.now, cmd);
        self.collect();
    }

    /// A media worker of node `i` reports `ev`.
    pub fn media_event(&mut self, i: usize, ev: MediaEvent) {
        self.nodes[i].ep.handle_media_event(self.now, ev);
        self.collect();
    }

    /// Advances to the next arrival or deadline; false when nothing is pending.
    pub fn step(&mut self) -> bool {
        let Some(next) = self.next_time() else {
            return false;
        };
        self.now = self.now.max(next);
        while let Some(Reverse((at, ..))) = self.flight.peek() {
            if *at > self.now {
                break;
            }
            let Reverse((_, _, from, to, bytes)) = self.flight.pop().expect("peeked");
            let peer = Peer {
                transport: TransportKind::Udp,
                addr: from,
            };
            if let Some(node) = self.nodes.iter_mut().find(|n| n.addr == to) {
                node.ep.handle_datagram(self.now, peer, &bytes);
            }
        }
        let now = self.now;
        let (due, later): (Vec<DnsFlight>, Vec<DnsFlight>) = std::mem::take(&mut self.dns_flight)
            .into_iter()
            .partition(|f| f.0 <= now);
        self.dns_flight = later;
        for (_, i, id, answer) in due {
            self.nodes[i].ep.handle_resolved(now, id, answer);
        }
        for node in &mut self.nodes {
            if node.ep.poll_timeout().is_some_and(|t| t <= self.now) {
                node.ep.handle_timeout(self.now);
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
        let deadline = self.nodes.iter().filter_map(|n| n.ep.poll_timeout()).min();
        let dns = self.dns_flight.iter().map(|f| f.0).min();
        [arrival, deadline, dns].into_iter().flatten().min()
    }

    pub fn elapsed(&self) -> Duration {
        self.now - self.start
    }

    /// Removes and returns the events of node `i`.
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

    /// The id of the first Incoming event of node `i`, consuming that event.
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

    /// Live calls and transactions of node `i`.
    pub fn load(&self, i: usize) -> (usize, usize) {
        let (_, calls, txs) = self.nodes[i].ep.stats();
        (calls, txs)
    }

    /// A caller UA ([`CALLER`], at addr(0)), a gateway configured `gw`
    /// ([`GW`], addr(1)) and a callee UA ([`CALLEE`], addr(2)); with
    /// `forward_to(addr(2), &[])` the gateway bridges to the callee.
    pub fn bridge(seed: u64, gw: GatewayConfig) -> Self {
        let mut net = Net::new(1, seed);
        net.add(ua_config(addr(1), seed + 1), Some(gw));
        net.add(ua_config(addr(2), seed + 2), None);
        net
    }

    /// The counters of gateway node `i`.
    pub fn gateway_stats(&self, i: usize) -> GatewayStats {
        self.nodes[i].ep.gateway().expect("a gateway node").stats()
    }

    /// Runs until `done` holds or `within` (simulated) has passed; whether
    /// it held. Time stops where `done` first held.
    pub fn run_until_true(&mut self, within: Duration, mut done: impl FnMut(&Net) -> bool) -> bool {
        let end = self.now + within;
        loop {
            if done(self) {
                return true;
            }
            match self.next_time() {
                Some(t) if t <= end => {
                    self.step();
                }
                _ => {
                    self.now = self.now.max(end);
                    return done(self);
                }
            }
        }
    }

    /// Runs until node `i` has an event `matches` accepts (within
    /// `within`), and removes and returns it; panics with node `i`'s
    /// events otherwise.
    pub fn wait_event(&mut self, i: usize, within: Duration, matches: impl Fn(&SessionEvent) -> bool) -> SessionEvent {
        match self.try_wait_event(i, within, matches) {
            Ok(ev) => ev,
            Err(e) => panic!("{e}"),
        }
    }

    /// [`Net::wait_event`], with what node `i` had instead as the error.
    pub fn try_wait_event(
        &mut self,
        i: usize,
        within: Duration,
        matches: impl Fn(&SessionEvent) -> bool,
    ) -> Result<SessionEvent, String> {
        let found = |net: &Net| net.events.iter().position(|(j, e)| *j == i && matches(e));
        if !self.run_until_true(within, |net| found(net).is_some()) {
            let mine: Vec<_> = self.events.iter().filter(|(j, _)| *j == i).map(|(_, e)| e).collect();
            return Err(format!(
                "node {i}: no such event within {within:?} (at {:?}); it has {mine:?}",
                self.elapsed()
            ));
        }
        let pos = found(self).expect("just found");
        Ok(self.events.remove(pos).1)
    }

    /// [`CALLER`]'s call `a` through the gateway to [`CALLEE`], answered
    /// by both: the callee's id.
    pub fn call_through_gateway(&mut self, a: CallId) -> CallId {
        let second = Duration::from_secs(1);
        let uri = format!("sip:bob@{}", addr(GW as u16));
        self.command(CALLER, Command::Call(a, uri, TransportKind::Udp));
        let b = self.wait_incoming(CALLEE, second);
        self.command(CALLEE, Command::Accept(b, MediaMode::None));
        wait_for!(self, CALLER, second, SessionEvent::Answered(i) if *i == a);
        wait_for!(self, CALLEE, second, SessionEvent::Answered(i) if *i == b);
        b
    }

    /// The id of node `i`'s next incoming call, waiting up to `within`.
    pub fn wait_incoming(&mut self, i: usize, within: Duration) -> CallId {
        match self.wait_event(i, within, |e| matches!(e, SessionEvent::Incoming(..))) {
            SessionEvent::Incoming(id, _) => id,
            _ => unreachable!(),
        }
    }

    /// Datagrams that have reached `to` by now (for a hand-written peer)
    /// whose first line starts with `prefix`, in the order they were sent.
    pub fn received(&self, to: SocketAddr, prefix: &str) -> Vec<&Sent> {
        self.log
            .iter()
            .filter(|s| s.to == to && s.arrival.is_some_and(|t| t <= self.now) && s.first_line().starts_with(prefix))
            .collect()
    }

    /// Runs until `n` datagrams starting with `prefix` have reached `to`
    /// (within `within`) and returns the `n`th; panics otherwise.
    pub fn wait_received(&mut self, to: SocketAddr, prefix: &str, n: usize, within: Duration) -> String {
        assert!(n > 0, "the first is n = 1");
        if !self.run_until_true(within, |net| net.received(to, prefix).len() >= n) {
            let got: Vec<_> = self.log.iter().filter(|s| s.to == to).map(|s| s.first_line()).collect();
            panic!("no {prefix:?} #{n} at {to} within {within:?}; it got {got:?}");
        }
        self.received(to, prefix)[n - 1].text.clone()
    }

    /// Node `i`'s media commands, in order.
    pub fn media_commands(&self, i: usize) -> impl Iterator<Item = &MediaCommand> {
        self.nodes[i].media_log.iter().map(|(_, c)| c)
    }
}
