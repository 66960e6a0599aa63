//! The calls' side of the media plane: what the workers are told when a
//! call's SDP is agreed, re-negotiated or the call ends — one media call
//! per echo, one per bridge (both legs, owned by the A side) — and what
//! their events mean for the calls (a media timeout hangs up, and so does
//! media that could not be bound).

use super::call::Call;
use super::context::MediaChange;
use super::{MediaMode, UserAgent};
use crate::ids::CallId;
use crate::media::{MediaCommand, MediaEvent, Side};
use std::time::Instant;

impl UserAgent {
    /// Lets the media of every call whose SDP changed follow.
    pub(super) fn sync_media(&mut self) {
        while let Some((id, change)) = self.ctx.media_changes.pop_front() {
            match change {
                MediaChange::Start => self.start_media(id),
                MediaChange::Update => self.update_media(id),
            }
        }
    }

    /// The media call `id` belongs to: its own, or its bridge's A side.
    pub(super) fn media_owner(&self, id: CallId) -> CallId {
        match self.calls.get(&id).and_then(|c| c.link()) {
            Some((a, Side::B)) => a,
            _ => id,
        }
    }

    /// Hands a call to the media plane once its SDPs are known: an echo
    /// alone; a bridge once both legs have negotiated (the A side's answer
    /// went out in a 183 or 200).
    pub(super) fn start_media(&mut self, id: CallId) {
        let owner = self.media_owner(id);
        let Some(call) = self.calls.get(&owner).filter(|c| !c.media_active()) else {
            return;
        };
        let b = match call.link() {
            Some((b, _)) => {
                let (Some(a), Some(b)) = (call.leg_config(), self.calls.get(&b).and_then(|c| c.leg_config())) else {
                    return;
                };
                if a.codec.is_some() && b.codec.is_some() && a.codec != b.codec {
                    self.ctx.stats.transcoded_calls += 1;
                }
                Some(b)
            }
            None if call.media_mode() == MediaMode::None => return,
            None => None,
        };
        let Some(a) = call.leg_config() else { return };
        let cmd = match (call.media_mode(), b) {
            (MediaMode::Audio, None) => match self.requests.audio.remove(&owner) {
                Some(audio) => MediaCommand::AddAudioCall {
                    call: self.media_key(owner).0,
                    a,
                    audio,
                },
                None => return,
            },
            _ => MediaCommand::AddCall {
                call: self.media_key(owner).0,
                a,
                b,
            },
        };
        self.ctx.media.push_back(cmd);
        self.start_capture(owner);
        if let Some(call) = self.calls.get_mut(&owner) {
            call.set_media_active(true);
        }
    }

    /// An offer/answer changed a call's SDP: update its leg (or start the
    /// media, after a late offer or the bridge's second leg).
    fn update_media(&mut self, id: CallId) {
        let owner = self.media_owner(id);
        if !self.calls.get(&owner).is_some_and(|c| c.media_active()) {
            return self.start_media(id);
        }
        let Some(call) = self.calls.get(&id) else { return };
        let side = call.link().map_or(Side::A, |(_, s)| s);
        if let Some(leg) = call.leg_config() {
            let cmd = MediaCommand::UpdateLeg {
                call: self.media_key(owner).0,
                side,
                leg,
            };
            self.ctx.media.push_back(cmd);
        }
    }

    /// A call ended: release its media (a bridge's, whichever leg ends
    /// first) and unlink its partner; whether the media plane was told to
    /// remove a call (its final counts are then owed to the record).
    pub(super) fn stop_media(&mut self, call: &Call) -> bool {
        let (owner, active) = match call.link() {
            Some((a, Side::B)) => match self.calls.get_mut(&a) {
                Some(c) => {
                    let active = c.media_active();
                    c.set_media_active(false);
                    (c.media_key().unwrap_or(a), active)
                }
                None => (a, false),
            },
            _ => (call.media_key().unwrap_or(call.id()), call.media_active()),
        };
        if let Some(c) = call.link().and_then(|(other, _)| self.calls.get_mut(&other)) {
            c.set_link(None);
            c.set_media_active(false);
        }
        if active {
            self.ctx.media.push_back(MediaCommand::RemoveCall { call: owner.0 });
            self.unreplicate(owner);
        }
        active
    }

    /// The id media call `owner` has on the workers.
    pub(super) fn media_key(&self, owner: CallId) -> CallId {
        self.calls.get(&owner).and_then(|c| c.media_key()).unwrap_or(owner)
    }

    /// An event from a media worker.
    pub fn handle_media_event(&mut self, now: Instant, ev: MediaEvent) {
        self.now = now;
        // A media call a transfer left to another call than its first.
        let owner = |call: u64| self.media_alias.get(&CallId(call)).copied().unwrap_or(CallId(call));
        match ev {
            MediaEvent::Timeout { call } => self.with_call(owner(call), |c, ctx| c.media_timeout(ctx, now)),
            MediaEvent::BindFailed { call, port } => {
                tracing::warn!(
                    call,
                    port,
                    "media port could not be bound; the call is ended, not left silent"
                );
                self.ctx.stats.media_bind_failed += 1;
                let owner = owner(call);
                if let Some(c) = self.calls.get_mut(&owner) {
                    c.set_media_active(false);
                }
                self.unreplicate(CallId(call));
                self.media_done(CallId(call), [None, None]);
                self.with_call(owner, |c, ctx| c.media_failed(ctx, now));
            }
            MediaEvent::Latched { call, side, addr } => tracing::debug!(call, ?side, %addr, "media latched"),
            MediaEvent::Dtmf {
                call,
                side,
                digit,
                duration_ms,
            } => self.heard_dtmf(owner(call), side, digit, duration_ms),
            MediaEvent::Removed { call, stats } => {
                self.media_done(CallId(call), stats);
                self.ctx.stats.add_media(&stats);
            }
        }
        self.drain(now);
    }

    /// The media plane's final counts for media call `owner`.
    fn media_done(&mut self, owner: CallId, stats: [Option<crate::media::LegStats>; 2]) {
        if let Some(r) = self.records.media_done(owner, stats) {
            self.ctx.events.push_back(super::SessionEvent::Record(Box::new(r)));
        }
    }

    /// The next command for the media plane.
    pub fn poll_media(&mut self) -> Option<MediaCommand> {
        self.ctx.media.pop_front()
    }

    /// Whether a media command waits to be taken.
    pub fn has_media_command(&self) -> bool {
        !self.ctx.media.is_empty()
    }
}
