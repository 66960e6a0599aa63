//! The INVITE that formed a call, and its transaction.

use crate::ids::TxId;
use crate::sip::{IncomingRequest, Request};
use std::sync::Arc;

/// The INVITE that formed the call, and its transaction.
#[derive(Debug)]
pub(super) enum Invite {
    /// The INVITE we answer (shared: each response borrows it).
    Received { req: Arc<IncomingRequest>, tx: TxId },
    /// The INVITE we sent (the latest, after redirects), kept to form the
    /// dialog and to CANCEL; shared with its client transaction.
    Sent { req: Arc<Request>, tx: TxId },
}

impl Invite {
    /// Its transaction (server or client).
    pub fn tx(&self) -> TxId {
        match self {
            Invite::Received { tx, .. } | Invite::Sent { tx, .. } => *tx,
        }
    }

    /// Its SIP Call-ID.
    pub fn call_id(&self) -> String {
        match self {
            Invite::Received { req, .. } => req.core.call_id.clone(),
            Invite::Sent { req, .. } => crate::sip::header_in(&req.headers, "Call-ID")
                .unwrap_or_default()
                .to_owned(),
        }
    }
}
