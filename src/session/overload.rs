//! Load shedding by queueing delay: while SIP datagrams wait too long
//! between the kernel's arrival stamp and our reading them, the signalling
//! thread is behind, and every new call admitted would slow the ACKs and
//! BYEs of the calls already up (a late ACK draws a 2xx retransmission, a
//! late BYE a retransmitted BYE). So new INVITEs are answered 503 +
//! Retry-After statelessly — no transaction, no call, no media port —
//! which costs a fraction of a call; requests inside dialogs, responses,
//! and retransmissions of INVITEs already admitted go on as before.
//!
//! As in CoDel (RFC 8289), a burst is not overload: shedding starts when
//! the delay has stayed above the limit for as long as the limit itself
//! (a standing queue), and stops at the first read under it.

use super::UserAgent;
use crate::ids::Peer;
use crate::sip::{self, Incoming, Method, SipMessage};
use std::hash::{Hash, Hasher};
use std::time::{Duration, Instant};

/// The shedding state of one UA core.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Shedder {
    /// Whether new INVITEs are being refused.
    on: bool,
    /// Since when every read has waited over the limit.
    above_since: Option<Instant>,
    /// The largest delay seen since the last `take_max_delay`.
    max_delay: Duration,
}

impl UserAgent {
    /// The oldest datagram of a read at `now` waited `delay` in the socket.
    pub fn observe_queue_delay(&mut self, now: Instant, delay: Duration) {
        let s = &mut self.overload;
        s.max_delay = s.max_delay.max(delay);
        let Some(limit) = self.cfg.shed_delay else {
            return;
        };
        if delay <= limit {
            s.above_since = None;
            s.on = false;
        } else {
            let since = *s.above_since.get_or_insert(now);
            s.on = now.duration_since(since) >= limit;
        }
    }

    /// Whether new INVITEs are being refused for queueing delay.
    pub fn is_shedding(&self) -> bool {
        self.overload.on
    }

    /// The largest queueing delay seen since the last call.
    pub fn take_max_delay(&mut self) -> Duration {
        std::mem::take(&mut self.overload.max_delay)
    }

    /// While shedding, answers a new INVITE 503 + Retry-After without a
    /// transaction; returns whether it did.
    pub(super) fn shed(&mut self, inc: &Incoming, reply_to: Peer) -> bool {
        let SipMessage::Request(req) = &inc.msg else {
            return false;
        };
        if !self.overload.on
            || req.method != Method::Invite
            || inc.core.to_tag.is_some()
            || self.txs.has_server_transaction(&inc.core)
        {
            return false;
        }
        let resp = self.stateless_503(req, &inc.core);
        self.stats.overload_rejected += 1;
        self.stats.shed += 1;
        self.txs.send_stateless(reply_to, sip::response_bytes(&resp));
        true
    }

    /// A 503 + Retry-After to `req` as a stateless UAS sends it: §8.2.7
    /// wants a request's retransmissions to get the same To tag, so the
    /// tag is derived from the request.
    pub(super) fn stateless_503(&self, req: &sip::Request, core: &sip::Core) -> sip::Response {
        let mut h = rustc_hash::FxHasher::default();
        (&core.call_id, &core.branch, &core.from_tag).hash(&mut h);
        let tag = format!("{:016x}", h.finish() ^ self.cfg.seed);
        self.final_response(req, crate::status::StatusCode::SERVICE_UNAVAILABLE, &tag)
    }
}
