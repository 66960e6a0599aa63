//! DTMF on an audio call (RFC 4733): digits the peer sends, reported once
//! each at their end; digits the application asks for, sent as
//! telephone-event packets on the call's 20 ms ticks — each held 100 ms
//! (five packets of growing duration, the first marked), ended by three
//! packets with the E bit, then 60 ms of voice before the next digit.

use std::collections::VecDeque;

/// Ticks a digit is held.
const TONE_TICKS: u8 = 5;
/// End packets sent for each digit.
const END_PACKETS: u8 = 3;
/// Ticks of voice between two digits.
const GAP_TICKS: u8 = 3;

/// The event code of a digit, if it is one.
pub(super) fn event_of(digit: char) -> Option<u8> {
    match digit {
        '0'..='9' => Some(digit as u8 - b'0'),
        '*' => Some(10),
        '#' => Some(11),
        'A'..='D' => Some(digit as u8 - b'A' + 12),
        _ => None,
    }
}

/// The digit of an event code, if it is one.
pub(super) fn digit_of(event: u8) -> Option<char> {
    match event {
        0..=9 => Some((b'0' + event) as char),
        10 => Some('*'),
        11 => Some('#'),
        12..=15 => Some((b'A' + event - 12) as char),
        _ => None,
    }
}

/// One telephone-event packet to send this tick.
pub(super) struct EventPacket {
    /// Its payload: event, E bit and volume, duration.
    pub payload: [u8; 4],
    /// The first packet of a digit (marker bit, a new timestamp).
    pub first: bool,
}

/// The digits still to send, and where the current one is.
#[derive(Default)]
pub(super) struct DtmfOut {
    queue: VecDeque<u8>,
    /// The digit being sent and the packets sent of it.
    current: Option<(u8, u8)>,
    gap: u8,
}

impl DtmfOut {
    /// Queues `digits` (anything not a digit skipped).
    pub fn push(&mut self, digits: &str) {
        self.queue.extend(digits.chars().filter_map(event_of));
    }

    /// Drops whatever is queued (the leg has no telephone-event).
    pub fn clear(&mut self) {
        (self.queue, self.current, self.gap) = (VecDeque::new(), None, 0);
    }

    /// This tick's event packet, with durations in units of `frame_ticks`
    /// per tick; `None` when voice goes out instead.
    pub fn next(&mut self, frame_ticks: u32) -> Option<EventPacket> {
        if self.current.is_none() {
            if self.gap > 0 {
                self.gap -= 1;
                return None;
            }
            self.current = Some((self.queue.pop_front()?, 0));
        }
        let (event, sent) = self.current.as_mut()?;
        let held = u32::from((*sent + 1).min(TONE_TICKS)) * frame_ticks;
        let end = *sent >= TONE_TICKS;
        let duration = held.min(u32::from(u16::MAX)) as u16;
        let d = duration.to_be_bytes();
        let packet = EventPacket {
            payload: [*event, if end { 0x80 } else { 0 } | 10, d[0], d[1]],
            first: *sent == 0,
        };
        *sent += 1;
        if *sent >= TONE_TICKS + END_PACKETS {
            (self.current, self.gap) = (None, GAP_TICKS);
        }
        Some(packet)
    }
}

/// The clock of telephone-event durations: we offer and accept only
/// `telephone-event/8000`, whatever the voice codec's clock.
pub(super) const EVENT_CLOCK: u32 = 8000;

/// Digits the peer sends: the one still going (its end not yet seen) and
/// the timestamp of the last one reported, so that its repeated end
/// packets, or a late one, are reported once.
#[derive(Default)]
pub(super) struct DtmfIn {
    open: Option<(u32, u8, u16)>,
    reported: Option<u32>,
}

impl DtmfIn {
    /// A telephone-event payload at RTP timestamp `ts`: the digit and how
    /// long it was held (ms), the first time its end is seen, or when a
    /// new digit starts before the last one's end arrived.
    pub fn hear(&mut self, payload: &[u8], ts: u32) -> Option<(char, u32)> {
        let [event, flags, d0, d1, ..] = *payload else {
            return None;
        };
        let duration = u16::from_be_bytes([d0, d1]);
        let older = self
            .reported
            .is_some_and(|r| r == ts || ts.wrapping_sub(r) >= 0x8000_0000);
        if older {
            return None;
        }
        let unended = self.open.filter(|o| o.0 != ts).and_then(|_| self.close());
        if flags & 0x80 == 0 {
            self.open = Some((ts, event, duration));
            return unended;
        }
        self.open = Some((ts, event, duration));
        self.close().or(unended)
    }

    /// Voice arrived: a digit still open lost its end packets; reported now.
    pub fn voice(&mut self) -> Option<(char, u32)> {
        self.close()
    }

    fn close(&mut self) -> Option<(char, u32)> {
        let (ts, event, duration) = self.open.take()?;
        self.reported = Some(ts);
        let ms = u32::from(duration) * 1000 / EVENT_CLOCK;
        Some((digit_of(event)?, ms))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_digit_is_held_ended_three_times_then_a_gap() {
        let mut out = DtmfOut::default();
        out.push("1#x");
        let mut packets = Vec::new();
        for _ in 0..30 {
            packets.push(out.next(160).map(|p| (p.payload, p.first)));
        }
        let first: Vec<_> = packets[..8].iter().map(|p| p.unwrap()).collect();
        assert!(first[0].1 && first[1..].iter().all(|p| !p.1), "the first marked");
        assert_eq!(first[0].0, [1, 10, 0, 160]);
        assert_eq!(first[4].0, [1, 10, 3, 32], "800 ticks held");
        assert!(first[5..].iter().all(|p| p.0 == [1, 0x80 | 10, 3, 32]), "three ends");
        assert!(packets[8..11].iter().all(Option::is_none), "60 ms of voice");
        assert_eq!(packets[11].unwrap().0[0], 11, "then #");
        assert!(packets[22..].iter().all(Option::is_none), "x is no digit");
        let mut inp = DtmfIn::default();
        assert_eq!(inp.hear(&[11, 0x8a, 3, 32], 500), Some(('#', 100)));
        assert_eq!(inp.hear(&[11, 0x8a, 3, 32], 500), None, "once");
        assert_eq!(inp.hear(&[5, 0x0a, 0, 160], 900), None, "not ended yet");
        assert_eq!(inp.hear(&[5, 0x8a, 1, 64], 900), Some(('5', 40)));
        assert_eq!(inp.hear(&[11, 0x8a, 3, 32], 500), None, "a late end of an older digit");
        // A digit whose end packets are all lost: reported when voice
        // comes, or when the next digit starts.
        assert_eq!(inp.hear(&[7, 0x0a, 0, 160], 1300), None);
        assert_eq!(inp.voice(), Some(('7', 20)));
        assert_eq!(inp.voice(), None);
        assert_eq!(inp.hear(&[8, 0x0a, 1, 64], 1700), None);
        assert_eq!(inp.hear(&[9, 0x0a, 0, 160], 2100), Some(('8', 40)), "8 ended by 9");
    }
}
