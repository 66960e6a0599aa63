//! What the application hears of each session event.

use super::{CallEvent, IncomingCall, SipUa};
use crate::session::{Command, SessionEvent};

impl SipUa {
    /// What the application hears of a session event (a route's capture
    /// is started here, not heard).
    pub(super) fn call_event(&self, ev: SessionEvent) -> Option<CallEvent> {
        Some(match ev {
            SessionEvent::Incoming(id, info) => CallEvent::Incoming(IncomingCall {
                id,
                from: info.from().to_owned(),
                to: info.to().to_owned(),
                uri: info.uri().to_owned(),
                source: info.peer.addr,
                target: info.target,
                commands: Some(self.shard_queue(id).clone()),
                shelf: self.shelf.clone(),
            }),
            SessionEvent::Ringing(id) => CallEvent::Ringing(id),
            SessionEvent::EarlyMedia(id) => CallEvent::EarlyMedia(id),
            SessionEvent::EarlyDialog(id, fork) => CallEvent::EarlyDialog(id, fork),
            SessionEvent::Answered(id) => CallEvent::Answered(id),
            SessionEvent::Held(id) | SessionEvent::PeerHeld(id) => CallEvent::Held(id),
            SessionEvent::Resumed(id) | SessionEvent::PeerResumed(id) => CallEvent::Resumed(id),
            SessionEvent::HoldFailed(id, s) => CallEvent::HoldFailed(id, s),
            SessionEvent::Ended(id, r) => {
                self.shelf.take(id);
                CallEvent::Ended(id, r)
            }
            SessionEvent::Failed(id, s) => {
                self.shelf.take(id);
                CallEvent::Failed(id, s)
            }
            SessionEvent::Dtmf(id, d, held, _) => CallEvent::Dtmf(id, d, held),
            SessionEvent::Info(id, ct, body) => CallEvent::Info(id, ct, body),
            SessionEvent::Notify(id, n) => CallEvent::Notify(id, n),
            // An application's call is not transferred by its peer.
            SessionEvent::Referred(id, _) => {
                _ = self.send(Command::AnswerRefer(id, crate::status::StatusCode::FORBIDDEN));
                return None;
            }
            SessionEvent::Transfer(_, s) if s.is_provisional() => return None,
            SessionEvent::Transfer(id, s) => CallEvent::Transferred(id, s),
            SessionEvent::Record(r) => CallEvent::Record(r),
            // Only gateway calls are taken over.
            SessionEvent::TakenOver(_) => return None,
            SessionEvent::Capture(id, dir, sip_call_id) => {
                self.capture_for_route(id, &dir, &sip_call_id);
                return None;
            }
        })
    }
}
