//! Session events in, commands out: everything one leg does that the other
//! must hear (new calls go to `incoming`, forked ones to `fork`).

use super::{Gateway, route};
use crate::ids::CallId;
use crate::session::{Command, Digit, DtmfSource, MediaMode, SessionEvent};
use std::time::Instant;

impl Gateway {
    /// A session event. Incoming calls are the gateway's and are consumed;
    /// every other event is acted on and handed back for observers.
    pub fn on_event(&mut self, now: Instant, ev: SessionEvent) -> Option<SessionEvent> {
        if self.on_transfer_event(now, &ev) {
            // A REFER is the gateway's to answer, and answered.
            return (!matches!(ev, SessionEvent::Referred(..))).then_some(ev);
        }
        match &ev {
            SessionEvent::Incoming(a, info) => return self.on_incoming(now, *a, info),
            SessionEvent::Ringing(b) => self.tell_inbound(*b, Command::Ring),
            // A forked call's caller hears ringing: no leg's early media
            // is relayed while they race.
            SessionEvent::EarlyMedia(b) if self.forking_partner(*b).is_some() => self.tell_inbound(*b, Command::Ring),
            SessionEvent::EarlyMedia(b) => {
                self.tell_inbound(*b, Command::EarlyMedia);
                if let Some(a) = self.legs.get(b).and_then(|l| l.other())
                    && let Some(l) = self.legs.get_mut(&a)
                {
                    l.early_media = true;
                }
            }
            // Another callee of a forked INVITE rings: the caller's one
            // dialog rings again, unless it hears our early media already
            // (which follow the fork that sent SDP last).
            SessionEvent::EarlyDialog(b, fork) if fork.index > 1 && !fork.media => {
                let a = self.legs.get(b).and_then(|l| l.other());
                if !a.and_then(|a| self.legs.get(&a)).is_some_and(|l| l.early_media) {
                    self.tell_inbound(*b, Command::Ring);
                }
            }
            SessionEvent::EarlyDialog(..) => {}
            SessionEvent::Answered(b) => {
                if let Some(a) = self.forking_partner(*b) {
                    self.fork_answered(a, *b);
                }
                if let Some(l) = self.legs.get(b).filter(|l| !l.inbound && l.other().is_some()) {
                    self.stats.bridged_answered += 1;
                    let ms = l.age(self.epoch, now).as_millis() as u64;
                    self.stats.setup_sum_ms += ms;
                    for (n, le) in self.stats.setup_le.iter_mut().zip(super::SETUP_BUCKETS_MS) {
                        *n += u64::from(ms <= le);
                    }
                }
                self.tell_inbound(*b, |a| Command::Accept(a, MediaMode::None));
            }
            SessionEvent::PeerHeld(x) => self.tell_other(*x, Command::Hold),
            SessionEvent::Info(x, ct, body) => self.relay_info(*x, ct, body),
            // A transfer's NOTIFY concerns this leg's subscription only.
            SessionEvent::Notify(_, n) if n.event.trim_start().to_ascii_lowercase().starts_with("refer") => {}
            SessionEvent::Notify(x, n) => self.tell_other(*x, |o| Command::SendNotify(o, n.clone())),
            // A digit in RFC 4733 the other leg did not agree: sent on as
            // that leg agreed (an INFO's digit goes with its INFO).
            SessionEvent::Dtmf(x, digit, held, DtmfSource::Rtp) => {
                let digit = Digit {
                    digit: *digit,
                    duration: *held,
                    info: None,
                };
                self.tell_other(*x, |o| Command::SendDigit(o, digit))
            }
            SessionEvent::PeerResumed(x) => self.tell_other(*x, Command::Resume),
            SessionEvent::Failed(b, code) => {
                if self.legs.contains_key(b) {
                    self.stats.outbound_failed += 1;
                    *self.failures.entry(*code).or_default() += 1;
                }
                match self.forking_partner(*b) {
                    Some(a) => self.fork_failed(a, *b, *code),
                    None => {
                        let refused = self
                            .legs
                            .get(b)
                            .map_or(crate::status::StatusCode::FORBIDDEN, |l| l.refused);
                        let status = route::caller_status(*code, refused);
                        self.tell_inbound(*b, |a| Command::Reject(a, status));
                    }
                }
                self.forget(*b);
            }
            SessionEvent::Ended(x, r) => {
                self.fork_abandoned(*x);
                // A call another node took over goes on there: no BYE.
                if *r != crate::session::EndReason::Disowned {
                    self.tell_other(*x, Command::End);
                }
                self.forget(*x);
            }
            SessionEvent::TakenOver(x) => {
                self.stats.taken_over += u64::from(self.legs.get(x).is_some_and(|l| l.inbound));
            }
            SessionEvent::Held(_)
            | SessionEvent::Resumed(_)
            | SessionEvent::HoldFailed(..)
            | SessionEvent::Dtmf(..)
            | SessionEvent::Referred(..)
            | SessionEvent::Transfer(..)
            | SessionEvent::Capture(..)
            | SessionEvent::Record(_) => {}
        }
        Some(ev)
    }

    /// Leg `x`'s peer sent an INFO: the other leg gets it as an INFO of
    /// its own, or, a DTMF digit, as that leg agreed (RFC 4733 when it
    /// agreed telephone-event, else this INFO as it came).
    fn relay_info(&mut self, x: CallId, ct: &str, body: &str) {
        let digit = crate::session::is_dtmf_type(ct)
            .then(|| crate::session::parse_info(ct, body).ok())
            .flatten();
        let cmd = |o| match digit {
            Some((digit, duration)) => Command::SendDigit(
                o,
                Digit {
                    digit,
                    duration,
                    info: Some((ct.to_owned(), body.to_owned())),
                },
            ),
            None => Command::SendInfo(o, ct.to_owned(), body.to_owned()),
        };
        self.tell_other(x, cmd);
    }

    /// Sends `cmd` to the inbound partner of outbound leg `b`.
    pub(super) fn tell_inbound(&mut self, b: CallId, cmd: impl FnOnce(CallId) -> Command) {
        if let Some(a) = self.legs.get(&b).filter(|l| !l.inbound).and_then(|l| l.other()) {
            self.commands.push_back(cmd(a));
        }
    }

    /// Sends `cmd` to the partner of `x`, whichever leg it is.
    fn tell_other(&mut self, x: CallId, cmd: impl FnOnce(CallId) -> Command) {
        if let Some(other) = self.legs.get(&x).and_then(|l| l.other()) {
            self.commands.push_back(cmd(other));
        }
    }

    /// A leg has gone: drop it and its partner's link to it.
    pub(super) fn forget(&mut self, x: CallId) {
        let Some(leg) = self.legs.remove(&x) else { return };
        self.inbound -= usize::from(leg.inbound);
        if leg.inbound {
            self.admission.release();
        }
        if let Some(l) = leg.other().and_then(|o| self.legs.get_mut(&o)) {
            l.set_other(None);
        }
    }
}
