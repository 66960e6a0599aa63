//! Placing outgoing calls: at once when the target is an address or its
//! name's servers are cached; else the call waits, as a [`Placing`], for
//! its name to be looked up (RFC 3263), bounded by the lookup's time: a
//! target that cannot be located fails the call (503, or 408 when DNS did
//! not answer in time), saying why in the log. Ending a call still
//! waiting ends it at once.

use super::call::Call;
use super::{EndReason, Outbound, SessionEvent, UserAgent};
use crate::ids::{CallId, Peer};
use crate::locate::{LocateError, Waiter};
use crate::status::StatusCode;
use std::time::Instant;

/// An outgoing call waiting for its target's name to be looked up.
#[derive(Debug)]
pub(crate) struct Placing {
    /// The call whose media it shares (itself, or the bridge's A side).
    owner: CallId,
    out: Box<Outbound>,
    /// A plain bridge's leg: linked to `owner` once placed.
    pub join: bool,
}

impl UserAgent {
    /// Places outgoing call `id` whose media belongs to call `owner`
    /// (itself, or the bridge's A side); false (and `Failed`) when it
    /// cannot. A call whose target's name must be looked up first counts
    /// as placed: it is sent, or fails, when the answer comes.
    pub(super) fn place(&mut self, now: Instant, id: CallId, owner: CallId, out: &Outbound) -> bool {
        self.requests.audio.extend(out.audio.clone().map(|a| (id, a)));
        let peers = match out.flow {
            Some(flow) => vec![flow],
            None => match self.ctx.locate(now, &out.uri, out.transport, Waiter::Place(id)) {
                Ok(Some(peers)) => peers,
                Ok(None) => {
                    let out = Box::new(out.clone());
                    self.placing.insert(
                        id,
                        Placing {
                            owner,
                            out,
                            join: false,
                        },
                    );
                    return true;
                }
                Err(status) => return self.not_placed(id, status),
            },
        };
        self.place_at(now, id, owner, out, peers)
    }

    /// Sends call `id`'s INVITE to the first of `peers`, the rest kept to
    /// fail over to.
    fn place_at(&mut self, now: Instant, id: CallId, owner: CallId, out: &Outbound, peers: Vec<Peer>) -> bool {
        let worker = self.ctx.worker_of(self.media_key(owner));
        match Call::outgoing(&mut self.ctx, now, id, worker, out, peers) {
            Ok(call) => {
                self.calls.insert(id, Box::new(call));
                self.records.open(id);
                self.ctx.stats.calls_total += 1;
                true
            }
            Err(status) => self.not_placed(id, status),
        }
    }

    /// Call `id` could not be placed: `Failed` with `status`.
    fn not_placed(&mut self, id: CallId, status: StatusCode) -> bool {
        self.requests.forget(id);
        self.ctx.events.push_back(SessionEvent::Failed(id, status));
        false
    }

    /// The servers of waiting call `id`'s target, or why there are none.
    pub(super) fn placing_located(&mut self, now: Instant, id: CallId, located: Result<Vec<Peer>, LocateError>) {
        let Some(p) = self.placing.remove(&id) else { return };
        let peers = match located {
            Ok(peers) => peers,
            Err(e) => {
                tracing::warn!(call = %id, uri = %p.out.uri, "call not placed: {e}");
                self.not_placed(id, e.status());
                return;
            }
        };
        // A bridge's inbound leg may have gone while DNS answered.
        if p.owner != id && !self.calls.contains_key(&p.owner) {
            self.not_placed(id, StatusCode::CALL_DOES_NOT_EXIST);
            return;
        }
        if self.place_at(now, id, p.owner, &p.out, peers) && p.join {
            self.join(p.owner, id);
        }
    }

    /// Ends call `id` if it is waiting for DNS (cancelled before it was
    /// sent); false when it is not waiting.
    pub(super) fn end_placing(&mut self, id: CallId) -> bool {
        if self.placing.remove(&id).is_none() {
            return false;
        }
        self.requests.forget(id);
        let ev = SessionEvent::Ended(id, EndReason::Cancelled);
        self.ctx.events.push_back(ev);
        true
    }
}
