//! The responses the UA core sends on its own: a plain final response
//! in a call's name, a refusal with Retry-After, and a stateless refusal
//! whose To tag repeats for the request's retransmissions (§8.2.7).

use super::context::CallContext;
use crate::dialog;
use crate::ids::TxId;
use crate::sip::{self, Core, Message, Response};
use crate::status::StatusCode;
use std::hash::{Hash, Hasher};
use std::time::Instant;

impl CallContext {
    /// Answers server transaction `tx` for `req` with our `tag`.
    pub fn reply(&mut self, now: Instant, tx: TxId, req: &Message, status: StatusCode, tag: &str) {
        let bytes = dialog::response_bytes_in(req, status, tag, None, &[], None);
        self.txs.respond_bytes(now, tx, status.code(), bytes);
    }

    /// A final non-2xx to `req`; a 503 says when to retry.
    pub fn final_response(&self, req: &Message, status: StatusCode, tag: &str) -> Response {
        let status = status.as_refusal();
        let mut resp = dialog::response_in(req, status, None, tag, None);
        if status == StatusCode::SERVICE_UNAVAILABLE {
            resp.headers.push(sip::Header::Other(
                "Retry-After".into(),
                self.cfg.retry_after.to_string(),
            ));
        }
        resp
    }

    /// A 503 + Retry-After to `req` as a stateless UAS sends it.
    pub fn stateless_503(&self, req: &Message, core: &Core) -> Response {
        self.stateless_final(req, core, StatusCode::SERVICE_UNAVAILABLE)
    }

    /// A final refusal to `req` as a stateless UAS sends it: §8.2.7 wants
    /// a request's retransmissions to get the same To tag, so the tag is
    /// derived from the request.
    pub fn stateless_final(&self, req: &Message, core: &Core, status: StatusCode) -> Response {
        let mut h = rustc_hash::FxHasher::default();
        (core.call_id(), core.branch(), core.from_tag()).hash(&mut h);
        let tag = format!("{:016x}", h.finish() ^ self.cfg.seed);
        self.final_response(req, status, &tag)
    }
}
