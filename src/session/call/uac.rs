//! The calling side: place a call and follow the responses to its INVITE
//! (provisionals in `early`, 2xx in `answer`; redirects, challenges,
//! failover, failure).

use super::{Call, Invite, Role};
use crate::ids::TxId;
use crate::ids::{CallId, Peer, TransportKind};
use crate::sdp::{self, Direction, Sdp, SrtpPolicy, SrtpTerms};
use crate::session::context::CallContext;
use crate::session::{EndReason, Outbound, SessionEvent};
use crate::sip::{self, IncomingResponse, Method, RequestText};
use crate::status::StatusCode;
use smallvec::SmallVec;
use std::sync::Arc;
use std::time::Instant;

/// The SDP in a body, if it has a parseable one.
pub(super) fn body_sdp(text: Option<&str>) -> Option<Sdp> {
    text.and_then(|t| sdp::parse(t).ok())
}

impl Call {
    /// Sends the INVITE of new outgoing call `id` as `out` says to the
    /// first of `peers` (the rest kept to fail over to), with an RTP port
    /// from media worker `worker`'s share; the status to fail with when it
    /// cannot.
    pub fn outgoing(
        ctx: &mut CallContext,
        now: Instant,
        id: CallId,
        worker: usize,
        out: &Outbound,
        peers: Vec<Peer>,
    ) -> Result<Call, StatusCode> {
        let uri = out.uri.as_str();
        let mut peers = peers.into_iter();
        let peer = peers.next().ok_or(StatusCode::SERVICE_UNAVAILABLE)?;
        let keys_allowed = peer.transport == TransportKind::Tls || out.sdes_in_clear;
        if out.srtp == SrtpPolicy::Mandatory && !keys_allowed {
            tracing::warn!(call = %id, uri, transport = %peer.transport, "SRTP is mandatory on this leg, and its SDES keys would go in clear: not called (allow sdes_in_clear, or call over TLS)");
            return Err(StatusCode::NOT_ACCEPTABLE_HERE);
        }
        let keys = match out.srtp {
            SrtpPolicy::Off => Vec::new(),
            _ if !keys_allowed => Vec::new(),
            _ => SrtpTerms::fresh_keys(),
        };
        let port = ctx.ports.take(now, worker).ok_or(StatusCode::SERVICE_UNAVAILABLE)?;
        let tag = ctx.tag();
        let call_id = ctx.new_call_id();
        let codecs = if out.codecs.is_empty() {
            &ctx.cfg.codecs
        } else {
            &out.codecs
        };
        let offer = sdp::offer(&sdp::Local {
            codecs,
            addr: ctx.cfg.leg_media_addr(peer, None),
            port,
            direction: Direction::SendRecv,
            session_id: id.0,
            version: 1,
            srtp: SrtpTerms {
                policy: out.srtp,
                keys_allowed,
                ours: &keys,
            },
        });
        let mut via = Default::default();
        let via: &str = ctx.via_in(peer, &mut via);
        let user = if out.from_user.is_empty() {
            &ctx.cfg.user
        } else {
            &out.from_user
        };
        // From and To written on the stack, the rest lent where it is: the
        // INVITE's text is the one string made.
        let (mut from, mut to) = (SmallVec::<[u8; 160]>::new(), SmallVec::<[u8; 160]>::new());
        let contact = ctx.contact(peer);
        let asked = super::invite_headers::InviteHeaders::new(&ctx.cfg.session_timer);
        let (pairs, n) = asked.pairs();
        let spec = RequestText {
            method: Method::Invite,
            uri: sip::uri_of(uri),
            via,
            route: &[],
            last_route: None,
            from: sip::joined(&["<sip:", user, "@", ctx.hostport(peer), ">;tag=", &tag], &mut from),
            to: sip::joined(&["<", sip::uri_of(uri), ">"], &mut to),
            call_id: &call_id,
            cseq: 1,
            contact: Some(&contact),
            extra: &pairs[..n],
        };
        let body = sdp::render(&offer);
        let Some(req) = sip::Message::of_text(&spec, Some(("application/sdp", body.as_bytes()))) else {
            ctx.ports.give_back(now, port);
            return Err(StatusCode::UNSUPPORTED_URI_SCHEME);
        };
        let req = Arc::new(req);
        let tx = ctx.send_invite(now, id, peer, req.clone());
        let mut call = Call::new(id, Role::Uac, peer, tag, port, now, Invite::Sent { req, tx });
        call.media = out.media;
        call.pinned = out.flow.is_some();
        if let Some(creds) = out.credentials.clone() {
            call.client_auth = crate::collections::Rare::of(super::client_auth::ClientAuth::new(creds));
        }
        call.set_srtp(out.srtp, out.sdes_in_clear, keys);
        call.sdp.local = Some(offer);
        call.targets.fail_over_to(peers.collect());
        Ok(call)
    }

    /// A response to one of its client transactions.
    pub fn handle_response(&mut self, ctx: &mut CallContext, now: Instant, tx: TxId, resp: IncomingResponse) {
        let answered = matches!(self.invite, Invite::Answered { tx: t, .. } if t == tx);
        if answered && (200..=299).contains(&resp.code()) {
            // Our INVITE's 2xx again, or a fork's, after the first.
            return self.on_invite_ok(ctx, now, resp);
        }
        if !matches!(self.invite, Invite::Sent { tx: t, .. } if t == tx) {
            return self.on_other_response(ctx, now, tx, resp);
        }
        match resp.code() {
            100..=199 => self.on_provisional(ctx, now, &resp),
            200..=299 => self.on_invite_ok(ctx, now, resp),
            487 if self.cancel_requested => self.end(SessionEvent::Ended(self.id, EndReason::Cancelled)),
            401 | 407 if self.answer_challenge(ctx, now, &resp) => {}
            422 if self.retry_session_interval(ctx, now, &resp) => {}
            300..=399 if self.follow_redirect(ctx, now, &resp) => {}
            503 if self.fail_over(ctx, now, false) => {}
            300..=599 if self.try_next_target(ctx, now) => {}
            code => {
                let status = StatusCode::new(code).unwrap_or(StatusCode::SERVER_INTERNAL_ERROR);
                self.end(SessionEvent::Failed(self.id, status));
            }
        }
    }
}
