//! DTMF to a call's peer the way its SDP agreed (issue #18): RFC 4733
//! events from the media worker when it agreed telephone-event and its
//! media runs on a worker; otherwise one INFO per digit (RFC 6086), sent
//! one after another. The application's digits and a bridge's relayed
//! ones (an INFO's from the other leg, or RFC 4733 the other leg sent and
//! this one cannot take) go the same way. Also the DTMF INFO bodies:
//! `application/dtmf-relay` (`Signal=`, `Duration=`) and `application/dtmf`.

use super::{Digit, DtmfSource, SessionEvent, UserAgent};
use crate::ids::CallId;
use crate::media::{MediaCommand, Side};
use std::time::Duration;

/// The INFO body type we send digits in.
pub(crate) const RELAY_TYPE: &str = "application/dtmf-relay";

/// How long the application's digits are held.
const HELD: Duration = Duration::from_millis(100);

/// Whether an INFO body of type `ct` (lowercase, no parameters) is a DTMF
/// digit.
pub(crate) fn is_dtmf_type(ct: &str) -> bool {
    matches!(ct, "application/dtmf-relay" | "application/dtmf")
}

/// The digit and its duration in an INFO body of DTMF type `ct`, or what
/// is wrong with it (the reason phrase of our 400).
pub(crate) fn parse_info(ct: &str, body: &str) -> Result<(char, Duration), &'static str> {
    let digit = |s: &str| match s.trim() {
        "10" => Some('*'),
        "11" => Some('#'),
        d if d.len() == 1 => d
            .chars()
            .next()
            .map(|c| c.to_ascii_uppercase())
            .filter(|c| matches!(c, '0'..='9' | '*' | '#' | 'A'..='D')),
        _ => None,
    };
    if ct == "application/dtmf" {
        return digit(body).map(|d| (d, HELD)).ok_or("Bad DTMF digit");
    }
    let field = |name: &str| {
        body.lines().find_map(|l| {
            let (k, v) = l.split_once('=')?;
            k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
        })
    };
    let d = field("Signal").and_then(digit).ok_or("Bad dtmf-relay Signal")?;
    let ms = match field("Duration") {
        Some(v) => v.parse::<u64>().map_err(|_| "Bad dtmf-relay Duration")?,
        None => 100,
    };
    Ok((d, Duration::from_millis(ms)))
}

/// An `application/dtmf-relay` body for `digit` held `held`.
pub(crate) fn relay_body(digit: char, held: Duration) -> String {
    format!("Signal={digit}\r\nDuration={}\r\n", held.as_millis())
}

impl UserAgent {
    /// The media call and leg that digits for call `id`'s peer go out on
    /// as RFC 4733: when it agreed telephone-event and its media runs on
    /// a worker. `None`: they go as INFO.
    fn rfc4733_leg(&self, id: CallId) -> Option<(CallId, Side)> {
        let call = self.calls.get(&id)?;
        call.leg_config()?.te_pt?;
        let owner = self.media_owner(id);
        let side = call.link().map_or(Side::A, |(_, side)| side);
        self.calls
            .get(&owner)
            .is_some_and(|c| c.media_active())
            .then_some((owner, side))
    }

    /// The application's `digits` for call `id`'s peer, each held 100 ms:
    /// RFC 4733 or one INFO each, as the peer agreed.
    pub(super) fn send_dtmf(&mut self, id: CallId, digits: String) {
        if let Some((owner, side)) = self.rfc4733_leg(id) {
            let cmd = MediaCommand::SendDtmf {
                call: self.media_key(owner).0,
                side,
                digits,
                duration_ms: HELD.as_millis() as u32,
            };
            return self.ctx.media.push_back(cmd);
        }
        let now = self.now;
        for d in digits.chars() {
            self.with_call(id, |c, ctx| c.send_info(ctx, now, RELAY_TYPE, &relay_body(d, HELD)));
        }
    }

    /// One digit for call `id`'s peer (a bridge relaying it from the other
    /// leg): RFC 4733 as the peer agreed, else an INFO — the one that
    /// brought it as it came, or `application/dtmf-relay`.
    pub(super) fn send_digit(&mut self, id: CallId, digit: Digit) {
        if let Some((owner, side)) = self.rfc4733_leg(id) {
            let cmd = MediaCommand::SendDtmf {
                call: self.media_key(owner).0,
                side,
                digits: digit.digit.to_string(),
                duration_ms: digit.duration.as_millis().min(u128::from(u32::MAX)) as u32,
            };
            return self.ctx.media.push_back(cmd);
        }
        let (ct, body) = match digit.info {
            Some(info) => info,
            None => (RELAY_TYPE.into(), relay_body(digit.digit, digit.duration)),
        };
        let now = self.now;
        self.with_call(id, |c, ctx| c.send_info(ctx, now, &ct, &body));
    }

    /// A worker heard `digit` (held `ms`) in RFC 4733 from leg `side` of
    /// media call `owner`: reported as the leg's (a bridge sends it on).
    pub(super) fn heard_dtmf(&mut self, owner: CallId, side: Side, digit: char, ms: u32) {
        let leg = match (side, self.calls.get(&owner).and_then(|c| c.link())) {
            (Side::B, Some((b, Side::A))) => b,
            (Side::B, _) => return,
            (Side::A, _) => owner,
        };
        let held = Duration::from_millis(u64::from(ms));
        let ev = SessionEvent::Dtmf(leg, digit, held, DtmfSource::Rtp);
        self.ctx.events.push_back(ev);
    }
}

#[cfg(test)]
mod tests {
    use super::{parse_info, relay_body};
    use std::time::Duration;

    #[test]
    fn dtmf_bodies() {
        let relay = "Signal=5\r\nDuration=160\r\n";
        assert_eq!(
            parse_info("application/dtmf-relay", relay),
            Ok(('5', Duration::from_millis(160)))
        );
        assert_eq!(relay_body('5', Duration::from_millis(160)), relay);
        assert_eq!(
            parse_info("application/dtmf-relay", "Signal= 11\n").map(|d| d.0),
            Ok('#')
        );
        let star = relay_body('*', Duration::from_millis(100));
        assert_eq!(parse_info("application/dtmf-relay", &star).map(|d| d.0), Ok('*'));
        assert_eq!(
            parse_info("application/dtmf", "a"),
            Ok(('A', Duration::from_millis(100)))
        );
        assert_eq!(
            parse_info("application/dtmf-relay", "Signal=Z\r\n"),
            Err("Bad dtmf-relay Signal")
        );
        assert_eq!(
            parse_info("application/dtmf-relay", "Signal=1\r\nDuration=soon\r\n"),
            Err("Bad dtmf-relay Duration")
        );
        assert_eq!(parse_info("application/dtmf", ""), Err("Bad DTMF digit"));
    }
}
