//! RFC 3261 §17 transactions, sans-IO: client and server, INVITE and
//! non-INVITE, timers A–M, retransmission, the automatic 100 Trying and the
//! ACK for non-2xx finals. Knows nothing of dialogs or media.
//!
//! Loop contract: feed [`Transactions::handle_incoming`],
//! [`Transactions::send_request`], [`Transactions::respond`] and
//! [`Transactions::handle_timeout`]; drain `poll_transmit` and `poll_event`;
//! sleep until `poll_timeout`.

mod client_invite;
mod client_non_invite;
mod derived;
mod endpoint;
mod key;
mod matching;
mod outbound;
mod server_invite;
mod server_non_invite;
mod slots;
mod timer;
mod tx;

pub use derived::derived;
pub use endpoint::Transactions;
#[cfg(feature = "test-exports")]
pub use endpoint::TxStats;
pub use key::TxKey;
pub use timer::{Backoff, TimerConfig};

use crate::ids::{Peer, TxId};
use crate::sip::{IncomingRequest, IncomingResponse};
use bytes::Bytes;
use std::collections::VecDeque;

/// Bytes to send to a peer.
#[derive(Debug, Clone)]
pub struct Transmit {
    /// Destination.
    pub peer: Peer,
    /// The serialised message.
    pub bytes: Bytes,
}

/// What the transaction layer tells its user (the UA core).
#[derive(Debug)]
pub enum TxEvent {
    /// A new request created server transaction `tx` (not ACK, not CANCEL).
    Request {
        /// The new server transaction.
        tx: TxId,
        /// The request.
        req: IncomingRequest,
        /// Where it came from.
        peer: Peer,
    },
    /// A CANCEL (its own server transaction `tx`) for INVITE transaction
    /// `invite`, if that transaction exists.
    Cancel {
        /// The CANCEL's server transaction.
        tx: TxId,
        /// The CANCEL itself.
        req: IncomingRequest,
        /// The INVITE server transaction it cancels.
        invite: Option<TxId>,
    },
    /// An ACK that matched no transaction: the ACK for a 2xx.
    Ack {
        /// The ACK.
        req: IncomingRequest,
    },
    /// A response for client transaction `tx`.
    Response {
        /// The client transaction.
        tx: TxId,
        /// The response.
        resp: IncomingResponse,
    },
    /// A response that matched no client transaction (a 2xx retransmission
    /// after the transaction ended, or a fork's 2xx).
    StrayResponse {
        /// The response.
        resp: IncomingResponse,
    },
    /// Timer B, F or H fired: no response (client) or no ACK (server).
    Timeout {
        /// The transaction that timed out.
        tx: TxId,
    },
    /// The transport could not reach the client transaction's peer
    /// (connect refused, TLS handshake failed): over, to be taken as a 503
    /// (RFC 3261 §8.1.3.1).
    Unreachable {
        /// The transaction.
        tx: TxId,
    },
}

/// The sinks a transaction writes into.
pub(crate) struct Out<'a> {
    pub transmits: &'a mut VecDeque<Transmit>,
    pub events: &'a mut VecDeque<TxEvent>,
}

impl Out<'_> {
    fn send(&mut self, peer: Peer, bytes: &Bytes) {
        self.transmits.push_back(Transmit {
            peer,
            bytes: bytes.clone(),
        });
    }
}
