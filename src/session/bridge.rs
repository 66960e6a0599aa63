//! Bridged calls (the B2BUA's two legs): the outbound offer follows the
//! inbound one, the inbound answer follows what the outbound leg agreed
//! (one codec; a different one only when the media plane can transcode),
//! and early media goes back in a 183.

use super::{CallState, Outbound, SessionEvent, UserAgent};
use crate::dialog;
use crate::ids::CallId;
use crate::media::Side;
use crate::media::codec::AudioCodec;
use crate::sdp::{self, Codec, Direction, Sdp};
use crate::status::StatusCode;
use std::time::Instant;

impl UserAgent {
    /// Places `b` as the outbound leg of offered call `a`.
    pub(super) fn bridge(&mut self, now: Instant, b: CallId, a: CallId, out: &Outbound) {
        let ok = self
            .calls
            .get(&a)
            .is_some_and(|c| c.state == CallState::Offered && c.link.is_none());
        if !ok {
            return self.events.push_back(SessionEvent::Failed(b, StatusCode::CALL_DOES_NOT_EXIST));
        }
        let out = Outbound {
            codecs: self.offer_codecs(a, &out.codecs),
            ..out.clone()
        };
        if self.make_call(now, b, a, &out) {
            for (id, link) in [(a, (b, Side::A)), (b, (a, Side::B))] {
                if let Some(c) = self.calls.get_mut(&id) {
                    c.link = Some(link);
                }
            }
            // One record for the bridge, kept by its A side.
            if let Some(c) = self.calls.get_mut(&b) {
                c.record = a;
            }
            if self.records.remove(&b).is_some() {
                self.open_record(b);
            }
        }
    }

    /// The outbound offer: the route's codecs if it names any, else the
    /// inbound offer's codecs we support (with its payload types), then
    /// the rest of ours, which we would transcode.
    fn offer_codecs(&self, a: CallId, policy: &[Codec]) -> Vec<Codec> {
        let theirs = self
            .calls
            .get(&a)
            .and_then(|c| c.remote_sdp.as_ref())
            .map_or(&[][..], |s| &s.audio.codecs[..]);
        let ours = if policy.is_empty() { &self.cfg.codecs } else { policy };
        let mut list: Vec<Codec> = Vec::new();
        let fresh = |list: &[Codec], c: &Codec| !list.iter().any(|l| l.same_format(c));
        for t in theirs {
            if let Some(o) = ours.iter().find(|o| o.same_format(t)) {
                if fresh(&list, t) {
                    list.push(Codec { pt: t.pt, ..o.clone() });
                }
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
        list
    }

    /// Our answer to the inbound leg `a` of a bridge: the codec its
    /// partner agreed if `a` offered it, else `a`'s first codec we can
    /// transcode to it; `Err(488)` when there is none.
    pub(super) fn bridged_answer(&mut self, a: CallId) -> Result<Sdp, StatusCode> {
        let call = self.calls.get(&a).ok_or(StatusCode::CALL_DOES_NOT_EXIST)?;
        let b = call.link.map(|(b, _)| b).ok_or(StatusCode::CALL_DOES_NOT_EXIST)?;
        let partner = self.calls.get(&b).ok_or(StatusCode::CALL_DOES_NOT_EXIST)?;
        let agreed = match (&partner.local_sdp, &partner.remote_sdp) {
            (Some(l), Some(r)) => sdp::negotiate(l, r).map_err(|_| StatusCode::NOT_ACCEPTABLE_HERE)?.codec,
            _ => return Err(StatusCode::NOT_ACCEPTABLE_HERE),
        };
        let (ip, port) = (self.cfg.media_addr, call.port);
        let sid = u64::from(rand::Rng::r#gen::<u32>(&mut self.rng));
        let Some(offer) = &call.remote_sdp else {
            let mut codecs = vec![agreed.clone()];
            codecs.extend(self.cfg.codecs.iter().filter(|c| !c.same_format(&agreed)).cloned());
            return Ok(sdp::offer(&codecs, ip, port, Direction::SendRecv, sid, 1));
        };
        let codeable = |c: &Codec| AudioCodec::from_name(&c.name).is_some();
        let voice = || offer.audio.codecs.iter().filter(|c| !c.is_telephone_event());
        let chosen = voice().find(|c| c.same_format(&agreed)).or_else(|| {
            codeable(&agreed)
                .then(|| voice().find(|c| codeable(c) && self.cfg.codecs.iter().any(|o| o.same_format(c))))
                .flatten()
        });
        let mut codecs = vec![chosen.ok_or(StatusCode::NOT_ACCEPTABLE_HERE)?.clone()];
        codecs.extend(self.cfg.codecs.iter().filter(|c| c.is_telephone_event()).cloned());
        sdp::answer(offer, &codecs, ip, port, Direction::SendRecv, sid, 1).map_err(|_| StatusCode::NOT_ACCEPTABLE_HERE)
    }

    /// 183 Session Progress with our answer on offered call `a`: its
    /// outbound leg has early media, which now flows through the bridge.
    pub(super) fn early_media(&mut self, now: Instant, a: CallId) {
        let Some((tx, req, tag, peer)) = self.offered(a) else {
            return;
        };
        if self.calls.get(&a).is_some_and(|c| c.local_sdp.is_some()) {
            return;
        }
        let Ok(local) = self.bridged_answer(a) else {
            return;
        };
        let contact = self.contact(peer.transport);
        let resp = dialog::with_sdp(&req, 183, &tag, &contact, sdp::render(&local));
        self.txs.respond(now, tx, resp);
        if let Some(c) = self.calls.get_mut(&a) {
            c.local_sdp = Some(local);
        }
        self.start_media(a);
    }
}
