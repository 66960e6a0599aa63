//! Call events and the incoming call that must be answered.

use crate::ids::CallId;
use crate::session::{Command, EndReason, Fork, MediaMode};
use crate::status::StatusCode;
use std::net::SocketAddr;
use tokio::sync::mpsc;

/// What happens to calls, in order, per call.
#[derive(Debug)]
pub enum CallEvent {
    /// A new call: accept or reject it (dropping it rejects with 480).
    Incoming(IncomingCall),
    /// The far end is ringing (its first 180/183).
    Ringing(CallId),
    /// The far end sent SDP in a provisional (early media).
    EarlyMedia(CallId),
    /// Our INVITE forked: a provisional opened a new early dialog (a
    /// callee told apart by its To tag), or moved the early media to the
    /// fork that sent it. Told once a second fork appears (the first
    /// fork's event then comes before it); a call that did not fork has
    /// none, only `Ringing` and `EarlyMedia` as before.
    EarlyDialog(CallId, Fork),
    /// The call is established.
    Answered(CallId),
    /// Media on hold.
    Held(CallId),
    /// Media resumed.
    Resumed(CallId),
    /// Our hold or resume was refused with this status (a 491, or a 500
    /// or 503 asking to retry soon, is retried first): the media stay as
    /// they were.
    HoldFailed(CallId, StatusCode),
    /// The call ended.
    Ended(CallId, EndReason),
    /// Our outgoing call failed with this SIP status.
    Failed(CallId, StatusCode),
    /// A digit the far end sent, once, with how long it was held: RFC
    /// 4733 on a call with audio (at its end), or in an INFO
    /// (`application/dtmf-relay` or `application/dtmf`) on any call. On a
    /// gateway, also RFC 4733 on a bridge leg whose other leg takes INFO
    /// (the gateway sends it on; see docs/dtmf.md).
    Dtmf(CallId, char, std::time::Duration),
    /// An INFO the far end sent in the call's dialog (answered 200): its
    /// content type (lowercase, no parameters; empty without a body) and
    /// body. A DTMF INFO also gives a `Dtmf` event.
    Info(CallId, String, String),
    /// A NOTIFY the far end sent in the call's dialog (answered 200).
    Notify(CallId, Box<crate::session::Notice>),
    /// How [`SipUa::transfer_call`](super::SipUa::transfer_call) ended:
    /// the status of the target's final response as the far end reported
    /// it (or its refusal of our REFER). A 2xx: the far end is talking to
    /// the target and the call ends (`Ended(.., Transferred)` follows);
    /// 202 when the far end took it on but reports nothing (RFC 4488).
    /// Otherwise the call goes on as it was.
    Transferred(CallId, StatusCode),
    /// A call's detail record (one per call; a bridge's legs together),
    /// once every leg has ended and its media has been counted.
    Record(Box<crate::session::CallRecord>),
}

/// An incoming call: a value that must be accepted or rejected.
#[derive(Debug)]
pub struct IncomingCall {
    pub(crate) id: CallId,
    pub(crate) from: String,
    pub(crate) to: String,
    pub(crate) uri: String,
    pub(crate) source: SocketAddr,
    pub(crate) target: Option<String>,
    pub(crate) commands: Option<mpsc::Sender<Command>>,
    pub(crate) shelf: super::shelf::AudioShelf,
}

impl IncomingCall {
    /// The call's id (events about it carry the same).
    pub fn id(&self) -> CallId {
        self.id
    }

    /// The From header value.
    pub fn from(&self) -> &str {
        &self.from
    }

    /// The To header value.
    pub fn to(&self) -> &str {
        &self.to
    }

    /// The Request-URI.
    pub fn uri(&self) -> &str {
        &self.uri
    }

    /// The user part of the Request-URI (`sip:busy@host` gives `busy`).
    pub fn user(&self) -> &str {
        let rest = self.uri.split_once(':').map_or(self.uri.as_str(), |(_, r)| r);
        rest.split_once('@').map_or("", |(u, _)| u)
    }

    /// The address the INVITE came from.
    pub fn source(&self) -> SocketAddr {
        self.source
    }

    /// The gateway route's application target that handed the call here
    /// (`RouteAction::Application`), if any.
    pub fn target(&self) -> Option<&str> {
        self.target.as_deref()
    }

    /// A handle that can end the call later (for a task that serves it).
    pub(crate) fn hangup(&self) -> Option<(CallId, mpsc::Sender<Command>)> {
        self.commands.clone().map(|c| (self.id, c))
    }

    fn command(&self, cmd: Command) -> Result<(), super::ApiError> {
        let tx = self.commands.as_ref().ok_or(super::ApiError::Closed)?;
        tx.try_send(cmd).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => super::ApiError::Overloaded,
            mpsc::error::TrySendError::Closed(_) => super::ApiError::Closed,
        })
    }

    /// Sends 180 Ringing; the call still waits to be accepted or rejected.
    pub fn ring(&self) -> Result<(), super::ApiError> {
        self.command(Command::Ring(self.id))
    }

    /// Answers 200 OK with our SDP (a no-op if the caller gave up); the
    /// call's audio is bound at 8 kHz (silence sent until the application
    /// takes it with [`SipUa::take_audio`](super::SipUa::take_audio)).
    pub fn accept(self) -> Result<CallId, super::ApiError> {
        let attach = self.shelf.bind(self.id);
        self.command(Command::Audio(self.id, attach))?;
        self.command(Command::Accept(self.id, MediaMode::Audio))?;
        Ok(self.take().0)
    }

    /// Answers 200 OK with the call's audio for the application: decoded
    /// 20 ms frames of what the caller sends, and frames to send it, at
    /// `cfg.rate` (see [`CallAudio`](super::CallAudio)); the codec, RTP,
    /// SRTP, pacing and re-INVITEs stay under the handle.
    pub fn accept_audio(self, cfg: super::AudioConfig) -> Result<(CallId, super::CallAudio), super::ApiError> {
        if !cfg.is_valid() {
            return Err(super::ApiError::Config(format!(
                "audio rate {} (8000, 16000 or 48000) and a queue of at least one frame",
                cfg.rate
            )));
        }
        let (attach, audio) = crate::media::audio::pipes(cfg);
        self.command(Command::Audio(self.id, attach))?;
        self.command(Command::Accept(self.id, MediaMode::Audio))?;
        Ok((self.take().0, audio))
    }

    /// Answers 200 OK and echoes the caller's RTP back to it from a media
    /// worker (the echo service).
    pub fn accept_echo(self) -> Result<CallId, super::ApiError> {
        self.command(Command::Accept(self.id, MediaMode::Echo))?;
        Ok(self.take().0)
    }

    /// Rejects with a final `status` (300–699; another is sent as 500).
    pub fn reject(self, status: StatusCode) -> Result<(), super::ApiError> {
        self.command(Command::Reject(self.id, status))?;
        self.take();
        Ok(())
    }

    /// Marks the call answered or rejected: no reject on drop.
    pub(crate) fn take(mut self) -> (CallId, Option<mpsc::Sender<Command>>) {
        (self.id, self.commands.take())
    }
}

impl Drop for IncomingCall {
    fn drop(&mut self) {
        if let Some(tx) = self.commands.take() {
            // An unanswered call must not ring forever: reject it.
            let _ = tx.try_send(Command::Reject(self.id, StatusCode::TEMPORARILY_UNAVAILABLE));
        }
    }
}
