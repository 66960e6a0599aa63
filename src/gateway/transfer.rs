//! Transfers through the B2BUA (RFC 3515, RFC 3891): a REFER from either
//! leg of a bridged call is taken on when the call's route allows it and
//! its target has a route of its own (else 403). Blind: a new leg is
//! placed to the target as its route says (credentials and all), its
//! progress goes back to the referrer in NOTIFYs, and once it answers the
//! remaining party is bridged to it and the referrer hung up (if it has
//! not left already: a referrer that hangs up after the 202 leaves the
//! remaining party waiting for the new leg, as a blind transfer should).
//! Attended (Refer-To with Replaces naming another call of ours): the two
//! remaining parties are bridged at once and both of the referrer's legs
//! hung up.

use super::{Gateway, Leg};
use crate::ids::CallId;
use crate::session::{Command, Referral, SessionEvent};
use crate::status::StatusCode;
use std::time::Instant;

/// A blind transfer in progress, by its new leg.
#[derive(Debug, Clone, Copy)]
pub(super) struct Transfer {
    /// Who asked (gone once it hung up).
    referrer: Option<CallId>,
    /// The party that stays.
    keep: CallId,
}

impl Gateway {
    /// A transfer's events: the REFER (answered here), and what its new
    /// leg, its referrer or the party that stays do meanwhile. Whether
    /// the event is done with (else it goes on to the usual handling).
    pub(super) fn on_transfer_event(&mut self, now: Instant, ev: &SessionEvent) -> bool {
        let answered = match ev {
            SessionEvent::Answered(x) => Some((x, true)),
            SessionEvent::Ended(x, _) | SessionEvent::Failed(x, _) => Some((x, false)),
            _ => None,
        };
        if let Some((x, answered)) = answered
            && let Some(l) = self.legs.get_mut(x)
        {
            l.answered = answered;
        }
        let pending = |id: &CallId| self.transfers.get(id).copied();
        match ev {
            SessionEvent::Referred(x, r) => self.on_refer(now, *x, r),
            SessionEvent::Ringing(c) if let Some(t) = pending(c) => self.notify(t, StatusCode::RINGING),
            SessionEvent::EarlyMedia(c) if pending(c).is_some() => {}
            SessionEvent::Answered(c) if let Some(t) = pending(c) => self.transfer_answered(*c, t),
            SessionEvent::Failed(c, code) if let Some(t) = pending(c) => self.transfer_failed(*c, t, *code),
            SessionEvent::Ended(c, _) if let Some(t) = pending(c) => {
                self.transfer_failed(*c, t, StatusCode::REQUEST_TERMINATED)
            }
            SessionEvent::Ended(x, _) => {
                self.party_ended(*x);
                return false;
            }
            _ => return false,
        }
        true
    }

    /// Leg `x`'s REFER: taken on (202) and acted on, or refused.
    fn on_refer(&mut self, now: Instant, x: CallId, r: &Referral) {
        let keep = self.legs.get(&x).filter(|l| l.transfer).and_then(|l| l.other());
        // One transfer per call at a time, whichever leg asks.
        let partner = self.legs.get(&x).and_then(|l| l.other());
        let busy = self
            .transfers
            .values()
            .any(|t| [Some(x), partner].contains(&t.referrer) || t.keep == x || Some(t.keep) == partner);
        let Some(keep) = keep.filter(|_| !busy) else {
            return self.commands.push_back(Command::AnswerRefer(x, StatusCode::FORBIDDEN));
        };
        if let Some(y) = r.replaces {
            return self.attended(x, keep, y);
        }
        let Some((out, transfer)) = self.transfer_target(now, &r.target) else {
            tracing::info!(call = %x, target = %r.target, "transfer refused: no route allows its target");
            return self.commands.push_back(Command::AnswerRefer(x, StatusCode::FORBIDDEN));
        };
        let c = self.new_outbound_id();
        let mut leg = Leg::new(self.epoch, now, None, false, transfer);
        leg.refused = out.credentials.as_ref().map_or(StatusCode::FORBIDDEN, |c| c.refused());
        self.insert(c, leg);
        self.transfers.insert(
            c,
            Transfer {
                referrer: Some(x),
                keep,
            },
        );
        self.commands.push_back(Command::AnswerRefer(x, StatusCode::ACCEPTED));
        self.commands.push_back(Command::Transfer {
            c,
            keep,
            out: Box::new(out),
        });
    }

    /// Attended: `x`'s REFER replaces our call `y` (the referrer's other
    /// call): `keep` is bridged to `y`'s partner, `x` and `y` hung up.
    fn attended(&mut self, x: CallId, keep: CallId, y: CallId) {
        // Both legs of the call it replaces answered (not a consultation
        // still ringing, RFC 3891 §3's early-only aside).
        let z = self.legs.get(&y).filter(|l| l.transfer).and_then(|l| l.other());
        let answered = |id: &CallId| self.legs.get(id).is_some_and(|l| l.answered);
        let z = z.filter(|z| answered(&y) && answered(z));
        let Some(z) = z.filter(|z| *z != keep && *z != x && y != keep) else {
            return self.commands.push_back(Command::AnswerRefer(x, StatusCode::FORBIDDEN));
        };
        self.commands.push_back(Command::AnswerRefer(x, StatusCode::ACCEPTED));
        self.commands.push_back(Command::Rebridge { keep, new: z });
        self.commands.push_back(Command::NotifyRefer(x, StatusCode::OK));
        self.pair(keep, z, &[x, y]);
    }

    /// The new leg `c` answered: the transfer is done.
    fn transfer_answered(&mut self, c: CallId, t: Transfer) {
        self.transfers.remove(&c);
        self.commands.push_back(Command::Rebridge { keep: t.keep, new: c });
        self.notify(t, StatusCode::OK);
        let leaving: Vec<CallId> = t.referrer.into_iter().collect();
        self.pair(t.keep, c, &leaving);
    }

    /// The new leg `c` failed with `status`: the referrer hears it and
    /// keeps its call; if it has left, the party that stays is hung up.
    fn transfer_failed(&mut self, c: CallId, t: Transfer, status: StatusCode) {
        self.transfers.remove(&c);
        self.notify(t, status);
        if t.referrer.is_none() {
            self.commands.push_back(Command::End(t.keep));
        }
        self.forget(c);
    }

    /// Tells transfer `t`'s referrer (if still there) how it goes.
    fn notify(&mut self, t: Transfer, status: StatusCode) {
        if let Some(x) = t.referrer {
            self.commands.push_back(Command::NotifyRefer(x, status));
        }
    }

    /// Leg `x` ended: a referrer that left no longer hears of its
    /// transfer (the party that stays waits for the new leg, counted as
    /// the call's inbound leg if `x` was); a party that stays and left
    /// takes its new leg with it.
    fn party_ended(&mut self, x: CallId) {
        let mut cancelled = Vec::new();
        for (c, t) in self.transfers.iter_mut() {
            if t.referrer == Some(x) {
                t.referrer = None;
                cancelled.push((None, t.keep));
            } else if t.keep == x {
                cancelled.push((Some(*c), x));
            }
        }
        for (c, keep) in cancelled {
            match c {
                None => {
                    self.hand_inbound(x, keep);
                    for id in [x, keep] {
                        if let Some(l) = self.legs.get_mut(&id) {
                            l.set_other(None);
                        }
                    }
                }
                Some(c) => {
                    let t = self.transfers.remove(&c);
                    t.into_iter()
                        .for_each(|t| self.notify(t, StatusCode::REQUEST_TERMINATED));
                    self.commands.push_back(Command::End(c));
                }
            }
        }
    }
}
