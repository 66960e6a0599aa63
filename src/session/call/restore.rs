//! A call as another node would continue it (issue #19): its leg of a
//! snapshot, and a call restored from one on a node taking it over, in
//! its dialog with our own port; the re-INVITE that tells the peer where
//! we are now (our Contact and our media address) is `take_over`.

use super::{Call, CallState, Invite, Role};
use crate::dialog::Dialog;
use crate::ids::{CallId, Peer};
use crate::sdp;
use crate::session::context::CallContext;
use crate::session::snapshot::LegSnapshot;
use crate::session::{EndReason, SessionEvent, UaConfig};
use std::time::Instant;

/// CSeqs a taking-over node skips: the dead node may have sent in-dialog
/// requests (INFO, NOTIFY, a refresh) after its last snapshot, and a
/// CSeq the peer has seen would be refused (§12.2.2: 500).
const CSEQ_MARGIN: u32 = 1000;

impl Call {
    /// This leg's part of a snapshot: when it is established (ACKed),
    /// plain RTP and in its dialog (`wall` turns our instants into Unix
    /// ms).
    pub fn leg_snapshot(&self, wall: impl Fn(Instant) -> u64) -> Option<LegSnapshot> {
        let d = self.dialog.as_ref().filter(|_| self.state == CallState::Connected)?;
        let (local, remote) = (self.sdp.local.as_ref()?, self.sdp.remote.as_ref()?);
        if !local.audio.crypto.is_empty() || !remote.audio.crypto.is_empty() {
            return None;
        }
        Some(LegSnapshot {
            uas: self.role == Role::Uas,
            transport: d.fallback.transport.to_string(),
            peer: d.fallback.addr.to_string(),
            call_id: d.call_id().to_owned(),
            local_tag: d.local_tag().to_owned(),
            remote_tag: d.remote_tag().to_owned(),
            local_seq: d.local_seq,
            remote_seq: d.remote_seq,
            local: d.local().to_owned(),
            remote: d.remote().to_owned(),
            remote_target: d.remote_target.to_string(),
            route_set: d.route_set.to_vec(),
            local_sdp: sdp::render(local),
            remote_sdp: sdp::render(remote),
            on_hold: self.sdp.on_hold,
            start_ms: wall(self.started),
            answer_ms: self.answered_at().map(wall),
        })
    }

    /// A call restored from `leg` on our `port` (our media address as
    /// `cfg` says), its times `started`/`answered` on our clock; `None`
    /// when the snapshot's peer or SDP do not read.
    pub fn restore(
        id: CallId,
        leg: &LegSnapshot,
        port: u16,
        cfg: &UaConfig,
        times: (Instant, Instant),
    ) -> Option<Self> {
        let peer: Peer = leg.peer()?;
        let mut local = sdp::parse(&leg.local_sdp).ok()?;
        let remote = sdp::parse(&leg.remote_sdp).ok()?;
        // Our media are here now; the port in our SDP stays the old one
        // until the re-INVITE offers ours (see `take_over`).
        local.audio.addr = cfg.leg_media_addr(peer, Some(&remote));
        let role = if leg.uas { Role::Uas } else { Role::Uac };
        let mut call = Call::new(id, role, peer, leg.local_tag.clone(), port, times.0, Invite::Adopted);
        call.state = CallState::Connected;
        call.set_answered(times.1);
        let text = [&leg.call_id, &leg.local_tag, &leg.remote_tag, &leg.local, &leg.remote].map(|s| s.as_str());
        let mut dialog = Dialog::restored(text, leg.remote_target.clone(), leg.route_set.clone(), peer);
        dialog.local_seq = leg.local_seq.saturating_add(CSEQ_MARGIN);
        dialog.remote_seq = leg.remote_seq;
        // A caller behind NAT (a private Contact) is reached where it
        // came from, as when the dialog formed; a connection of the
        // dead node's is not ours to use.
        dialog.flow = (leg.uas && !peer.transport.is_reliable())
            .then(|| crate::sip::flow_for(&leg.remote_target, peer))
            .flatten()
            .map(Box::new);
        call.set_dialog(dialog);
        call.sdp.remote_hold = remote.direction().is_hold();
        (call.sdp.local, call.sdp.remote, call.sdp.on_hold) = (Some(local), Some(remote), leg.on_hold);
        call.adopted = true;
        Some(call)
    }

    /// Tells the peer of a call taken over where it is now: a re-INVITE
    /// from our Contact offering our SDP on our port (the next version of
    /// the last one it saw, its hold kept). A refusal or no answer ends
    /// the call (see `on_reinvite_response`), and so does a re-INVITE that
    /// cannot be sent (keys it may not carry).
    pub fn take_over(&mut self, ctx: &mut CallContext, now: Instant) {
        if !self.send_takeover(ctx, now) {
            tracing::warn!(call = %self.id, "a call taken over could not be re-INVITEd; ending it");
            self.send_bye(ctx, now);
            self.end(SessionEvent::Ended(self.id, EndReason::NotAgreed));
        }
    }

    fn send_takeover(&mut self, ctx: &mut CallContext, now: Instant) -> bool {
        let Some(t) = self.dialog.as_ref().map(Dialog::transport) else {
            return false;
        };
        // The codecs of the last SDP the peer saw from us, with their
        // payload types (RFC 3264 §8.3.2: a mapping never changes), the
        // one agreed first so that the media go on as they were.
        let Some(mut codecs) = self.sdp.local.as_ref().map(|l| l.audio.codecs.clone()) else {
            return false;
        };
        if let Some(agreed) = self.sdp.agreed_codec() {
            codecs.sort_by_key(|c| !c.same_format(&agreed));
        }
        let Some(mut offer) = self.sdp.hold_offer(self.sdp.on_hold, &codecs, t) else {
            return false;
        };
        offer.audio.port = self.port;
        let hold = self.sdp.on_hold;
        self.send_reinvite(ctx, now, Some(hold), offer, Vec::new());
        self.reinvite_busy()
    }

    /// A target refresh (RFC 3261 §12.2) a request or 2xx of the dialog
    /// brought, once accepted: the snapshot follows.
    pub(super) fn refresh_target(&mut self, ctx: &mut CallContext, headers: &crate::sip::Message) {
        if self.dialog.as_mut().is_some_and(|d| d.refresh_target(headers)) {
            ctx.replica_changed(self.id);
        }
    }
}
