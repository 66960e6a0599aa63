//! Our 2xx to an INVITE, resent until the ACK arrives (RFC 3261
//! §13.3.1.4: T1 doubling up to T2 over unreliable transports); without an
//! ACK after 64·T1 the call is hung up.

use super::{Call, CallTimer};
use crate::ids::TransportKind;
use crate::session::context::CallContext;
use crate::session::{EndReason, SessionEvent};
use crate::transaction::Backoff;
use bytes::Bytes;
use std::time::Instant;

/// Our unacknowledged 2xx.
#[derive(Debug, Clone)]
pub(super) struct OkRetransmit {
    /// The 2xx as sent.
    bytes: Bytes,
    /// The resend interval (unreliable transports only).
    backoff: Option<Backoff>,
    /// The INVITE's CSeq, which the ACK carries.
    cseq: u32,
}

impl OkRetransmit {
    /// The CSeq number the ACK must carry.
    pub fn cseq(&self) -> u32 {
        self.cseq
    }
}

impl Call {
    /// Our 2xx `bytes` to the INVITE with CSeq `cseq` went out: resend it
    /// until the ACK, give up after 64·T1.
    pub(super) fn arm_ok(&mut self, ctx: &mut CallContext, now: Instant, bytes: Bytes, cseq: u32) {
        let t = ctx.cfg.timers;
        let backoff = (self.peer.transport == TransportKind::Udp).then(|| Backoff::start(now, t.t1, Some(t.t2)));
        if let Some(b) = backoff {
            self.set_timer(ctx, CallTimer::OkRetransmit, b.next);
        }
        self.set_timer(ctx, CallTimer::OkTimeout, now + t.t64());
        self.ok = Some(Box::new(OkRetransmit { bytes, backoff, cseq }));
    }

    /// The ACK came: stop resending.
    pub(super) fn stop_ok(&mut self) {
        self.ok = None;
        self.timers.clear(CallTimer::OkRetransmit);
        self.timers.clear(CallTimer::OkTimeout);
    }

    /// Time to resend our 2xx.
    pub(super) fn on_ok_retransmit(&mut self, ctx: &mut CallContext, now: Instant) {
        let Some(ok) = self.ok.as_mut() else { return };
        let Some(b) = ok.backoff.as_mut() else { return };
        b.advance(now);
        let next = b.next;
        ctx.txs.send_stateless(self.peer, ok.bytes.clone());
        self.set_timer(ctx, CallTimer::OkRetransmit, next);
    }

    /// 64·T1 and no ACK: hang up.
    pub(super) fn on_ok_timeout(&mut self, ctx: &mut CallContext, now: Instant) {
        if self.ok.take().is_some() {
            self.timers.clear(CallTimer::OkRetransmit);
            self.send_bye(ctx, now);
            self.end(SessionEvent::Ended(self.id, EndReason::AckTimeout));
        }
    }

    /// Arms one of this call's timers.
    pub(super) fn set_timer(&mut self, ctx: &mut CallContext, timer: CallTimer, at: Instant) {
        if let Some(at) = self.timers.set(self.started, timer, at) {
            ctx.arm(self.id, at);
        }
    }
}
