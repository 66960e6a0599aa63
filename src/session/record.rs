//! Call detail records: one per call (a bridge's two legs in one record),
//! what each leg and its media came to. `Records` fills them in.

use super::{EndReason, SessionEvent};
use serde::Serialize;
use std::borrow::Cow;

/// One SIP leg of a call.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LegRecord {
    /// `in` (we answered) or `out` (we called).
    pub direction: &'static str,
    /// Its SIP Call-ID.
    pub call_id: String,
    /// The peer's address (written `ip:port`, as `SocketAddr` shows it;
    /// kept as the address, so that closing a leg copies no text).
    pub peer: Option<std::net::SocketAddr>,
    /// When the INVITE came or went (Unix ms).
    pub start_ms: u64,
    /// When it was answered, if it was.
    pub answer_ms: Option<u64>,
    /// When it ended.
    pub end_ms: u64,
    /// Why it ended (`remote_bye`, `local_bye`, `cancelled`, `rejected_486`, `failed_408`…).
    pub end: Cow<'static, str>,
    /// The voice codec agreed, if any.
    pub codec: Option<crate::sdp::Token>,
    /// RTP packets received from this leg's peer.
    pub rtp_in: u64,
    /// RTP packets sent to it.
    pub rtp_out: u64,
    /// Packets lost on the way in (RFC 3550).
    pub rtp_lost: u64,
    /// Final interarrival jitter (ms, RFC 3550).
    pub jitter_ms: f64,
}

/// A finished call.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CallRecord {
    /// Seconds from the first answer to the first leg's end (0 if never answered).
    pub duration_s: f64,
    /// The legs: the incoming one first.
    pub legs: Vec<LegRecord>,
    /// The cluster nodes that ran it, first first (none outside a cluster).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nodes: Vec<String>,
}

pub(super) fn end_text(ev: Option<&SessionEvent>) -> Cow<'static, str> {
    match ev {
        Some(SessionEvent::Ended(_, r)) => match r {
            EndReason::LocalBye => "local_bye".into(),
            EndReason::RemoteBye => "remote_bye".into(),
            EndReason::Cancelled => "cancelled".into(),
            EndReason::Rejected(s) => format!("rejected_{s}").into(),
            EndReason::AckTimeout => "ack_timeout".into(),
            EndReason::Timeout => "timeout".into(),
            EndReason::MediaTimeout => "media_timeout".into(),
            EndReason::NotAgreed => "not_agreed".into(),
            EndReason::SessionExpired => "session_expired".into(),
            EndReason::Transferred => "transferred".into(),
            EndReason::Disowned => "taken_over_elsewhere".into(),
            EndReason::NoMedia => "no_media".into(),
        },
        Some(SessionEvent::Failed(_, s)) => format!("failed_{s}").into(),
        _ => "ended".into(),
    }
}
