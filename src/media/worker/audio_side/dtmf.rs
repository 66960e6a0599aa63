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

/// Digits the peer sends: the timestamp of the last one reported, so its
/// repeated end packets are reported once.
#[derive(Default)]
pub(super) struct DtmfIn {
    reported: Option<u32>,
}

impl DtmfIn {
    /// A telephone-event payload at RTP timestamp `ts` (clock `clock`):
    /// the digit and how long it was held (ms), the first time its end is
    /// seen.
    pub fn hear(&mut self, payload: &[u8], ts: u32, clock: u32) -> Option<(char, u32)> {
        let [event, flags, d0, d1, ..] = *payload else {
            return None;
        };
        if flags & 0x80 == 0 || self.reported == Some(ts) {
            return None;
        }
        self.reported = Some(ts);
        let ms = u32::from(u16::from_be_bytes([d0, d1])) * 1000 / clock.max(1);
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
        assert_eq!(inp.hear(&[11, 0x8a, 3, 32], 500, 8000), Some(('#', 100)));
        assert_eq!(inp.hear(&[11, 0x8a, 3, 32], 500, 8000), None, "once");
        assert_eq!(inp.hear(&[5, 0x0a, 0, 160], 900, 8000), None, "not ended yet");
        assert_eq!(inp.hear(&[5, 0x8a, 1, 64], 900, 8000), Some(('5', 40)));
    }
}
