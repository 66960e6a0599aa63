//! One leg the gateway looks after: its partner, when it came, and what
//! its route allows. 24 bytes: a held bridged call keeps two in a table
//! sized to a power of two.

use crate::ids::CallId;
use crate::status::StatusCode;
use std::time::{Duration, Instant};

/// One leg the gateway looks after.
#[derive(Debug, Clone, Copy)]
pub(super) struct Leg {
    /// The other leg's id; 0 for none (echo and application calls, or
    /// once it has gone): no call has id 0.
    partner: u64,
    /// When the call arrived: ns from the gateway's epoch (signed, so a
    /// simulated clock may start before it).
    since: i64,
    /// An outbound leg whose target refuses our credentials: what its
    /// caller hears (the route's `refused_with`, else 403).
    pub refused: StatusCode,
    /// True for the inbound leg.
    pub inbound: bool,
    /// Its route lets its call be transferred.
    pub transfer: bool,
    /// An inbound leg whose caller was sent our early media (a 183).
    pub early_media: bool,
    /// Answered (an attended transfer joins only such legs).
    pub answered: bool,
}

/// `at` as ns from `epoch`.
fn offset(epoch: Instant, at: Instant) -> i64 {
    match at.checked_duration_since(epoch) {
        Some(d) => d.as_nanos().min(i64::MAX as u128) as i64,
        None => -(epoch.duration_since(at).as_nanos().min(i64::MAX as u128) as i64),
    }
}

impl Leg {
    /// A leg arriving at `now` (on a gateway whose epoch is `epoch`),
    /// paired with `other` if given; refusals answered 403.
    pub fn new(epoch: Instant, now: Instant, other: Option<CallId>, inbound: bool, transfer: bool) -> Self {
        Leg {
            partner: other.map_or(0, |o| o.0),
            since: offset(epoch, now),
            refused: StatusCode::FORBIDDEN,
            inbound,
            transfer,
            early_media: false,
            answered: false,
        }
    }

    /// The other leg, if it has one.
    pub fn other(&self) -> Option<CallId> {
        (self.partner != 0).then_some(CallId(self.partner))
    }

    /// Pairs it with `other` (`None`: unpairs it).
    pub fn set_other(&mut self, other: Option<CallId>) {
        self.partner = other.map_or(0, |o| o.0);
    }

    /// How long it has been up at `now`.
    pub fn age(&self, epoch: Instant, now: Instant) -> Duration {
        Duration::from_nanos(offset(epoch, now).saturating_sub(self.since).max(0) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_its_partner_and_age_in_24_bytes() {
        assert_eq!(std::mem::size_of::<Leg>(), 24);
        let epoch = Instant::now();
        let before = epoch - Duration::from_secs(3);
        let mut leg = Leg::new(epoch, before, Some(CallId(7)), true, false);
        assert_eq!(leg.other(), Some(CallId(7)));
        assert_eq!(
            leg.age(epoch, before + Duration::from_millis(1500)),
            Duration::from_millis(1500)
        );
        leg.set_other(None);
        assert_eq!(leg.other(), None);
    }
}
