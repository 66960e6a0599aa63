//! Calls: each call's dialog(s), SDP state and media ports, and the UA core
//! that routes transaction events to calls and API commands to the layers
//! below. Never builds a SIP message itself: it asks `dialog` and `sip`.
//!
//! Loop contract (sans-IO): `handle_datagram`, `handle_command` and
//! `handle_timeout` take `now`; drain `poll_transmit` and `poll_event`; sleep
//! until `poll_timeout`.

mod bridge;
mod call;
mod checks;
mod config;
mod glare;
mod inbound;
mod local;
mod media;
mod ok_retransmit;
mod overload;
mod ports;
mod receive;
mod record;
mod redirect;
mod reinvite;
mod teardown;
mod uac;
mod uas;
mod user_agent;

pub use call::{Call, CallState, Role};
pub use config::{UaConfig, UaStats};
pub use ports::PortPool;
pub use record::{CallRecord, LegRecord};
pub use user_agent::UserAgent;

use crate::ids::{CallId, Peer, TransportKind};
use crate::sdp::Codec;
use crate::status::StatusCode;

/// Why a call ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndReason {
    /// We sent BYE.
    LocalBye,
    /// They sent BYE.
    RemoteBye,
    /// Cancelled before answer (by either side).
    Cancelled,
    /// We rejected the incoming call with this status.
    Rejected(StatusCode),
    /// Our 2xx was never ACKed (64·T1).
    AckTimeout,
    /// The peer stopped answering in-dialog requests.
    Timeout,
    /// No RTP for the media timeout: we sent BYE.
    MediaTimeout,
}

/// What an answered call's media does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaMode {
    /// Signalling only: the SDP advertises a port but nothing is bound.
    None,
    /// A media worker sends every packet back to its sender.
    Echo,
}

/// Details of an incoming call.
#[derive(Debug, Clone)]
pub struct IncomingInfo {
    /// From header value.
    pub from: String,
    /// To header value.
    pub to: String,
    /// Request-URI.
    pub uri: String,
    /// Where it came from.
    pub peer: Peer,
}

/// What the session layer reports upward.
#[derive(Debug, Clone)]
pub enum SessionEvent {
    /// A new call must be accepted or rejected.
    Incoming(CallId, IncomingInfo),
    /// 180/183 received for our call.
    Ringing(CallId),
    /// Our call's first provisional with SDP: early media can flow.
    EarlyMedia(CallId),
    /// The call is established.
    Answered(CallId),
    /// Our hold re-INVITE succeeded.
    Held(CallId),
    /// Our resume re-INVITE succeeded.
    Resumed(CallId),
    /// The peer put the call on hold (its re-INVITE, answered).
    PeerHeld(CallId),
    /// The peer resumed the call.
    PeerResumed(CallId),
    /// The call ended.
    Ended(CallId, EndReason),
    /// Our call failed with a final status.
    Failed(CallId, StatusCode),
    /// A call's detail record, once all its legs ended and its media
    /// reported (keyed by the incoming leg of a bridge).
    Record(Box<CallRecord>),
}

/// What the API asks of the session layer.
#[derive(Debug, Clone)]
pub enum Command {
    /// Send 180 Ringing.
    Ring(CallId),
    /// Answer 200 with SDP; media as `MediaMode` says.
    Accept(CallId, MediaMode),
    /// Reject with a final status.
    Reject(CallId, StatusCode),
    /// Hang up (BYE), cancel (CANCEL) or reject (480) as the state requires.
    End(CallId),
    /// Put on hold (re-INVITE with a=sendonly).
    Hold(CallId),
    /// Resume (re-INVITE with a=sendrecv).
    Resume(CallId),
    /// Place a call to `uri`.
    Call(CallId, String, TransportKind),
    /// Place a call as `Outbound` says (codecs offered, media mode).
    Place(CallId, Box<Outbound>),
    /// Place call `b` as the outbound leg of incoming call `a`: the offer
    /// follows `a`'s (or the route's codecs) and the two share one media
    /// call on the workers, transcoded when their codecs differ.
    Bridge {
        /// The new outbound call.
        b: CallId,
        /// The incoming call it serves.
        a: CallId,
        /// Where and how.
        out: Box<Outbound>,
    },
    /// Send 183 with our SDP on incoming bridged call `a` (its outbound
    /// leg has early media).
    EarlyMedia(CallId),
}

impl Command {
    /// The call the command is for (a bridge: its new outbound leg).
    pub fn call(&self) -> CallId {
        match self {
            Command::Ring(id)
            | Command::Accept(id, _)
            | Command::Reject(id, _)
            | Command::End(id)
            | Command::Hold(id)
            | Command::Resume(id)
            | Command::Call(id, ..)
            | Command::Place(id, _)
            | Command::EarlyMedia(id) => *id,
            Command::Bridge { b, .. } => *b,
        }
    }
}

/// An outbound call's target and offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outbound {
    /// Request-URI.
    pub uri: String,
    /// Transport unless the URI names one.
    pub transport: TransportKind,
    /// Codecs to offer (empty: the UA's own list).
    pub codecs: Vec<Codec>,
    /// User part of our From (empty: the UA's user).
    pub from_user: String,
    /// What the call's media does once answered (a bridge leg: ignored).
    pub media: MediaMode,
}

impl Outbound {
    /// A plain call to `uri`: our codecs, our user, no media.
    pub fn to(uri: String, transport: TransportKind) -> Self {
        Outbound {
            uri,
            transport,
            codecs: Vec::new(),
            from_user: String::new(),
            media: MediaMode::None,
        }
    }
}
