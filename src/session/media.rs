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

    /// The media call `id` belongs to: its own, or its bridge's A side.
    fn media_owner(&self, id: CallId) -> CallId {
        match self.calls.get(&id).and_then(|c| c.link) {
            Some((a, Side::B)) => a,
            _ => id,
        }
    }

    /// Hands a call to the media plane once its SDPs are known: an echo
    /// alone; a bridge once both legs have negotiated (the A side's answer
    /// went out in a 183 or 200).
    pub(super) fn start_media(&mut self, id: CallId) {
        let owner = self.media_owner(id);
        let Some(call) = self.calls.get(&owner).filter(|c| !c.media_active) else {
            return;
        };
        let cmd = match call.link {
            Some((b, _)) => {
                let (Some(a), Some(b)) = (self.leg_config(owner), self.leg_config(b)) else {
                    return;
                };
                if a.codec.is_some() && b.codec.is_some() && a.codec != b.codec {
                    self.stats.transcoded_calls += 1;
                }
                MediaCommand::AddCall {
                    call: owner.0,
                    a,
                    b: Some(b),
                }
            }
            None if call.media == MediaMode::None => return,
            None => {
                let Some(a) = self.leg_config(owner) else { return };
                MediaCommand::AddCall {
                    call: owner.0,
                    a,
                    b: None,
                }
            }
        };
        self.media.push_back(cmd);
        if let Some(call) = self.calls.get_mut(&owner) {
            call.media_active = true;
        }
    }

    /// An offer/answer changed a call's SDP: update its leg (or start the
    /// media, after a late offer or the bridge's second leg).
    pub(super) fn update_media(&mut self, id: CallId) {
        let owner = self.media_owner(id);
        if !self.calls.get(&owner).is_some_and(|c| c.media_active) {
            return self.start_media(id);
        }
        let side = self.calls.get(&id).and_then(|c| c.link).map_or(Side::A, |(_, s)| s);
        if let Some(leg) = self.leg_config(id) {
            self.media.push_back(MediaCommand::UpdateLeg {
                call: owner.0,
                side,
                leg,
            });
        }
    }

    /// A call ended: release its media (a bridge's, whichever leg ends
    /// first) and unlink its partner.
    pub(super) fn stop_media(&mut self, call: &super::Call) {
        let (owner, active) = match call.link {
            Some((a, Side::B)) => match self.calls.get_mut(&a) {
                Some(c) => (a, std::mem::take(&mut c.media_active)),
                None => (a, false),
            },
            _ => (call.id, call.media_active),
        };
        if let Some((other, _)) = call.link {
            if let Some(c) = self.calls.get_mut(&other) {
                c.link = None;
                c.media_active = false;
            }
        }
        if active {
            self.media.push_back(MediaCommand::RemoveCall { call: owner.0 });
        }
    }

    /// An event from a media worker.
    pub fn handle_media_event(&mut self, now: Instant, ev: MediaEvent) {
        self.now = now;
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
                self.media_record(CallId(call), [None, None]);
            }
            MediaEvent::Latched { call, side, addr } => tracing::debug!(call, ?side, %addr, "media latched"),
            MediaEvent::Removed { call, stats } => {
                self.media_record(CallId(call), stats);
                for leg in stats.into_iter().flatten() {
                    self.stats.rtp_in += leg.rx.packets;
                    self.stats.rtp_out += leg.tx_packets;
                    self.stats.rtp_lost += leg.rx.lost();
                    self.stats.rtp_dropped += leg.strangers + leg.dropped;
                    if leg.rx.packets > 0 {
                        self.stats.rtp_streams += 1;
                        self.stats.rtp_jitter_us_sum += (leg.rx.jitter_ms() * 1000.0) as u64;
                    }
                }
            }
        }
        self.drain(now);
    }

    /// The next command for the media plane.
    pub fn poll_media(&mut self) -> Option<MediaCommand> {
        self.media.pop_front()
    }

    /// Whether a media command waits to be taken.
    pub fn has_media_command(&self) -> bool {
        !self.media.is_empty()
    }
}
