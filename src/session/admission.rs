//! A new INVITE becomes an offered call, or is refused before it is one:
//! 503 + Retry-After (stateless) when the calls or this worker's ports run
//! out, 400 for an SDP we cannot read, 488 when no codec is shared or no
//! audio stream is in a protocol we speak.

use super::call::Call;
use super::{IncomingInfo, SessionEvent, UserAgent};
use crate::ids::{CallId, Peer, TxId};
use crate::sdp::{self, Direction, SdpError, SrtpPolicy, SrtpTerms};
use crate::sip::IncomingRequest;
use crate::status::StatusCode;
use std::time::Instant;

impl UserAgent {
    /// A new INVITE on server transaction `tx`, to be answered with `tag`.
    pub(super) fn admit(&mut self, now: Instant, tx: TxId, req: IncomingRequest, peer: Peer, tag: String) {
        let id = CallId(self.next_call);
        let worker = self.ctx.worker_of(id);
        if self.calls.len() >= self.ctx.cfg.max_calls || self.ctx.ports.available(worker) == 0 {
            self.ctx.stats.overload_rejected += 1;
            self.ctx
                .txs
                .respond_once(tx, &self.ctx.stateless_503(&req.req, &req.core));
            return;
        }
        let offer = match std::str::from_utf8(req.req.body()) {
            Ok("") => None,
            Ok(text) => match sdp::parse(text) {
                Ok(o) => Some(o),
                // Valid SDP with nothing we can take (video only; audio
                // only as RTP/SAVP): 488, RFC 3264 §6, never a downgrade.
                Err(e @ (SdpError::NoAudio | SdpError::Protocol(_))) => {
                    let reason = format!("Not Acceptable Here: {e}");
                    return self.refuse(now, tx, &req, StatusCode::NOT_ACCEPTABLE_HERE, &reason, &tag);
                }
                Err(e) => {
                    return self.refuse(
                        now,
                        tx,
                        &req,
                        StatusCode::BAD_REQUEST,
                        &format!("Malformed SDP: {e}"),
                        &tag,
                    );
                }
            },
            Err(_) => return self.refuse(now, tx, &req, StatusCode::BAD_REQUEST, "SDP is not UTF-8", &tag),
        };
        let (policy, keys_allowed) = self.ctx.cfg.srtp.for_transport(peer.transport);
        let keys = match (policy, keys_allowed) {
            (SrtpPolicy::Off, _) | (_, false) => Vec::new(),
            _ => SrtpTerms::fresh_keys(),
        };
        if let Some(o) = &offer {
            let ours = sdp::Local {
                codecs: &self.ctx.cfg.codecs,
                addr: self.ctx.cfg.leg_media_addr(peer, Some(o)),
                port: 0,
                direction: Direction::SendRecv,
                session_id: 0,
                version: 0,
                srtp: SrtpTerms {
                    policy,
                    keys_allowed,
                    ours: &keys,
                },
            };
            // No codec, or SRTP we cannot agree: 488 naming why.
            if let Err(e) = sdp::answer(o, &ours) {
                let reason = format!("Not Acceptable Here: {e}");
                return self.refuse(now, tx, &req, StatusCode::NOT_ACCEPTABLE_HERE, &reason, &tag);
            }
        }
        let port = self
            .ctx
            .ports
            .take(now, worker)
            .expect("invariant: availability checked above");
        self.next_call += self.ctx.cfg.shards.max(1) as u64;
        let info = IncomingInfo::new(
            req.header("From").unwrap_or_default(),
            req.header("To").unwrap_or_default(),
            req.req.uri(),
            req.core.call_id(),
            peer,
        );
        self.ctx.index.watch(tx, id);
        let mut call = Call::offered(id, now, tx, req, peer, tag, port, offer);
        call.set_srtp(policy, self.ctx.cfg.srtp.sdes_in_clear, keys);
        self.calls.insert(id, Box::new(call));
        self.records.open(id);
        self.ctx.stats.calls_total += 1;
        self.ctx.events.push_back(SessionEvent::Incoming(id, info));
    }

    /// Refuses the INVITE with `status` and a reason phrase naming why.
    fn refuse(&mut self, now: Instant, tx: TxId, req: &IncomingRequest, status: StatusCode, reason: &str, tag: &str) {
        self.ctx.stats.calls_failed += 1;
        let resp = crate::dialog::response_in(&req.req, status, Some(reason), tag, None);
        self.ctx.txs.respond(now, tx, resp);
    }
}
