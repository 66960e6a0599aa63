//! One call: its role, state, dialog, SDP and pending work.

use crate::dialog::Dialog;
use crate::ids::{CallId, Peer, TxId};
use crate::sdp::Sdp;
use crate::sip::{Incoming, Request};
use crate::transaction::Backoff;
use bytes::Bytes;
use std::time::Instant;

/// Which side of the call we are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// We received the INVITE.
    Uas,
    /// We sent it.
    Uac,
}

/// Where the call stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallState {
    /// Incoming, waiting for accept/reject.
    Offered,
    /// Outgoing, no provisional yet.
    Calling,
    /// Outgoing, provisional received.
    Early,
    /// 2xx sent, waiting for the ACK.
    Answering,
    /// Established.
    Connected,
}

/// Our 2xx to an INVITE, retransmitted until ACKed (§13.3.1.4).
#[derive(Debug, Clone)]
pub struct PendingOk {
    /// The serialised 2xx.
    pub bytes: Bytes,
    /// Where it goes.
    pub peer: Peer,
    /// Retransmission timer (unreliable transports only).
    pub timer: Option<Backoff>,
    /// When to give up and hang up (64·T1).
    pub give_up: Instant,
    /// The INVITE's CSeq, which the ACK carries.
    pub cseq: u32,
}

/// Our re-INVITE in flight: whether it holds or resumes, and its offer.
#[derive(Debug, Clone)]
pub struct Pending {
    /// True to hold, false to resume.
    pub hold: bool,
    /// The SDP offered.
    pub offer: Sdp,
    /// Its client transaction.
    pub tx: TxId,
}

/// One call's state.
#[derive(Debug)]
pub struct Call {
    /// Identity.
    pub id: CallId,
    /// Our side.
    pub role: Role,
    /// Where it stands.
    pub state: CallState,
    /// The INVITE being answered (UAS), kept to build responses (shared:
    /// each response borrows it while the UA is busy elsewhere).
    pub invite: Option<std::sync::Arc<Incoming>>,
    /// The INVITE we sent (UAC), kept to form the dialog and CANCEL.
    pub request: Option<std::sync::Arc<Request>>,
    /// Its server transaction, or our client INVITE transaction.
    pub invite_tx: Option<TxId>,
    /// The peer it came from or goes to.
    pub peer: Peer,
    /// Our tag.
    pub local_tag: String,
    /// The dialog, once formed.
    pub dialog: Option<Dialog>,
    /// Our latest SDP.
    pub local_sdp: Option<Sdp>,
    /// Their latest SDP.
    pub remote_sdp: Option<Sdp>,
    /// Our RTP port.
    pub port: u16,
    /// We put the peer on hold.
    pub on_hold: bool,
    /// The peer put us on hold.
    pub remote_hold: bool,
    /// Our re-INVITE in flight.
    pub pending: Option<Pending>,
    /// Hold (true) or resume asked for while another re-INVITE was in
    /// progress: sent once it completes (one re-INVITE at a time).
    pub wanted: Option<bool>,
    /// When to retry after a 491 (RFC 3261 §14.1).
    pub retry_at: Option<Instant>,
    /// Our unacknowledged 2xx.
    pub ok: Option<PendingOk>,
    /// End was requested before a provisional arrived: CANCEL when it does.
    pub cancel_requested: bool,
    /// Our CANCEL went out.
    pub cancel_sent: bool,
    /// Redirects (3xx) followed so far.
    pub redirects: u8,
    /// Contacts of the 3xx responses followed, not tried yet, best first.
    pub targets: Vec<(rsip::Uri, crate::ids::Peer)>,
    /// When the call started (for setup time).
    pub started: Instant,
    /// What the media plane does with the call.
    pub media: super::MediaMode,
    /// The media plane has the call (a RemoveCall is owed; on a bridge,
    /// kept by the A side).
    pub media_active: bool,
    /// The other leg of a bridge, and which leg this call is.
    pub link: Option<(CallId, crate::media::Side)>,
    /// When it was answered.
    pub answered: Option<Instant>,
    /// The call whose record this call's leg goes in (itself, or its
    /// bridge's A side).
    pub record: CallId,
}

impl Call {
    /// A fresh call record.
    pub fn new(id: CallId, role: Role, peer: Peer, local_tag: String, port: u16, now: Instant) -> Self {
        Call {
            id,
            role,
            state: if role == Role::Uas {
                CallState::Offered
            } else {
                CallState::Calling
            },
            invite: None,
            request: None,
            invite_tx: None,
            peer,
            local_tag,
            dialog: None,
            local_sdp: None,
            remote_sdp: None,
            port,
            on_hold: false,
            remote_hold: false,
            pending: None,
            wanted: None,
            retry_at: None,
            ok: None,
            cancel_requested: false,
            cancel_sent: false,
            redirects: 0,
            targets: Vec::new(),
            started: now,
            media: super::MediaMode::None,
            media_active: false,
            link: None,
            answered: None,
            record: id,
        }
    }

    /// Its SIP Call-ID.
    pub fn dialog_call_id(&self) -> Option<String> {
        if let Some(d) = &self.dialog {
            return Some(d.id.call_id.clone());
        }
        if let Some(i) = &self.invite {
            return Some(i.core.call_id.clone());
        }
        let r = self.request.as_ref()?;
        crate::sip::header_in(&r.headers, "Call-ID").map(str::to_owned)
    }
}
