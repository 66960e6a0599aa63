//! The handle behind servers and clients: commands in, events out.

use super::config::Parts;
use super::{ApiError, CallEvent, IncomingCall, Stats};
use crate::driver::{Control, Driver, LiveStats};
use crate::gateway::{Gateway, GatewayConfig};
use crate::ids::{CallId, TransportKind};
use crate::media::{MediaConfig, MediaPlane, WorkerConfig};
use crate::session::{Command, SessionEvent, UserAgent};
use crate::transport::{self, TcpTable};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::Duration;
use tokio::sync::mpsc;

/// Depth of the command and event queues.
const QUEUE: usize = 65536;

/// A running SIP endpoint (server or client).
pub struct SipUa {
    commands: mpsc::Sender<Command>,
    events: mpsc::Receiver<SessionEvent>,
    pub(crate) stats: Arc<LiveStats>,
    local: SocketAddr,
    next_id: AtomicU64,
    transport: TransportKind,
    pub(crate) media: Arc<MediaPlane>,
    pub(crate) control: mpsc::Sender<Control>,
}

pub(crate) async fn start(parts: Parts, gateway: Option<GatewayConfig>) -> Result<SipUa, ApiError> {
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
    let (control, control_rx) = mpsc::channel(4);
    let stats = Arc::new(LiveStats::default());
    let (media_tx, media_events) = mpsc::channel(QUEUE);
    let worker = WorkerConfig {
        ip: cfg.media_addr,
        relatch: Duration::from_secs(2),
        timeout: cfg.media_timeout,
        opus_complexity: 5,
        park_max: usize::MAX,
    };
    let media = MediaPlane::start(
        MediaConfig {
            workers: cfg.media_workers,
            pin: true,
            worker,
        },
        media_tx,
    )
    .map_err(|e| ApiError::Config(format!("media workers: {e}")))?;
    let media = Arc::new(media);
    ua.media_workers = media.workers();
    let driver = Driver {
        ua: UserAgent::new(ua),
        udp: Arc::new(udp),
        inbound: in_rx,
        tcp: TcpTable::new(in_tx, cfg.tcp_idle, cfg.tcp_max),
        commands: cmd_rx,
        events: ev_tx,
        stats: stats.clone(),
        media: media.clone(),
        media_events,
        gateway: gateway.map(Gateway::new),
        control: control_rx,
        passed: Default::default(),
    };
    tokio::spawn(driver.run());
    Ok(SipUa {
        commands: cmd_tx,
        events: ev_rx,
        stats,
        local,
        next_id: AtomicU64::new(1 << 62),
        media: media.clone(),
        transport: default_transport,
        control,
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
            SessionEvent::EarlyMedia(id) => CallEvent::EarlyMedia(id),
            SessionEvent::Answered(id) => CallEvent::Answered(id),
            SessionEvent::Held(id) | SessionEvent::PeerHeld(id) => CallEvent::Held(id),
            SessionEvent::Resumed(id) | SessionEvent::PeerResumed(id) => CallEvent::Resumed(id),
            SessionEvent::Ended(id, r) => CallEvent::Ended(id, r),
            SessionEvent::Failed(id, s) => CallEvent::Failed(id, s),
            SessionEvent::Record(r) => CallEvent::Record(r),
        })
    }

    fn send(&self, cmd: Command) -> Result<(), ApiError> {
        self.commands.try_send(cmd).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => {
                self.stats.command_overflow.fetch_add(1, Relaxed);
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
        self.send(Command::Call(id, uri.to_owned(), transport)).map(|_| id)
    }

    /// A handle for a metrics exporter (Prometheus text via
    /// [`Metrics::render`]).
    pub fn metrics(&self) -> super::Metrics {
        super::Metrics {
            stats: self.stats.clone(),
            media: self.media.clone(),
            gateway: false,
        }
    }

    /// Current counters.
    pub fn stats(&self) -> Stats {
        Stats::read(&self.stats)
    }
}
