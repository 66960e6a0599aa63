//! The call's side of the media plane: what to tell the workers when a call
//! is answered, re-negotiated or ended, and what their events mean for the
//! call (a media timeout hangs up).

use super::{EndReason, MediaMode, SessionEvent, UserAgent};
use crate::ids::CallId;
use crate::media::{LegConfig, MediaCommand, MediaEvent, Side};
use crate::sdp;
use std::time::Instant;

impl UserAgent {
    /// The leg settings agreed by the call's offer and answer.
    fn leg_config(&self, id: CallId) -> Option<LegConfig> {
        let call = self.calls.get(&id)?;
        let n = sdp::negotiate(call.local_sdp.as_ref()?, call.remote_sdp.as_ref()?).ok()?;
        let remote = (n.remote.port() != 0 && !n.remote.ip().is_unspecified()).then_some(n.remote);
        Some(LegConfig {
            port: call.port,
            remote,
            rtcp_mux: n.rtcp_mux,
            codec_pt: n.codec.pt,
            codec: crate::media::codec::AudioCodec::from_name(&n.codec.name),
            clock: n.codec.rate,
            te_pt: n.telephone_event.map(|c| c.pt),
            send: n.local_direction.sends() && n.remote_direction.receives(),
        })
    }

    /// Hands an answered call to the media plane once both SDPs are known.
    pub(super) fn start_media(&mut self, id: CallId) {
        let Some(call) = self.calls.get(&id) else { return };
        if call.media == MediaMode::None || call.media_active {
            return;
        }
        let Some(a) = self.leg_config(id) else { return };
        self.media.push_back(MediaCommand::AddCall { call: id.0, a, b: None });
        if let Some(call) = self.calls.get_mut(&id) {
            call.media_active = true;
        }
    }

    /// A re-INVITE changed the SDP: update the leg (or start it, after a
    /// late offer).
    pub(super) fn update_media(&mut self, id: CallId) {
        match self.calls.get(&id) {
            Some(c) if c.media_active => {}
            _ => return self.start_media(id),
        }
        if let Some(leg) = self.leg_config(id) {
            self.media.push_back(MediaCommand::UpdateLeg {
                call: id.0,
                side: Side::A,
                leg,
            });
        }
    }

    /// The call ended: release its media.
    pub(super) fn stop_media(&mut self, id: CallId, active: bool) {
        if active {
            self.media.push_back(MediaCommand::RemoveCall { call: id.0 });
        }
    }

    /// An event from a media worker.
    pub fn handle_media_event(&mut self, now: Instant, ev: MediaEvent) {
        match ev {
            MediaEvent::Timeout { call } => {
                let id = CallId(call);
                if self.calls.contains_key(&id) {
                    self.send_bye(now, id);
                    self.finish(id, Some(SessionEvent::Ended(id, EndReason::MediaTimeout)));
                }
            }
            MediaEvent::BindFailed { call, port } => {
                tracing::warn!(call, port, "media port could not be bound; the call has no media");
                self.stats.media_bind_failed += 1;
                if let Some(c) = self.calls.get_mut(&CallId(call)) {
                    c.media_active = false;
                }
            }
            MediaEvent::Latched { call, side, addr } => tracing::debug!(call, ?side, %addr, "media latched"),
            MediaEvent::Removed { .. } => {}
        }
        self.drain(now);
    }

    /// The next command for the media plane.
    pub fn poll_media(&mut self) -> Option<MediaCommand> {
        self.media.pop_front()
    }
}
