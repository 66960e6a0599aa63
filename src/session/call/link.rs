//! A call's ties to the rest: the media plane (whether it has the call,
//! and what it does with it) and a bridge (the other leg, and whose call
//! record this leg goes in).

use super::Call;
use crate::ids::CallId;
use crate::media::Side;
use crate::session::MediaMode;

impl Call {
    /// What its media does once answered.
    pub fn media_mode(&self) -> MediaMode {
        self.media
    }

    /// Whether the media plane has this call (a removal is owed).
    pub fn media_active(&self) -> bool {
        self.media_active
    }

    /// Records whether the media plane has this call.
    pub fn set_media_active(&mut self, active: bool) {
        self.media_active = active;
    }

    /// The other leg of its bridge, and which leg it is.
    pub fn link(&self) -> Option<(CallId, Side)> {
        (self.link != self.id).then_some((self.link, self.link_side))
    }

    /// Which leg of a media call it is: its bridge's say, else (its
    /// partner gone) the leg its role makes it.
    pub fn media_side(&self) -> Side {
        match (self.link(), self.role) {
            (Some((_, side)), _) => side,
            (None, super::Role::Uas) => Side::A,
            (None, super::Role::Uac) => Side::B,
        }
    }

    /// Links it to a bridge partner (`None`: unlinks it).
    pub fn set_link(&mut self, link: Option<(CallId, Side)>) {
        (self.link, self.link_side) = link.unwrap_or((self.id, Side::A));
    }

    /// The id its media call has on the workers when not its own.
    pub fn media_key(&self) -> Option<CallId> {
        (self.media_key != self.id).then_some(self.media_key)
    }

    /// Keeps media call `key` (`None`: its own id).
    pub fn set_media_key(&mut self, key: Option<CallId>) {
        self.media_key = key.unwrap_or(self.id);
    }

    /// The call whose record this leg goes in.
    pub fn record_owner(&self) -> CallId {
        self.record
    }

    /// Puts this leg's record in call `owner`'s.
    pub fn set_record_owner(&mut self, owner: CallId) {
        self.record = owner;
    }
}
