//! What the API (or the gateway) asks of the session layer.

use super::Outbound;
use crate::ids::{CallId, TransportKind};
use crate::status::StatusCode;

/// What an answered call's media does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaMode {
    /// Signalling only: the SDP advertises a port but nothing is bound.
    None,
    /// A media worker sends every packet back to its sender.
    Echo,
    /// An application hears and speaks through the call's
    /// [`AudioAttach`](crate::media::audio::AudioAttach), given in
    /// [`Command::Audio`] before the call is accepted or placed.
    Audio,
}

/// What the API asks of the session layer.
#[derive(Debug, Clone)]
pub enum Command {
    /// Send 180 Ringing.
    Ring(CallId),
    /// Take over a bridged call from a node that died (a gateway's, issue
    /// #19): restore its legs here and re-INVITE both.
    Adopt(Box<super::CallSnapshot>),
    /// Another node took over the bridge whose snapshot key (media call)
    /// this is, while our heartbeat had lapsed: drop both legs, sending
    /// nothing (any shard may be told; the one that has it acts).
    Disown(u64),
    /// Send these digits to the call's peer, each held 100 ms: RFC 4733
    /// when it agreed telephone-event and its media runs on a worker,
    /// else one INFO each (`application/dtmf-relay`).
    SendDtmf(CallId, String),
    /// Send one digit to the call's peer as it agreed (a bridge relaying
    /// it from the other leg): as `SendDtmf`, the INFO being `Digit::info`
    /// when given.
    SendDigit(CallId, Digit),
    /// Send an INFO with this body of this content type (none when empty)
    /// in the call's dialog.
    SendInfo(CallId, String, String),
    /// Answer the peer's REFER on call `id`: a 2xx takes it on (202),
    /// anything else refuses it with that status.
    AnswerRefer(CallId, StatusCode),
    /// Tell the peer of call `id` how the transfer it asked for goes.
    NotifyRefer(CallId, StatusCode),
    /// Transfer the peer of call `id` to this URI (our REFER).
    Refer(CallId, String),
    /// Send a NOTIFY as this says in the call's dialog.
    SendNotify(CallId, Box<super::Notice>),
    /// Place call `c` to take over the other leg of established call
    /// `keep` (a transfer): its offer follows `keep`'s agreed media, its
    /// port is on the worker of `keep`'s media; linked once
    /// [`Command::Rebridge`]d.
    Transfer {
        /// The new call.
        c: CallId,
        /// The established call it will be bridged to.
        keep: CallId,
        /// Where and how.
        out: Box<Outbound>,
    },
    /// Bridge established call `keep` to answered call `new` in place of
    /// their partners (who are left unlinked, to be hung up): the media
    /// follow, and a leg we had put on hold is resumed.
    Rebridge {
        /// The call that stays.
        keep: CallId,
        /// Its new partner.
        new: CallId,
    },
    /// The application's audio queues for call `id` (its media mode
    /// `Audio`): sent before `Accept` or `Place`.
    Audio(CallId, crate::media::audio::AudioAttach),
    /// Copy the call's media packets into this capture, from now or from
    /// its media's start; closed at once if there is no such call.
    Capture(CallId, crate::media::capture::PacketTap),
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
    /// Place a call to `uri` with no media bound (the simulated-network
    /// tests' plain call; the API places every call with `Place`).
    #[cfg_attr(not(feature = "test-exports"), allow(dead_code))]
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
    /// Place call `b` as one of several outbound legs racing to answer
    /// incoming call `a` (a forked call): its offer follows `a`'s, its
    /// port is on `a`'s media worker, but it is `a`'s partner only once
    /// it wins ([`Command::Join`]).
    Fork {
        /// The new outbound call.
        b: CallId,
        /// The incoming call it races for.
        a: CallId,
        /// Where and how.
        out: Box<Outbound>,
    },
    /// Forked leg `b` answered first: it becomes `a`'s bridge partner.
    Join {
        /// The incoming call.
        a: CallId,
        /// The winning leg.
        b: CallId,
    },
}

impl Command {
    /// The call the command is for (a bridge: its new outbound leg; a
    /// takeover, for which no call exists yet: 0, the cluster sending it
    /// to the shard its Call-ID hashes to).
    pub fn call(&self) -> CallId {
        match self {
            Command::Ring(id)
            | Command::SendDtmf(id, _)
            | Command::SendDigit(id, _)
            | Command::SendInfo(id, ..)
            | Command::AnswerRefer(id, _)
            | Command::NotifyRefer(id, _)
            | Command::Refer(id, _)
            | Command::SendNotify(id, _)
            | Command::Audio(id, _)
            | Command::Capture(id, _)
            | Command::Accept(id, _)
            | Command::Reject(id, _)
            | Command::End(id)
            | Command::Hold(id)
            | Command::Resume(id)
            | Command::Call(id, ..)
            | Command::Place(id, _)
            | Command::EarlyMedia(id) => *id,
            Command::Bridge { b, .. } | Command::Fork { b, .. } => *b,
            Command::Join { a, .. } => *a,
            Command::Transfer { c, .. } => *c,
            Command::Rebridge { keep, .. } => *keep,
            Command::Adopt(_) => CallId(0),
            Command::Disown(key) => CallId(*key),
        }
    }
}

/// A digit to send on: what it is, how long it was held, and the INFO
/// that brought it (its content type and body), to send as it came when
/// the peer takes no RFC 4733.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Digit {
    /// `0`-`9`, `*`, `#`, `A`-`D`.
    pub digit: char,
    /// How long it was held.
    pub duration: std::time::Duration,
    /// The INFO it came in, if it came in one.
    pub info: Option<(String, String)>,
}
