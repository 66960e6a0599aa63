//! Registration to a trunk (RFC 3261 §10.2): one binding of our Contact to
//! an address-of-record at a registrar, kept alive. Registers at start,
//! refreshes at about half the granted expiry, answers a challenge once
//! (again on a stale nonce), raises its expiry to a 423's Min-Expires,
//! retries failures with backoff (RFC 5626 §4.5: 30 s doubling up to
//! 30 min, 50–100 % jittered, or the registrar's Retry-After), and removes
//! the binding (Expires: 0) when asked to stop. One Call-ID for all of its
//! REGISTERs, CSeq counting up (§10.2.4). Sans-IO like a call: it acts
//! through the `CallContext`, time comes in as `now`.

mod request;
mod response;

use crate::auth::{Answered, ClientCredentials};
use crate::ids::{Peer, TransportKind, TxId};
use crate::status::StatusCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// One registration to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegistrationConfig {
    /// The address-of-record (`sip:user@domain`): our From and To.
    pub aor: String,
    /// The registrar's URI (`sip:host[:port][;transport=tcp]`): the
    /// Request-URI and where the REGISTERs go.
    pub registrar: String,
    /// Credentials for its challenge.
    pub credentials: Option<Arc<ClientCredentials>>,
    /// The expiry we ask for, in seconds.
    pub expires: u32,
    /// The user part of the Contact we register (empty: the AOR's user):
    /// calls for the AOR arrive with it in their Request-URI and are
    /// routed as any other.
    pub contact_user: String,
}

/// Where a registration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegistrationState {
    /// A REGISTER is on its way (first, or after a failure).
    Registering,
    /// Bound, until `expires` seconds after `since` (refreshes go on).
    Registered {
        /// When the registrar last granted the binding.
        since: Instant,
        /// The expiry it granted, in seconds.
        expires: u32,
    },
    /// The last attempt failed with `status` (408: no answer); the next
    /// one is at `retry_at`.
    Failed {
        /// What the registrar said.
        status: StatusCode,
        /// When we try again.
        retry_at: Instant,
    },
    /// Removed (or being removed) after a stop.
    Unregistered,
}

/// One registration's state machine.
#[derive(Debug)]
pub(crate) struct Registration {
    cfg: RegistrationConfig,
    /// Where its REGISTERs go (a named registrar: looked up before each).
    peer: Peer,
    /// Its place in the UA core's list, and whether its registrar is a
    /// host name (RFC 3263) being looked up (`Some(true)`).
    place: (usize, Option<bool>),
    call_id: String,
    from_tag: String,
    cseq: u32,
    /// The expiry asked for (raised by a 423).
    expires: u32,
    state: RegistrationState,
    /// The REGISTER in flight.
    tx: Option<TxId>,
    /// The last challenge answered, to authorize the next REGISTER before
    /// it is asked.
    answered: Option<Answered>,
    /// The REGISTER in flight answers a challenge.
    tried: bool,
    /// Failures in a row (for the backoff).
    failures: u32,
    /// When the next REGISTER goes (refresh or retry).
    next_at: Option<Instant>,
    /// Stopping: the REGISTER in flight (or the next) removes the binding.
    stopping: bool,
    /// The CSeq of the REGISTER removing it.
    removal_cseq: Option<u32>,
}

/// The backoff base and cap (RFC 5626 §4.5).
const BACKOFF_BASE: Duration = Duration::from_secs(30);
const BACKOFF_MAX: Duration = Duration::from_secs(1800);

impl Registration {
    /// A registration to be sent at the first timeout from `now`, number
    /// `index` of the UA core's; `None` when its registrar is no SIP URI.
    pub fn new(cfg: RegistrationConfig, call_id: String, from_tag: String, now: Instant, index: usize) -> Option<Self> {
        let (peer, named) = match crate::locate::Query::of(&cfg.registrar, TransportKind::Udp)? {
            crate::locate::Target::Peer(peer) => (peer, None),
            crate::locate::Target::Name(q) => {
                let transport = q.transport.unwrap_or(TransportKind::Udp);
                let addr = std::net::SocketAddr::from(([0, 0, 0, 0], 0));
                (Peer { transport, addr }, Some(false))
            }
        };
        Some(Registration {
            expires: cfg.expires,
            cfg,
            peer,
            place: (index, named),
            call_id,
            from_tag,
            cseq: 0,
            state: RegistrationState::Registering,
            tx: None,
            answered: None,
            tried: false,
            failures: 0,
            next_at: Some(now),
            stopping: false,
            removal_cseq: None,
        })
    }

    /// Its settings.
    pub fn config(&self) -> &RegistrationConfig {
        &self.cfg
    }

    /// Where it stands.
    pub fn state(&self) -> RegistrationState {
        self.state
    }

    /// The REGISTER in flight.
    pub fn tx(&self) -> Option<TxId> {
        self.tx
    }

    /// When it next needs `handle_timeout`.
    pub fn next_at(&self) -> Option<Instant> {
        self.next_at.filter(|_| self.tx.is_none())
    }

    /// Whether it is done: stopped and its removal answered.
    pub fn is_gone(&self) -> bool {
        self.stopping && self.tx.is_none()
    }

    /// The wait before retry number `failures` (from 1): RFC 5626's
    /// doubling backoff, jittered to 50–100 % by `jitter` (0..=1000).
    fn backoff(failures: u32, jitter: u64) -> Duration {
        let full = BACKOFF_BASE
            .saturating_mul(1 << failures.saturating_sub(1).min(10))
            .min(BACKOFF_MAX);
        full / 2 + full.mul_f64(jitter as f64 / 2000.0)
    }
}
