//! Bridged calls (the B2BUA's two legs), which span two calls and so are
//! the UA core's: the outbound offer follows the inbound one, the inbound
//! answer follows what the outbound leg agreed (one codec; a different one
//! only when the media plane can transcode), and early media goes back in
//! a 183.

use super::{MediaMode, Outbound, SessionEvent, UserAgent};
use crate::ids::CallId;
use crate::media::Side;
use crate::media::codec::AudioCodec;
use crate::sdp::{self, Codec, Direction, Sdp};
use crate::status::StatusCode;
use std::time::Instant;

impl UserAgent {
    /// Places `b` as the outbound leg of offered call `a`.
    pub(super) fn bridge(&mut self, now: Instant, b: CallId, a: CallId, out: Box<Outbound>) {
        if self.fork_leg(now, b, a, out) {
            match self.placing.get_mut(&b) {
                // Its name is being looked up: linked once it is placed.
                Some(p) => p.join = true,
                None => self.join(a, b),
            }
        }
    }

    /// Places `b` as an outbound leg of offered call `a` (its port on
    /// `a`'s worker, its offer following `a`'s), not yet linked to it: one
    /// of several racing legs stays so until it wins, and a loser never
    /// touches `a`'s media or record. Whether it was placed.
    pub(super) fn fork_leg(&mut self, now: Instant, b: CallId, a: CallId, mut out: Box<Outbound>) -> bool {
        if !self.calls.get(&a).is_some_and(|c| c.is_offered() && c.link().is_none()) {
            let ev = SessionEvent::Failed(b, StatusCode::CALL_DOES_NOT_EXIST);
            self.ctx.events.push_back(ev);
            return false;
        }
        out.codecs = self.offer_codecs(a, &out.codecs);
        self.place(now, b, a, &out)
    }

    /// Links offered call `a` and its outbound leg `b` as a bridge (one
    /// record, kept by `a`; one media call once `a` is answered): at once
    /// for a plain bridge, when it answers first for a forked leg.
    pub(super) fn join(&mut self, a: CallId, b: CallId) {
        let free = |id: CallId| self.calls.get(&id).is_some_and(|c| c.link().is_none());
        if !(free(a) && free(b) && self.calls.get(&a).is_some_and(|c| c.is_offered())) {
            return;
        }
        for (id, link) in [(a, (b, Side::A)), (b, (a, Side::B))] {
            if let Some(c) = self.calls.get_mut(&id) {
                c.set_link(Some(link));
            }
        }
        if let Some(c) = self.calls.get_mut(&b) {
            c.set_record_owner(a);
        }
        _ = self.records.join(b, a);
    }

    /// The outbound offer: the route's codecs if it names any, else the
    /// inbound offer's codecs we support (with its payload types), then
    /// the rest of ours, which we would transcode; telephone-event last.
    pub(super) fn offer_codecs(&self, a: CallId, policy: &[Codec]) -> Vec<Codec> {
        let theirs = self
            .calls
            .get(&a)
            .and_then(|c| c.sdp().1)
            .map_or(&[][..], |s| &s.audio.codecs[..]);
        let ours = if policy.is_empty() {
            &self.ctx.cfg.codecs
        } else {
            policy
        };
        let mut list: Vec<Codec> = Vec::new();
        let fresh = |list: &[Codec], c: &Codec| !list.iter().any(|l| l.same_format(c));
        for t in theirs {
            if let Some(o) = ours.iter().find(|o| o.same_format(t))
                && fresh(&list, t)
            {
                list.push(Codec { pt: t.pt, ..o.clone() });
            }
        }
        for o in ours {
            if fresh(&list, o) {
                let mut c = o.clone();
                if list.iter().any(|l| l.pt == c.pt) {
                    c.pt = (96..128).find(|pt| !list.iter().any(|l| l.pt == *pt)).unwrap_or(c.pt);
                }
                list.push(c);
            }
        }
        // Voice first: telephone-event the caller shared with a route's
        // codecs it did not would otherwise lead the m-line.
        list.sort_by_key(Codec::is_telephone_event);
        list
    }

    /// Our answer to the inbound leg `a` of a bridge: the codec its
    /// partner agreed if `a` offered it, else `a`'s first codec we can
    /// transcode to it; 488 when there is none.
    fn bridged_answer(&mut self, a: CallId) -> Result<Sdp, StatusCode> {
        let session_id = self.ctx.session_id();
        let gone = StatusCode::CALL_DOES_NOT_EXIST;
        let call = self.calls.get(&a).ok_or(gone)?;
        let b = call.link().map(|(b, _)| b).ok_or(gone)?;
        let partner = self.calls.get(&b).ok_or(gone)?;
        let refuse = StatusCode::NOT_ACCEPTABLE_HERE;
        let agreed = match partner.sdp() {
            (Some(l), Some(r)) => sdp::negotiate(l, r).map_err(|_| refuse)?.codec.clone(),
            _ => return Err(refuse),
        };
        let cfg = &self.ctx.cfg;
        let mut local = sdp::Local {
            codecs: &[],
            addr: cfg.leg_media_addr(call.peer(), call.sdp().1),
            port: call.port(),
            direction: Direction::SendRecv,
            session_id,
            version: 1,
            srtp: call.srtp_terms(),
        };
        let Some(offer) = call.sdp().1 else {
            let mut codecs = vec![agreed.clone()];
            codecs.extend(cfg.codecs.iter().filter(|c| !c.same_format(&agreed)).cloned());
            local.codecs = &codecs;
            return Ok(sdp::offer(&local));
        };
        let codeable = |c: &Codec| AudioCodec::from_name(&c.name).is_some();
        let voice = || offer.audio.codecs.iter().filter(|c| !c.is_telephone_event());
        let chosen = voice().find(|c| c.same_format(&agreed)).or_else(|| {
            codeable(&agreed)
                .then(|| voice().find(|c| codeable(c) && cfg.codecs.iter().any(|o| o.same_format(c))))
                .flatten()
        });
        let mut codecs = vec![chosen.ok_or(refuse)?.clone()];
        codecs.extend(cfg.codecs.iter().filter(|c| c.is_telephone_event()).cloned());
        local.codecs = &codecs;
        sdp::answer(offer, &local).map_err(|_| refuse)
    }

    /// 183 Session Progress with our answer on offered call `a`: its
    /// outbound leg has early media, which now flows through the bridge.
    pub(super) fn early_media(&mut self, now: Instant, a: CallId) {
        if !self
            .calls
            .get(&a)
            .is_some_and(|c| c.is_offered() && c.sdp().0.is_none())
        {
            return;
        }
        if let Ok(answer) = self.bridged_answer(a) {
            self.with_call(a, |c, ctx| c.answer_early(ctx, now, answer));
        }
    }

    /// Answers offered call `id` (a bridge's inbound leg with the answer
    /// its other leg allows, or 488 when none).
    pub(super) fn accept(&mut self, now: Instant, id: CallId, mode: MediaMode) {
        let Some(call) = self.calls.get(&id).filter(|c| c.is_offered()) else {
            // Gone (cancelled meanwhile): its audio queues go too, so the
            // application's `recv` ends.
            self.requests.forget(id);
            return;
        };
        let answer = match (call.link(), call.sdp().0) {
            (Some(_), None) => match self.bridged_answer(id) {
                Ok(answer) => Some(answer),
                Err(status) => return self.with_call(id, |c, ctx| c.reject(ctx, now, status)),
            },
            _ => None,
        };
        self.with_call(id, |c, ctx| c.accept(ctx, now, mode, answer));
    }
}
