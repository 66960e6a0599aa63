//! One call: its role and state, the INVITE that formed it, its dialog,
//! offer/answer state, RTP port, timers, and what it waits for. The UA core
//! routes each message, command and timer to its call, which acts through
//! the `CallContext` it is handed and, when over, says so with the event
//! that ends it; the UA core then removes it.
//!
//! Its behaviour is split by what it acts on, one file each (uas, uac,
//! in_dialog, reinvite, ok_retransmit, target_set, client_auth, ...).

mod answer;
mod client_auth;
mod early;
mod hop;
mod in_dialog;
mod info;
mod invite;
mod invite_headers;
mod link;
mod offer_answer;
mod ok_retransmit;
mod peer_reinvite;
mod prack;
mod provisional;
mod reanchor;
mod redirect;
mod refer;
mod reinvite;
mod reinvite_retry;
mod reissue;
mod reliable;
mod restore;
mod session_refresh;
mod session_timer;
mod srtp;
mod state;
mod target_set;
mod timers;
mod transfer;
mod uac;
mod uas;
mod update;
mod view;

pub(crate) use state::{CallState, Role};
pub(crate) use timers::CallTimer;

use super::{MediaMode, SessionEvent};
use crate::collections::Rare;
use crate::dialog::Dialog;
use crate::ids::{CallId, Peer};
use crate::media::Side;
use invite::Invite;
use offer_answer::OfferAnswer;
use ok_retransmit::OkRetransmit;
use reinvite::Reinvite;
use std::time::Instant;
use target_set::TargetSet;
use timers::CallTimers;

/// One call's state.
#[derive(Debug)]
pub(crate) struct Call {
    id: CallId,
    role: Role,
    state: CallState,
    /// The peer it came from or goes to.
    peer: Peer,
    /// `peer` is a flow (`Outbound::flow`): the dialog keeps to it.
    pinned: bool,
    /// Our tag until the dialog forms; then the dialog's (see
    /// [`local_tag`](Self::local_tag)), this copy freed.
    local_tag: Box<str>,
    invite: Invite,
    dialog: Option<Dialog>,
    sdp: OfferAnswer,
    port: u16,
    reinvite: Reinvite,
    /// Our 2xx awaiting its ACK.
    ok: Option<Box<OkRetransmit>>,
    /// End was asked for before a provisional arrived: CANCEL when it does.
    cancel_requested: bool,
    cancel_sent: bool,
    targets: Rare<TargetSet>,
    client_auth: Rare<client_auth::ClientAuth>,
    media: MediaMode,
    /// The media plane has the call (on a bridge: kept by the A side).
    media_active: bool,
    /// The other leg of a bridge (its own id: none), and which leg this
    /// call is (a word and a byte where an `Option` took two words).
    link: CallId,
    link_side: Side,
    /// The media call it keeps: its own id, or another's when a transfer
    /// left it the media call of a leg that has gone (a word where an
    /// `Option` took two).
    media_key: CallId,
    started: Instant,
    /// When it was answered: ns after `started`, plus one (0: not yet),
    /// a word where an `Option<Instant>` took two.
    answered: u64,
    /// The call whose record this leg goes in (itself, or its bridge's A).
    record: CallId,
    timers: CallTimers,
    /// The session timer agreed (RFC 4028), if any; whether a 422 has had
    /// our INVITE sent again; the largest Min-SE a 422 named (0: none),
    /// which our later requests carry where it is above ours (§7.4).
    session: Option<session_timer::SessionTimer>,
    session_retried: bool,
    session_min_se: u32,
    /// Our reliable provisionals (RFC 3262, as UAS).
    rel: Rare<reliable::Reliable>,
    /// The peer's REFER and its subscription (we are transferred).
    refer_in: Option<Box<refer::ReferIn>>,
    /// Our REFER (we transfer the peer).
    refer_out: Option<Box<transfer::ReferOut>>,
    /// As UAC: our INVITE's early dialogs, one per fork.
    early: early::EarlyDialogs,
    /// Our INFOs, sent one at a time.
    infos: Rare<info::InfoOut>,
    /// Restored from a snapshot, its re-INVITE not yet answered.
    adopted: bool,
    /// Set when the call is over: the event that ends it.
    ended: Option<Box<SessionEvent>>,
}

impl Call {
    fn new(id: CallId, role: Role, peer: Peer, local_tag: String, port: u16, now: Instant, invite: Invite) -> Self {
        Call {
            id,
            role,
            state: if role == Role::Uas {
                CallState::Offered
            } else {
                CallState::Calling
            },
            peer,
            pinned: false,
            local_tag: local_tag.into_boxed_str(),
            invite,
            dialog: None,
            sdp: OfferAnswer::default(),
            port,
            reinvite: Reinvite::default(),
            ok: None,
            cancel_requested: false,
            cancel_sent: false,
            targets: Rare::default(),
            client_auth: Default::default(),
            media: MediaMode::None,
            media_active: false,
            link: id,
            link_side: Side::A,
            media_key: id,
            started: now,
            answered: 0,
            record: id,
            timers: CallTimers::default(),
            session: None,
            session_retried: false,
            session_min_se: 0,
            rel: Default::default(),
            refer_in: None,
            refer_out: None,
            early: Default::default(),
            infos: Default::default(),
            adopted: false,
            ended: None,
        }
    }

    /// Its dialog formed (early or confirmed, our tag its local tag): our
    /// own copy of the tag goes.
    fn set_dialog(&mut self, dialog: Dialog) {
        debug_assert_eq!(dialog.local_tag(), self.local_tag());
        self.dialog = Some(dialog);
        self.local_tag = Box::default();
    }

    /// The event that ended it, once it is over (taken once).
    pub fn take_ended(&mut self) -> Option<SessionEvent> {
        self.ended.take().map(|e| *e)
    }

    /// Ends the call with `ev` (the first end wins).
    fn end(&mut self, ev: SessionEvent) {
        self.ended.get_or_insert_with(|| Box::new(ev));
    }
}

// Every held call keeps one per leg: it stays in the allocator's
// 640-byte class (768 until the rare parts went in a word each).
const _: () = assert!(std::mem::size_of::<Call>() <= 640);
