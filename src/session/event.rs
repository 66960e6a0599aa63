//! What the session layer reports upward.

use super::IncomingInfo;
use super::record::CallRecord;
use crate::ids::CallId;
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
    /// The peer's answer did not agree with our offer (SRTP we required
    /// missing from it): we sent BYE rather than run the media otherwise.
    NotAgreed,
    /// The session timer ran out without a refresh (RFC 4028 §10): we
    /// sent BYE.
    SessionExpired,
    /// We transferred the peer (our REFER), it reached the target: we
    /// sent BYE.
    Transferred,
    /// Its media could not be anchored (no descriptor or port left to
    /// bind): ended (BYE, or 503 before the answer) rather than left
    /// silent.
    NoMedia,
    /// Another cluster node took the call over while this one's
    /// heartbeat had lapsed: dropped here, nothing sent (issue #19).
    Disowned,
}

/// A transfer the peer asks for (its REFER, RFC 3515): to be taken on
/// (`Command::AnswerRefer` with a 2xx, then its progress with
/// `Command::NotifyRefer`) or refused (`AnswerRefer` with the status).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Referral {
    /// Whom to call (its URI, without URI headers).
    pub target: String,
    /// An attended transfer (RFC 3891 Replaces): the call of ours whose
    /// dialog the referrer has with the target, to be replaced.
    pub replaces: Option<CallId>,
}

/// A NOTIFY the peer sent in the call's dialog (not a transfer's
/// progress, which is `SessionEvent::Transfer`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Its Event header.
    pub event: String,
    /// Its Subscription-State header.
    pub state: String,
    /// Its Content-Type (empty without a body).
    pub content_type: String,
    /// Its body.
    pub body: String,
}

/// How a digit reached us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DtmfSource {
    /// RFC 4733 telephone-event in the call's media.
    Rtp,
    /// An INFO in its dialog (RFC 6086).
    Info,
}

/// One early dialog of an outgoing call: a callee that a forking proxy
/// reached, told apart by the To tag of its provisionals (RFC 3261
/// §12.1.2). The call's dialog becomes the fork whose 2xx comes first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fork {
    /// Its order among the call's forks: 1 for the first To tag seen.
    pub index: u8,
    /// Its To tag.
    pub tag: String,
    /// The status of the provisional that told of it (180, 183, ...).
    pub status: u16,
    /// That provisional carried SDP: the early media now come from it.
    pub media: bool,
}

/// What the session layer reports upward.
#[derive(Debug, Clone)]
pub enum SessionEvent {
    /// A new call must be accepted or rejected.
    Incoming(CallId, IncomingInfo),
    /// Our call's first provisional (180/183) came: it rings. Which fork
    /// it came from is told by [`SessionEvent::EarlyDialog`].
    Ringing(CallId),
    /// Our call's first provisional with SDP: early media can flow.
    EarlyMedia(CallId),
    /// Our INVITE forked: a provisional opened a new early dialog of our
    /// call (a callee told apart by its To tag), or moved the early media
    /// to the fork that sent it (its SDP, the latest, is what the media
    /// follow). Told once a second fork appears (the first fork's event
    /// then comes before it); a call that did not fork has none.
    EarlyDialog(CallId, Fork),
    /// The call is established.
    Answered(CallId),
    /// Our hold re-INVITE succeeded.
    Held(CallId),
    /// Our resume re-INVITE succeeded.
    Resumed(CallId),
    /// A call taken over from another node: its peer took our re-INVITE
    /// (our Contact and media address).
    TakenOver(CallId),
    /// Our hold or resume re-INVITE was refused with this status (after
    /// the retries a 491 or a short Retry-After ask for): the call goes
    /// on, its media as they were.
    HoldFailed(CallId, StatusCode),
    /// The peer put the call on hold (its re-INVITE, answered).
    PeerHeld(CallId),
    /// The peer resumed the call.
    PeerResumed(CallId),
    /// The call ended.
    Ended(CallId, EndReason),
    /// Our call failed with a final status.
    Failed(CallId, StatusCode),
    /// A digit heard on a call, how long it was held, and how it came:
    /// RFC 4733 (on an application's call, or on a bridge leg whose other
    /// leg did not agree telephone-event, for the bridge to send on) or an
    /// INFO (which a bridge sends on from its `Info` event).
    Dtmf(CallId, char, std::time::Duration, DtmfSource),
    /// An INFO the peer sent in the call's dialog: its content type
    /// (lowercase, no parameters; empty without a body) and body.
    Info(CallId, String, String),
    /// The peer asks us to transfer it (a REFER), which must be answered.
    Referred(CallId, Referral),
    /// How our transfer of the peer goes: the status of the target's
    /// latest response (NOTIFY), or the REFER's refusal. A final 2xx is
    /// followed by `Ended(Transferred)`; a 202 final means the peer took
    /// it on without a subscription.
    Transfer(CallId, StatusCode),
    /// The peer's NOTIFY in the dialog.
    Notify(CallId, Box<Notice>),
    /// A call's detail record, once all its legs ended and its media
    /// reported (keyed by the incoming leg of a bridge).
    Record(Box<CallRecord>),
    /// A gateway route asks for the call's packets in a pcap in this
    /// directory (the API writes it, named by the time and the SIP
    /// Call-ID).
    Capture(CallId, std::path::PathBuf, String),
}
