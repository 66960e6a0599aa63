//! The handle behind servers and clients: commands in, events out.

use super::{ApiError, CallEvent, IncomingCall, Stats};
use crate::driver::{Control, LiveStats};
use crate::ids::{CallId, TransportKind};
use crate::media::MediaPlane;
use crate::session::{Command, SessionEvent};
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use tokio::sync::mpsc;

/// A running SIP endpoint (server or client).
pub struct SipUa {
    /// One queue per signalling shard; call `c`'s commands go to shard
    /// `c % len`.
    pub(crate) commands: Vec<mpsc::Sender<Command>>,
    pub(crate) events: mpsc::Receiver<SessionEvent>,
    pub(crate) stats: Arc<LiveStats>,
    pub(crate) local: SocketAddr,
    pub(crate) local_alt: Option<SocketAddr>,
    pub(crate) tls_local: Option<SocketAddr>,
    pub(crate) tls: Option<super::tls_start::Tls>,
    pub(crate) next_id: AtomicU64,
    pub(crate) transport: TransportKind,
    pub(crate) media: Arc<MediaPlane>,
    /// One per shard.
    pub(crate) control: Vec<mpsc::Sender<Control>>,
    /// The audio of calls that did not ask for it, until taken.
    pub(crate) shelf: super::shelf::AudioShelf,
    /// The cluster's counters, when a node of one.
    pub(crate) cluster: Option<std::sync::Arc<crate::cluster::ClusterStats>>,
}

impl SipUa {
    /// The bound SIP address (UDP and TCP).
    pub fn local_addr(&self) -> SocketAddr {
        self.local
    }

    /// The bound second SIP address, in the other IP family, when there
    /// is one (`ServerConfig::sip_addr_alt`).
    pub fn alt_addr(&self) -> Option<SocketAddr> {
        self.local_alt
    }

    /// The bound TLS address, when TLS is on.
    pub fn tls_addr(&self) -> Option<SocketAddr> {
        self.tls_local
    }

    /// New certificate chain, key and CA bundle for the TLS handshakes to
    /// come (e.g. files reread on SIGHUP); connections and calls go on, and
    /// on an error the old ones stay. `cfg.listen` is not rebound.
    pub fn reload_tls(&self, cfg: &super::TlsConfig) -> Result<(), ApiError> {
        match &self.tls {
            Some(t) => t.reload(cfg),
            None => Err(ApiError::Config("tls: not on".into())),
        }
    }

    /// The next call event; `None` once the endpoint has stopped.
    pub async fn next_event(&mut self) -> Option<CallEvent> {
        loop {
            let ev = self.events.recv().await?;
            if let Some(ev) = self.call_event(ev) {
                return Some(ev);
            }
        }
    }

    /// The command queue of the shard owning call `id`.
    pub(super) fn shard_queue(&self, id: CallId) -> &mpsc::Sender<Command> {
        &self.commands[(id.0 % self.commands.len() as u64) as usize]
    }

    pub(super) fn send(&self, cmd: Command) -> Result<(), ApiError> {
        self.shard_queue(cmd.call()).try_send(cmd).map_err(|e| match e {
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

    /// The audio of a call placed with [`make_call`](Self::make_call) (or
    /// `make_call_via`, or `make_call_with` unless signalling only) or
    /// answered with [`accept_call`](Self::accept_call), at 8 kHz: once,
    /// while the call lasts. Until taken the call sends silence and what
    /// it hears is not kept.
    pub fn take_audio(&self, id: CallId) -> Option<super::CallAudio> {
        self.shelf.take(id)
    }

    /// Answers an incoming call with its audio for the application (see
    /// [`IncomingCall::accept_audio`]).
    pub fn accept_call_audio(
        &self,
        call: IncomingCall,
        cfg: super::AudioConfig,
    ) -> Result<(CallId, super::CallAudio), ApiError> {
        call.accept_audio(cfg)
    }

    /// Rejects an incoming call with a final `status` (300–699).
    pub fn reject_call(&self, call: IncomingCall, status: crate::status::StatusCode) -> Result<(), ApiError> {
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

    /// A handle for a metrics exporter (Prometheus text via
    /// [`super::Metrics::render`]).
    pub fn metrics(&self) -> super::Metrics {
        super::Metrics {
            stats: self.stats.clone(),
            media: self.media.clone(),
            gateway: false,
            tls: self.tls.as_ref().map(|t| t.server.stats()),
            cluster: self.cluster.clone(),
        }
    }

    /// Replaces who may authenticate (`ServerConfig::auth`) without
    /// dropping a call: e.g. a credentials file reread on SIGHUP.
    pub fn set_credentials(&self, credentials: super::Credentials) -> Result<(), ApiError> {
        let credentials = Arc::new(credentials);
        for c in &self.control {
            c.try_send(Control::Credentials(credentials.clone()))
                .map_err(|_| ApiError::Closed)?;
        }
        Ok(())
    }

    /// Current counters.
    pub fn stats(&self) -> Stats {
        Stats::read(&self.stats)
    }
}
