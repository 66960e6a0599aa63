//! The four transaction machines behind one type, so the table can treat
//! them alike.

use super::Out;
use super::client_invite::ClientInvite;
use super::client_non_invite::ClientNonInvite;
use super::server_invite::ServerInvite;
use super::server_non_invite::ServerNonInvite;
use std::time::Instant;

/// Any transaction (named as RFC 3261 §17 names the four).
#[derive(Debug)]
#[allow(clippy::enum_variant_names)]
pub enum Tx {
    /// §17.1.1.
    ClientInvite(ClientInvite),
    /// §17.1.2.
    ClientNonInvite(ClientNonInvite),
    /// §17.2.1.
    ServerInvite(ServerInvite),
    /// §17.2.2.
    ServerNonInvite(ServerNonInvite),
}

impl Tx {
    /// Fires whatever timers are due.
    pub fn handle_timeout(&mut self, now: Instant, out: &mut Out) {
        match self {
            Tx::ClientInvite(t) => t.handle_timeout(now, out),
            Tx::ClientNonInvite(t) => t.handle_timeout(now, out),
            Tx::ServerInvite(t) => t.handle_timeout(now, out),
            Tx::ServerNonInvite(t) => t.handle_timeout(now),
        }
    }

    /// The next deadline.
    pub fn deadline(&self) -> Option<Instant> {
        match self {
            Tx::ClientInvite(t) => t.deadline(),
            Tx::ClientNonInvite(t) => t.deadline(),
            Tx::ServerInvite(t) => t.deadline(),
            Tx::ServerNonInvite(t) => t.deadline(),
        }
    }

    /// Whether it may be removed.
    pub fn is_terminated(&self) -> bool {
        match self {
            Tx::ClientInvite(t) => t.is_terminated(),
            Tx::ClientNonInvite(t) => t.is_terminated(),
            Tx::ServerInvite(t) => t.is_terminated(),
            Tx::ServerNonInvite(t) => t.is_terminated(),
        }
    }
}
