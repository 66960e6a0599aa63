//! Our 2xx to an INVITE, retransmitted until the ACK arrives (RFC 3261
//! §13.3.1.4); without an ACK after 64·T1 the call is hung up.

use super::call::PendingOk;
use super::{EndReason, SessionEvent, UserAgent};
use crate::ids::{CallId, Peer, TransportKind};
use crate::transaction::Backoff;
use std::time::Instant;

impl UserAgent {
    /// Retransmits our 2xx until the ACK (§13.3.1.4): T1 doubling to T2 on
    /// unreliable transports, give up after 64·T1.
    pub(super) fn arm_ok(&mut self, now: Instant, id: CallId, bytes: bytes::Bytes, peer: Peer, cseq: u32) {
        let t = self.cfg.timers;
        let timer = (peer.transport == TransportKind::Udp).then(|| Backoff::start(now, t.t1, Some(t.t2)));
        let ok = PendingOk {
            bytes,
            peer,
            timer,
            give_up: now + t.t64(),
            cseq,
        };
        self.heap.push(timer.map_or(ok.give_up, |b| b.next), id);
        if let Some(call) = self.calls.get_mut(&id) {
            call.ok = Some(ok);
        }
    }

    pub(super) fn on_ok_timer(&mut self, now: Instant, id: CallId) {
        let Some(ok) = self.calls.get_mut(&id).and_then(|c| c.ok.as_mut()) else {
            return;
        };
        if now >= ok.give_up {
            self.send_bye(now, id);
            return self.finish(id, Some(SessionEvent::Ended(id, EndReason::AckTimeout)));
        }
        if let Some(t) = ok.timer.as_mut().filter(|t| t.next <= now) {
            t.advance(now);
            let (peer, bytes) = (ok.peer, ok.bytes.clone());
            self.txs.send_stateless(peer, bytes);
        }
        let next = ok.timer.map_or(ok.give_up, |t| t.next.min(ok.give_up));
        self.heap.push(next, id);
    }
}
