//! The handle behind servers and clients: commands in, events out.

use super::config::Parts;
use super::{ApiError, CallEvent, IncomingCall};
use crate::driver::{Driver, LiveStats};
use crate::ids::{CallId, TransportKind};
use crate::session::{Command, SessionEvent, UserAgent};
use crate::transport::{self, TcpTable};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use tokio::sync::mpsc;

/// Depth of the command and event queues.
const QUEUE: usize = 65536;

/// A snapshot of an endpoint's counters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stats {
    /// Calls in progress.
    pub active: u64,
    /// Calls created.
    pub total: u64,
    /// Calls answered.
    pub answered: u64,
    /// Calls failed or rejected.
    pub failed: u64,
    /// INVITEs refused with 503 (overload).
    pub overload: u64,
    /// Malformed messages answered with an error.
    pub bad_answered: u64,
    /// Messages dropped unanswered.
    pub dropped: u64,
    /// Live transactions.
    pub transactions: u64,
    /// Events lost because the event queue was full.
    pub event_overflow: u64,
    /// Commands refused because the command queue was full.
    pub command_overflow: u64,
}

/// A running SIP endpoint (server or client).
pub struct SipUa {
    commands: mpsc::Sender<Command>,
    events: mpsc::Receiver<SessionEvent>,
    stats: Arc<LiveStats>,
    local: SocketAddr,
    next_id: AtomicU64,
    command_overflow: AtomicU64,
    transport: TransportKind,
}

/// A SIP server (see [`super::create_sip_server`]).
pub struct SipServer(pub(crate) SipUa);
/// A SIP client (see [`super::create_sip_client`]).
pub struct SipClient(pub(crate) SipUa);

impl std::ops::Deref for SipServer {
    type Target = SipUa;
    fn deref(&self) -> &SipUa {
        &self.0
    }
}
impl std::ops::DerefMut for SipServer {
    fn deref_mut(&mut self) -> &mut SipUa {
        &mut self.0
    }
}
impl std::ops::Deref for SipClient {
    type Target = SipUa;
    fn deref(&self) -> &SipUa {
        &self.0
    }
}
impl std::ops::DerefMut for SipClient {
    fn deref_mut(&mut self) -> &mut SipUa {
        &mut self.0
    }
}

pub(crate) async fn start(parts: Parts) -> Result<SipUa, ApiError> {
    let Parts {
        mut ua,
        cfg,
        default_transport,
    } = parts;
    let bind_err = |addr, source| ApiError::Bind { addr, source };
    let udp = transport::bind_udp(cfg.sip_addr).map_err(|e| bind_err(cfg.sip_addr, e))?;
    let local = udp.local_addr().map_err(|e| bind_err(cfg.sip_addr, e))?;
    let (in_tx, in_rx) = mpsc::channel(QUEUE);
    if cfg.tcp {
        transport::listen_tcp(local, in_tx.clone(), cfg.tcp_idle)
            .await
            .map_err(|e| bind_err(local, e))?;
    }
    ua.local = local;
    let (cmd_tx, cmd_rx) = mpsc::channel(QUEUE);
    let (ev_tx, ev_rx) = mpsc::channel(QUEUE);
    let stats = Arc::new(LiveStats::default());
    let driver = Driver {
        ua: UserAgent::new(ua),
        udp: Arc::new(udp),
        inbound: in_rx,
        tcp: TcpTable::new(in_tx, cfg.tcp_idle, cfg.tcp_max),
        commands: cmd_rx,
        events: ev_tx,
        stats: stats.clone(),
    };
    tokio::spawn(driver.run());
    Ok(SipUa {
        commands: cmd_tx,
        events: ev_rx,
        stats,
        local,
        next_id: AtomicU64::new(1 << 62),
        command_overflow: AtomicU64::new(0),
        transport: default_transport,
    })
}

impl SipUa {
    /// The bound SIP address (UDP and TCP).
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// The next call event; `None` once the endpoint has stopped.
    pub async fn next_event(&mut self) -> Option<CallEvent> {
        let ev = self.events.recv().await?;
        Some(match ev {
            SessionEvent::Incoming(id, info) => CallEvent::Incoming(IncomingCall {
                id,
                from: info.from,
                to: info.to,
                uri: info.uri,
                source: info.peer.addr,
                commands: Some(self.commands.clone()),
            }),
            SessionEvent::Ringing(id) => CallEvent::Ringing(id),
            SessionEvent::Answered(id) => CallEvent::Answered(id),
            SessionEvent::Held(id) => CallEvent::Held(id),
            SessionEvent::Resumed(id) => CallEvent::Resumed(id),
            SessionEvent::Ended(id, r) => CallEvent::Ended(id, r),
            SessionEvent::Failed(id, s) => CallEvent::Failed(id, s),
        })
    }

    fn send(&self, cmd: Command) -> Result<(), ApiError> {
        self.commands.try_send(cmd).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => {
                self.command_overflow.fetch_add(1, Relaxed);
                ApiError::Overloaded
            }
            mpsc::error::TrySendError::Closed(_) => ApiError::Closed,
        })
    }

    /// Sends 180 Ringing for an incoming call (it stays to be answered).
    pub fn ring_call(&self, call: &IncomingCall) -> Result<(), ApiError> {
        call.ring()
    }

    /// Answers an incoming call with 200 OK and our SDP.
    pub fn accept_call(&self, call: IncomingCall) -> Result<CallId, ApiError> {
        call.accept()
    }

    /// Rejects an incoming call with a final `status` (300–699).
    pub fn reject_call(&self, call: IncomingCall, status: u16) -> Result<(), ApiError> {
        call.reject(status)
    }

    /// Ends a call: BYE when established, CANCEL while ringing.
    pub fn end_call(&self, id: CallId) -> Result<(), ApiError> {
        self.send(Command::End(id))
    }

    /// Puts the far end on hold (re-INVITE, a=sendonly).
    pub fn hold_call(&self, id: CallId) -> Result<(), ApiError> {
        self.send(Command::Hold(id))
    }

    /// Resumes a held call (re-INVITE, a=sendrecv).
    pub fn resume_call(&self, id: CallId) -> Result<(), ApiError> {
        self.send(Command::Resume(id))
    }

    /// Calls `uri` over the default transport (or the URI's `;transport=`).
    pub fn make_call(&self, uri: &str) -> Result<CallId, ApiError> {
        self.make_call_via(uri, self.transport)
    }

    /// Calls `uri`, over `transport` unless the URI names one.
    pub fn make_call_via(&self, uri: &str, transport: TransportKind) -> Result<CallId, ApiError> {
        let id = CallId(self.next_id.fetch_add(1, Relaxed));
        self.send(Command::Call(id, uri.to_owned(), transport))
            .map(|_| id)
    }

    /// Current counters.
    pub fn stats(&self) -> Stats {
        let s = &self.stats;
        Stats {
            active: s.active.load(Relaxed),
            total: s.total.load(Relaxed),
            answered: s.answered.load(Relaxed),
            failed: s.failed.load(Relaxed),
            overload: s.overload.load(Relaxed),
            bad_answered: s.bad_answered.load(Relaxed),
            dropped: s.dropped.load(Relaxed),
            transactions: s.transactions.load(Relaxed),
            event_overflow: s.event_overflow.load(Relaxed),
            command_overflow: self.command_overflow.load(Relaxed),
        }
    }
}
