//! The answering side: an incoming INVITE becomes an offered call, which
//! rings, is accepted (our 2xx resent until the ACK), answers early
//! (183 on a bridge), is rejected, or is cancelled by the caller.

use super::reliable::Provisional;
use super::{Call, CallState, Invite, Role};
use crate::dialog::{self, Dialog};
use crate::ids::{CallId, Peer, TxId};
use crate::sdp::{self, Direction, Sdp};
use crate::session::context::{CallContext, MediaChange};
use crate::session::{EndReason, MediaMode, SessionEvent};
use crate::sip::{self, IncomingRequest};
use crate::status::StatusCode;
use std::sync::Arc;
use std::time::Instant;

impl Call {
    /// A new incoming call for INVITE `req` (server transaction `tx`, from
    /// `peer`), answered with our `tag` from RTP `port`; `offer` is its
    /// SDP, if it had one.
    #[allow(clippy::too_many_arguments)]
    pub fn offered(
        id: CallId,
        now: Instant,
        tx: TxId,
        req: IncomingRequest,
        peer: Peer,
        tag: String,
        port: u16,
        offer: Option<Sdp>,
    ) -> Self {
        let required = crate::sip::lists(req.req.headers("Require"), "100rel");
        let invite = Invite::Received { req: Arc::new(req), tx };
        let mut call = Call::new(id, Role::Uas, peer, tag, port, now, invite);
        call.sdp.remote = offer;
        if required {
            call.rel.make().on = true;
        }
        call
    }

    /// The INVITE being answered and its transaction, while offered.
    fn offered_invite(&self) -> Option<(TxId, Arc<IncomingRequest>)> {
        match (&self.invite, self.state) {
            (Invite::Received { req, tx }, CallState::Offered) => Some((*tx, req.clone())),
            _ => None,
        }
    }

    /// Sends 180 Ringing (reliably when the INVITE requires it).
    pub fn ring(&mut self, ctx: &mut CallContext, now: Instant) {
        if self.offered_invite().is_none() {
            return;
        }
        let ringing = Provisional {
            status: StatusCode::RINGING,
            sdp: None,
        };
        self.send_provisional(ctx, now, ringing);
    }

    /// Rejects with a final `status`.
    pub fn reject(&mut self, ctx: &mut CallContext, now: Instant, status: StatusCode) {
        let Some((tx, req)) = self.offered_invite() else { return };
        // Refused for load before it rang: answered once and forgotten, so
        // overload costs no transaction waiting for an ACK (or Timer H).
        let once = status == StatusCode::SERVICE_UNAVAILABLE
            && ctx.txs.respond_once(tx, &ctx.stateless_503(&req.req, &req.core));
        if !once {
            let resp = ctx.final_response(&req.req, status, self.local_tag());
            ctx.txs.respond(now, tx, resp);
        }
        self.end(SessionEvent::Ended(self.id, EndReason::Rejected(status)));
    }

    /// Answers 200 with SDP: the 183's answer if one went out, else
    /// `answer` (a bridge's, worked out from its other leg), else ours to
    /// the offer (or our offer, when the INVITE had none).
    pub fn accept(&mut self, ctx: &mut CallContext, now: Instant, mode: MediaMode, answer: Option<Sdp>) {
        let Some((tx, req)) = self.offered_invite() else { return };
        if self.accept_waits(mode, &answer) {
            return;
        }
        let local = match (self.sdp.local.clone(), answer) {
            (Some(early), _) => early,
            (None, Some(answer)) => answer,
            (None, None) => {
                let session_id = ctx.session_id();
                let ours = sdp::Local {
                    codecs: &ctx.cfg.codecs,
                    addr: ctx.cfg.leg_media_addr(self.peer, self.sdp.remote.as_ref()),
                    port: self.port,
                    direction: Direction::SendRecv,
                    session_id,
                    version: 1,
                    srtp: self.srtp_terms(),
                };
                match &self.sdp.remote {
                    Some(offer) => match sdp::answer(offer, &ours) {
                        Ok(a) => a,
                        // Checked when the INVITE arrived: cannot happen.
                        Err(_) => return self.reject(ctx, now, StatusCode::NOT_ACCEPTABLE_HERE),
                    },
                    None => sdp::offer(&ours),
                }
            }
        };
        let contact = ctx.contact(self.peer);
        let timer = self.grant_session_timer(&req.req);
        let timer: Vec<(&str, &str)> = timer.iter().filter_map(sip::name_value).collect();
        let body = sdp::render(&local);
        let ok = dialog::response_bytes_in(
            &req.req,
            StatusCode::OK,
            self.local_tag(),
            Some(&contact),
            &timer,
            Some(body.as_bytes()),
        );
        let Some(bytes) = ctx.txs.respond_bytes(now, tx, StatusCode::OK.code(), ok) else {
            return;
        };
        self.arm_session_timer(ctx, now);
        let dialog = Dialog::uas(&req, self.local_tag(), self.peer);
        ctx.index.add_dialog(dialog.key_parts(), self.id);
        self.set_dialog(dialog);
        self.locate_hop(ctx, now);
        self.sdp.local = Some(local);
        self.state = CallState::Answering;
        self.media = mode;
        self.arm_ok(ctx, now, bytes, req.core.cseq);
        ctx.media_changed(self.id, MediaChange::Start);
    }

    /// Sends 183 Session Progress with `answer` (a bridge whose other leg
    /// has early media); the 200 will carry the same answer.
    pub fn answer_early(&mut self, ctx: &mut CallContext, now: Instant, answer: Sdp) {
        if self.offered_invite().is_none() || self.sdp.local.is_some() {
            return;
        }
        let progress = Provisional {
            status: StatusCode::SESSION_PROGRESS,
            sdp: Some(sdp::render(&answer)),
        };
        self.send_provisional(ctx, now, progress);
        self.sdp.local = Some(answer);
        ctx.media_changed(self.id, MediaChange::Start);
    }

    /// The caller cancelled before we answered: 487 to the INVITE.
    pub fn handle_cancel(&mut self, ctx: &mut CallContext, now: Instant) {
        if let Invite::Received { req, tx } = &self.invite {
            let (req, tx) = (req.clone(), *tx);
            ctx.reply(now, tx, &req.req, StatusCode::REQUEST_TERMINATED, self.local_tag());
        }
        self.end(SessionEvent::Ended(self.id, EndReason::Cancelled));
    }

    /// The ACK for our 2xx (with the answer, after a late offer).
    pub fn handle_ack(&mut self, ctx: &mut CallContext, now: Instant, ack: IncomingRequest) {
        if self.ok.as_ref().is_some_and(|ok| ok.cseq() == ack.core.cseq) {
            self.stop_ok();
        }
        let late_answer = super::uac::body_sdp(ack.body_text());
        let changed = late_answer.is_some();
        if late_answer.is_some() {
            self.sdp.remote = late_answer;
        }
        if self.state == CallState::Answering {
            self.state = CallState::Connected;
            self.invite.acked();
            self.set_answered(now);
            ctx.replica_changed(self.id);
            ctx.stats.calls_answered += 1;
            ctx.events.push_back(SessionEvent::Answered(self.id));
        }
        if changed && self.sdp.disagree() {
            return self.hang_up_disagreed(ctx, now);
        }
        if changed {
            ctx.media_changed(self.id, MediaChange::Update);
        }
        // A hold or resume asked for while our 2xx awaited this ACK.
        self.send_wanted(ctx, now);
    }
}
