//! What a call shows the UA core: its id, role, peer, port, SDPs, leg
//! settings, times, Call-ID, the transactions it owns, its tag and its
//! dialog key.

use super::{Call, CallState, Dialog, Role};
use crate::ids::{CallId, Peer, TxId};
use crate::media::LegConfig;
use crate::sdp::Sdp;
use std::time::Instant;

impl Call {
    /// Its id.
    pub fn id(&self) -> CallId {
        self.id
    }

    /// Which side we are.
    pub fn role(&self) -> Role {
        self.role
    }

    /// Whether it is an incoming call not yet answered or rejected.
    pub fn is_offered(&self) -> bool {
        self.state == CallState::Offered
    }

    /// Our RTP port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The peer it came from or goes to.
    pub fn peer(&self) -> Peer {
        self.peer
    }

    /// Our latest SDP and theirs.
    pub fn sdp(&self) -> (Option<&Sdp>, Option<&Sdp>) {
        (self.sdp.local.as_ref(), self.sdp.remote.as_ref())
    }

    /// The leg settings its SDPs agree, for the media plane.
    pub fn leg_config(&self) -> Option<LegConfig> {
        self.sdp.leg_config(self.port)
    }

    /// The voice codec agreed, by name (call records).
    pub fn codec_name(&self) -> Option<crate::sdp::Token> {
        self.sdp.agreed_codec().map(|c| c.name)
    }

    /// When it started and when it was answered.
    pub fn times(&self) -> (Instant, Option<Instant>) {
        (self.started, self.answered_at())
    }

    /// When it was answered.
    pub(super) fn answered_at(&self) -> Option<Instant> {
        (self.answered > 0).then(|| self.started + std::time::Duration::from_nanos(self.answered - 1))
    }

    /// Notes that it was answered at `now`.
    pub(super) fn set_answered(&mut self, now: Instant) {
        self.answered = now.saturating_duration_since(self.started).as_nanos() as u64 + 1;
    }

    /// Its SIP Call-ID: the INVITE's while it is kept, then the dialog's
    /// (which it formed).
    pub fn sip_call_id(&self) -> &str {
        let dialog = || self.dialog.as_ref().map(|d| d.call_id());
        self.invite.call_id().or_else(dialog).unwrap_or_default()
    }

    /// The transactions the UA core routes to it (the INVITE's, a
    /// re-INVITE and PRACKs in flight), to forget once it is gone.
    pub fn transactions(&self) -> impl Iterator<Item = TxId> + '_ {
        self.invite
            .tx()
            .into_iter()
            .chain(self.reinvite.pending_tx())
            .chain(self.early.pracks())
            .chain(self.infos.tx())
    }

    /// Our tag: the dialog's once it has one (the same string; a held
    /// call keeps it once, in the dialog's text).
    pub(super) fn local_tag(&self) -> &str {
        Self::tag_in(&self.dialog, &self.local_tag)
    }

    /// [`local_tag`](Self::local_tag) from the two fields, for where
    /// another field is borrowed mutably.
    pub(super) fn tag_in<'a>(dialog: &'a Option<Dialog>, own: &'a str) -> &'a str {
        dialog.as_ref().map_or(own, |d| d.local_tag())
    }

    /// The Call-ID and our tag of its dialog (or of its early dialogs,
    /// which share them), once formed: what the UA core finds it by.
    pub fn dialog_parts(&self) -> Option<(&str, &str)> {
        match &self.dialog {
            Some(d) => Some(d.key_parts()),
            None => (!self.early.is_empty()).then(|| (self.sip_call_id(), self.local_tag())),
        }
    }
}
