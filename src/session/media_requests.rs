//! What an application asked for a call's media before the media started:
//! its audio queues (an audio call), a capture of its packets. They go to
//! the worker with the call's media; a call that ends without media lets
//! them go (the capture closed, so its writer finishes).

use super::UserAgent;
use crate::ids::CallId;
use crate::media::MediaCommand;
use crate::media::audio::AudioAttach;
use crate::media::capture::PacketTap;
use rustc_hash::FxHashMap;

/// Requests waiting for calls' media, by call.
#[derive(Debug, Default)]
pub(crate) struct MediaRequests {
    /// Applications' audio queues.
    pub audio: FxHashMap<CallId, AudioAttach>,
    /// Captures, by the call owning the media (a bridge's A side).
    captures: FxHashMap<CallId, PacketTap>,
}

impl MediaRequests {
    /// Call `id` is gone: what waited for it goes.
    pub fn forget(&mut self, id: CallId) {
        self.audio.remove(&id);
        if let Some(tap) = self.captures.remove(&id) {
            tap.close();
        }
    }
}

impl UserAgent {
    /// Copies call `id`'s media packets into `tap`: now if its media runs,
    /// from its start if not yet; closed at once if there is no such call.
    pub(super) fn capture(&mut self, id: CallId, tap: PacketTap) {
        let owner = self.media_owner(id);
        match self.calls.get(&owner) {
            Some(c) if c.media_active() => self.ctx.media.push_back(MediaCommand::Capture {
                call: self.media_key(owner).0,
                tap,
            }),
            None if !self.placing.contains_key(&owner) => tap.close(),
            // Not started yet, or waiting for its target's name.
            _ => {
                if let Some(old) = self.requests.captures.insert(owner, tap) {
                    old.close();
                }
            }
        }
    }

    /// Call `owner`'s media has just been added: its waiting capture
    /// follows it.
    pub(super) fn start_capture(&mut self, owner: CallId) {
        if let Some(tap) = self.requests.captures.remove(&owner) {
            self.ctx.media.push_back(MediaCommand::Capture {
                call: self.media_key(owner).0,
                tap,
            });
        }
    }
}
