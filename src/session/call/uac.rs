//! The calling side: place a call, follow the responses to its INVITE
//! (ringing, early media, forked 2xx, redirects, failure), ACK every 2xx.

use super::{Call, CallState, Invite, Role};
use crate::dialog::Dialog;
use crate::ids::TxId;
use crate::ids::{CallId, Peer, TransportKind};
use crate::sdp::{self, Direction, Sdp, SrtpPolicy, SrtpTerms};
use crate::session::context::{CallContext, MediaChange};
use crate::session::{EndReason, Outbound, SessionEvent};
use crate::sip::{self, IncomingResponse, Method, RequestSpec};
use crate::status::StatusCode;
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
        let tag = ctx.token();
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
        let user = if out.from_user.is_empty() {
            &ctx.cfg.user
        } else {
            &out.from_user
        };
        let from = ["<sip:", user, "@", ctx.hostport(peer), ">;tag=", &tag].concat();
        let spec = RequestSpec {
            method: Method::Invite,
            uri: sip::uri_of(uri).to_owned(),
            via: ctx.via(peer),
            from,
            to: ["<", sip::uri_of(uri), ">"].concat(),
            call_id,
            cseq: 1,
            contact: Some(ctx.contact(peer)),
            route: Vec::new(),
            extra: super::session_timer::invite_headers(&ctx.cfg.session_timer),
        };
        let Ok(req) = sip::request_with_body(&spec, "application/sdp", sdp::render(&offer).into_bytes()) else {
            ctx.ports.give_back(now, port);
            return Err(StatusCode::UNSUPPORTED_URI_SCHEME);
        };
        let req = Arc::new(req);
        let tx = ctx.send_invite(now, id, peer, req.clone());
        let mut call = Call::new(id, Role::Uac, peer, tag, port, now, Invite::Sent { req, tx });
        call.media = out.media;
        call.pinned = out.flow.is_some();
        call.client_auth = super::client_auth::ClientAuth::new(out.credentials.clone());
        call.set_srtp(out.srtp, out.sdes_in_clear, keys);
        call.sdp.local = Some(offer);
        call.targets.fail_over_to(peers.collect());
        Ok(call)
    }

    /// A response to one of its client transactions.
    pub fn handle_response(&mut self, ctx: &mut CallContext, now: Instant, tx: TxId, resp: IncomingResponse) {
        if !matches!(self.invite, Invite::Sent { tx: t, .. } if t == tx) {
            return self.on_other_response(ctx, now, tx, resp);
        }
        match resp.code() {
            code @ 100..=199 => {
                self.prack_if_reliable(ctx, now, &resp);
                if code > 100 && self.state == CallState::Calling {
                    ctx.events.push_back(SessionEvent::Ringing(self.id));
                    self.state = CallState::Early;
                }
                if let Some(remote) = body_sdp(resp.body_text()) {
                    if self.sdp.remote.replace(remote).is_none() {
                        ctx.events.push_back(SessionEvent::EarlyMedia(self.id));
                    } else {
                        ctx.media_changed(self.id, MediaChange::Update);
                    }
                }
                if self.cancel_requested {
                    self.send_cancel(ctx, now);
                }
            }
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

    /// A 2xx to our INVITE: the dialog forms with the first; a fork's 2xx
    /// is ACKed and, from another callee, hung up.
    fn on_invite_ok(&mut self, ctx: &mut CallContext, now: Instant, resp: IncomingResponse) {
        let Invite::Sent { req: invite, .. } = &self.invite else {
            return;
        };
        let mut fresh = Dialog::uac(invite, &resp, self.peer);
        fresh.flow = self.pinned.then_some(self.peer);
        fresh.local_seq = fresh
            .local_seq
            .max(self.rel.pracks.as_ref().map_or(0, |p| p.local_seq()));
        Self::send_ack(ctx, &mut fresh, resp.core.cseq);
        if let Some(existing) = &self.dialog {
            if existing.id.remote_tag != fresh.id.remote_tag {
                Self::send_bye_on(ctx, now, &mut fresh, None);
            }
            return;
        }
        if let Some(answer) = body_sdp(resp.body_text()) {
            self.sdp.remote = Some(answer);
        }
        ctx.index.add_dialog(fresh.key(), self.id);
        self.dialog = Some(fresh);
        self.locate_hop(ctx, now);
        if self.sdp.disagree() {
            // An answer we cannot take (SRTP we required missing, no
            // codec we offered): the call cannot go on (RFC 3264 §6).
            tracing::warn!(call = %self.id, "the answer does not agree with our offer; hanging up");
            self.send_bye(ctx, now);
            return self.end(SessionEvent::Failed(self.id, StatusCode::NOT_ACCEPTABLE_HERE));
        }
        self.state = CallState::Connected;
        self.answered = Some(now);
        if self.cancel_requested {
            self.send_bye(ctx, now);
            return self.end(SessionEvent::Ended(self.id, EndReason::Cancelled));
        }
        ctx.stats.calls_answered += 1;
        self.adopt_session_timer(ctx, now, &resp.resp.headers);
        ctx.media_changed(self.id, MediaChange::Update);
        ctx.events.push_back(SessionEvent::Answered(self.id));
    }

    /// A 2xx that matched no transaction (resent after ours ended): ACKed
    /// again when it is our dialog's.
    pub fn handle_stray_ok(&self, ctx: &mut CallContext, resp: &IncomingResponse) {
        let Some(mut dialog) = self.dialog.clone() else { return };
        if Some(&dialog.id.remote_tag) == resp.core.to_tag.as_ref() {
            Self::send_ack(ctx, &mut dialog, resp.core.cseq);
        }
    }

    /// The ACK for a 2xx (§13.2.2.4): a new transaction-less request.
    pub(super) fn send_ack(ctx: &mut CallContext, dialog: &mut Dialog, cseq: u32) {
        let hop = dialog.next_hop();
        let (via, contact) = (ctx.via(hop), ctx.contact(hop));
        if let Ok(req) = sip::request(&dialog.request(Method::Ack, via, &contact, Some(cseq))) {
            let bytes = sip::request_bytes(&req);
            ctx.txs.send_stateless(dialog.next_hop(), bytes);
        }
    }
}
