//! Whether this node takes new calls, as an out-of-dialog OPTIONS tells a
//! dispatcher in front of it (Kamailio's dispatcher counts only a 200 as
//! up): 200 while it admits calls; 503 + Retry-After while it sheds load
//! ([`Shedder`]), drains, or is at its call limit. Both answers carry the
//! load: `X-Load: calls=12;max=1000;state=admitting`.
//!
//! The calls and the limit are the gateway's admission (an atomic its
//! shards share, read without a lock) when a gateway sits on top, this
//! UA core's own otherwise.

use super::UserAgent;
use super::shedder::Shedder;
use crate::dialog;
use crate::ids::TxId;
use crate::sip;
use crate::status::StatusCode;
use std::sync::Arc;
use std::time::Instant;

/// The admission state of the layer above (a gateway's, shared by its
/// shards).
pub(crate) trait CallGauge: Send + Sync + std::fmt::Debug {
    /// (calls in progress, the most admitted).
    fn calls(&self) -> (usize, usize);
    /// Whether new calls are refused until the process ends.
    fn is_draining(&self) -> bool;
}

/// What decides whether new calls are taken, besides each INVITE's own
/// checks.
#[derive(Debug, Default)]
pub(crate) struct Health {
    /// Load shedding by queueing delay.
    pub(super) shedder: Shedder,
    /// The gateway's call count and drain, when there is a gateway.
    gauge: Option<Arc<dyn CallGauge>>,
}

/// Why new calls are taken or not, as `state=` in `X-Load` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Admitting,
    Shedding,
    Draining,
    Full,
}

impl State {
    fn name(self) -> &'static str {
        match self {
            State::Admitting => "admitting",
            State::Shedding => "shedding",
            State::Draining => "draining",
            State::Full => "full",
        }
    }
}

impl Health {
    /// The state, calls and limit, given the UA core's `own` (calls, limit).
    fn state(&self, own: (usize, usize)) -> (State, usize, usize) {
        let (calls, max) = self.gauge.as_ref().map_or(own, |g| g.calls());
        let state = if self.gauge.as_ref().is_some_and(|g| g.is_draining()) {
            State::Draining
        } else if calls >= max || own.0 >= own.1 {
            State::Full
        } else if self.shedder.is_on() {
            State::Shedding
        } else {
            State::Admitting
        };
        (state, calls, max)
    }
}

impl UserAgent {
    /// Counts calls with `gauge` (a gateway's admission), when given,
    /// rather than this core's own sessions.
    pub fn set_call_gauge(&mut self, gauge: Option<Arc<dyn CallGauge>>) {
        self.health.gauge = gauge;
    }

    /// Answers an out-of-dialog OPTIONS on `tx`: 200, or 503 + Retry-After
    /// while new calls are refused; either with `X-Load`.
    pub(super) fn answer_options(&mut self, now: Instant, tx: TxId, req: &sip::Message, tag: &str) {
        let (state, calls, max) = self.health.state((self.calls.len(), self.ctx.cfg.max_calls));
        let mut resp = match state {
            State::Admitting => dialog::response_in(req, StatusCode::OK, None, tag, None),
            _ => self.ctx.final_response(req, StatusCode::SERVICE_UNAVAILABLE, tag),
        };
        let load = format!("calls={calls};max={max};state={}", state.name());
        resp.headers.push(sip::Header::Other("X-Load".into(), load));
        self.ctx.txs.respond(now, tx, resp);
    }
}
