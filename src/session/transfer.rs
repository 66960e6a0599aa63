//! Transfers (RFC 3515, RFC 3891), which span calls and so are the UA
//! core's: the peer's REFER answered and reported on as the gateway says,
//! our REFER sent, a new leg placed to take over an established call's
//! other side, and the re-bridging once it answers (the media call kept
//! on its worker under its first id; an attended transfer's other call
//! whose media ran on another worker moves there, by re-INVITE).

use super::{Command, Outbound, SessionEvent, UserAgent};
use crate::ids::CallId;
use crate::media::{MediaCommand, Side};
use crate::status::StatusCode;
use std::time::Instant;

impl UserAgent {
    /// The transfer commands.
    pub(super) fn transfer_command(&mut self, now: Instant, cmd: Command) {
        match cmd {
            Command::AnswerRefer(id, status) => self.with_call(id, |c, ctx| c.answer_refer(ctx, now, status)),
            Command::NotifyRefer(id, status) => self.with_call(id, |c, ctx| c.notify_refer(ctx, now, status)),
            Command::Refer(id, uri) => self.with_call(id, |c, ctx| c.send_refer(ctx, now, &uri)),
            Command::SendNotify(id, n) => self.with_call(id, |c, ctx| c.send_notify(ctx, now, &n)),
            Command::Transfer { c, keep, out } => self.transfer_leg(now, c, keep, &out),
            Command::Rebridge { keep, new } => self.rebridge(now, keep, new),
            _ => unreachable!("invariant: user_agent handles every other command"),
        }
    }

    /// The media call `id` is in (a bridge's A side's), by its id on the
    /// workers.
    fn media_of(&self, id: CallId) -> CallId {
        let call = self.calls.get(&id);
        match call.and_then(|c| c.link()) {
            Some(_) => self.media_key(self.media_owner(id)),
            None => call.and_then(|c| c.media_key()).unwrap_or(id),
        }
    }

    /// Places `c` to take over the other side of established call `keep`:
    /// its offer follows `keep`'s, its port is on `keep`'s media worker.
    fn transfer_leg(&mut self, now: Instant, c: CallId, keep: CallId, out: &Outbound) {
        if self.calls.get(&keep).is_none_or(|k| k.is_offered()) {
            self.ctx
                .events
                .push_back(SessionEvent::Failed(c, StatusCode::CALL_DOES_NOT_EXIST));
            return;
        }
        let key = self.media_of(keep);
        if let Some(k) = self.calls.get_mut(&keep) {
            k.set_media_key(Some(key));
        }
        let out = Outbound {
            codecs: self.offer_codecs(keep, &out.codecs),
            ..out.clone()
        };
        self.place(now, c, keep, &out);
    }

    /// Bridges `keep` to answered `new` in place of their partners, who
    /// are unlinked (and hung up by whoever asked): their media calls go,
    /// one for the new pair starts under `keep`'s media id, and a leg we
    /// had put on hold is resumed.
    fn rebridge(&mut self, now: Instant, keep: CallId, new: CallId) {
        if !(self.calls.contains_key(&keep) && self.calls.contains_key(&new)) {
            return;
        }
        let key = self.media_of(keep);
        // A port belongs to its worker (its shard of the pool).
        let worker = |ua: &Self, id| ua.calls.get(&id).map(|c| ua.ctx.ports.shard_of(c.port()));
        let moved = worker(self, new) != worker(self, keep);
        for id in [keep, new] {
            let owner = self.media_owner(id);
            let media_key = self.media_of(id);
            if let Some(o) = self.calls.get_mut(&owner).filter(|o| o.media_active()) {
                o.set_media_active(false);
                self.ctx.media.push_back(MediaCommand::RemoveCall { call: media_key.0 });
                self.unreplicate(media_key);
            }
            let partner = self.calls.get_mut(&id).and_then(|c| c.link().map(|(p, _)| p));
            for p in [Some(id), partner].into_iter().flatten() {
                if let Some(c) = self.calls.get_mut(&p) {
                    c.set_link(None);
                }
            }
        }
        if moved {
            self.move_to_worker(now, new, key);
            if !self.calls.contains_key(&new) {
                return;
            }
        }
        let side = self.calls.get(&keep).map(|k| k.media_side()).unwrap_or(Side::A);
        let owner = if side == Side::A { keep } else { new };
        self.ctx.replica_changed(owner);
        for (id, link) in [(keep, (new, side)), (new, (keep, side.other()))] {
            if let Some(c) = self.calls.get_mut(&id) {
                c.set_link(Some(link));
            }
        }
        // One record for the call: `new`'s own, or its leg of another's
        // (an attended transfer's consultation call), joins `keep`'s.
        let record = self.calls.get(&keep).map_or(keep, |k| k.record_owner());
        let old = self.calls.get(&new).map_or(new, |n| n.record_owner());
        if old != record {
            let done = match self.records.join(new, record) {
                true => None,
                false => self.records.move_leg(old, record),
            };
            self.ctx.events.extend(done.map(|r| SessionEvent::Record(Box::new(r))));
            if let Some(n) = self.calls.get_mut(&new) {
                n.set_record_owner(record);
            }
        }
        if let Some(o) = self.calls.get_mut(&owner) {
            o.set_media_key(Some(key));
        }
        if key != owner {
            self.media_alias.insert(key, owner);
        }
        self.start_media(owner);
        for id in [keep, new] {
            self.with_call(id, |c, ctx| c.request_hold(ctx, now, false));
        }
    }

    /// Moves `new`'s media to a port on media call `key`'s worker (a
    /// re-INVITE tells its peer). If it cannot (no port free there, or a
    /// re-INVITE already in progress) its media cannot be bridged: it is
    /// hung up.
    fn move_to_worker(&mut self, now: Instant, new: CallId, key: CallId) {
        let worker = self.ctx.worker_of(key);
        let Some(port) = self.ctx.ports.take(now, worker) else {
            return self.with_call(new, |c, ctx| c.hang_up(ctx, now));
        };
        let mut old = None;
        self.with_call(new, |c, ctx| old = c.move_media(ctx, now, port));
        match old {
            Some(old) => self.ctx.ports.give_back(now, old),
            None => {
                self.ctx.ports.give_back(now, port);
                tracing::warn!(call = %new, "transferred call's media could not move to its new worker; hanging up");
                self.with_call(new, |c, ctx| c.hang_up(ctx, now));
            }
        }
    }
}
