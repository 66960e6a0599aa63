//! Moving a call's media to another of our ports: a transfer bridges it
//! to a call whose media run on another worker, and a call's port stays
//! on the worker it belongs to. The peer hears of it in a re-INVITE
//! offering our SDP again with the new port (RFC 3264 §8: a new offer
//! may change the port); packets in flight to the old port meanwhile are
//! lost.

use super::{Call, CallState};
use crate::session::context::CallContext;
use std::time::Instant;

impl Call {
    /// Moves our end of the media to `port`: the old port, to be given
    /// back. The re-INVITE is sent now (or, while another is in progress,
    /// not at all: the move is refused and the old port kept: `None`).
    pub fn move_media(&mut self, ctx: &mut CallContext, now: Instant, port: u16) -> Option<u16> {
        if self.state != CallState::Connected || self.reinvite_busy() {
            return None;
        }
        let t = self.dialog.as_ref()?.transport();
        let mut offer = self.sdp.hold_offer(self.sdp.on_hold, &ctx.cfg.codecs, t)?;
        offer.audio.port = port;
        let old = std::mem::replace(&mut self.port, port);
        let hold = self.sdp.on_hold;
        self.send_reinvite(ctx, now, Some(hold), offer, Vec::new());
        Some(old)
    }
}
