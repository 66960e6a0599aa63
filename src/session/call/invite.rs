//! The INVITE that formed a call, and its transaction.

use crate::ids::TxId;
use crate::sip::{IncomingRequest, Message};
use std::sync::Arc;

/// The INVITE that formed the call, and its transaction.
#[derive(Debug)]
pub(super) enum Invite {
    /// The INVITE we answer (shared: each response borrows it).
    Received { req: Arc<IncomingRequest>, tx: TxId },
    /// The INVITE we sent (the latest, after redirects), kept to form the
    /// dialog and to CANCEL; shared with its client transaction.
    Sent { req: Arc<Message>, tx: TxId },
    /// None: the call was taken over from another node (a snapshot),
    /// with its dialog.
    Adopted,
    /// The INVITE we answered, once our 2xx was ACKed: only its
    /// transaction kept, the request itself (a kilobyte or more per held
    /// call) freed; its Call-ID is the dialog's.
    Acked { tx: TxId },
    /// The INVITE we sent, once its first 2xx formed the dialog: only its
    /// transaction kept, the request freed (when its client transaction
    /// ends); a fork's later 2xx takes our side from the dialog, and the
    /// Call-ID is the dialog's.
    Answered { tx: TxId },
}

impl Invite {
    /// Its transaction (server or client), if it has one here.
    pub fn tx(&self) -> Option<TxId> {
        match self {
            Invite::Received { tx, .. }
            | Invite::Sent { tx, .. }
            | Invite::Acked { tx, .. }
            | Invite::Answered { tx, .. } => Some(*tx),
            Invite::Adopted => None,
        }
    }

    /// Its SIP Call-ID, while the request is kept (after, the dialog's).
    pub fn call_id(&self) -> Option<&str> {
        match self {
            Invite::Received { req, .. } => Some(req.core.call_id()),
            Invite::Sent { req, .. } => Some(req.header("Call-ID").unwrap_or_default()),
            Invite::Adopted | Invite::Acked { .. } | Invite::Answered { .. } => None,
        }
    }

    /// Our 2xx to the INVITE we received was ACKed: nothing needs the
    /// request any more (a CANCEL, PRACK or reliable provisional only
    /// comes before), so only its transaction is kept.
    pub fn acked(&mut self) {
        if let Invite::Received { tx, .. } = *self {
            *self = Invite::Acked { tx };
        }
    }

    /// The INVITE we sent was answered and the dialog formed: it holds
    /// all an ACK, BYE or re-INVITE needs (the CANCEL, redirects, a 422 or
    /// a challenge only come before), so the request is let go.
    pub fn answered(&mut self) {
        if let Invite::Sent { tx, .. } = *self {
            *self = Invite::Answered { tx };
        }
    }
}
