//! DTMF as RFC 4733 telephone-event packets, as pure state over payloads
//! (no socket, clock or allocation per packet): digits a peer sends,
//! reported once each at their end whatever the redundancy (three end
//! packets, retransmitted updates, a late end of an older digit); and
//! digits to send, one packet per 20 ms tick — each held for its
//! duration (the first packet marked, the duration growing by a tick per
//! packet), ended by three packets with the E bit and its full duration,
//! then 60 ms of voice before the next digit. An audio call's side and a
//! relayed call's legs (DTMF interworking, issue #18) both use them.

use std::collections::VecDeque;

/// End packets sent for each digit (RFC 4733 §2.5.1.4).
const END_PACKETS: u16 = 3;
/// Ticks of voice between two digits.
const GAP_TICKS: u8 = 3;
/// The shortest and longest digit we send, in ms.
const MIN_MS: u32 = 40;
const MAX_MS: u32 = 8000;
/// Digits queued at most on one leg (more are dropped: a flood of INFOs
/// does not grow a worker's memory).
const MAX_QUEUED: usize = 64;
/// Voice packets in a row, with no event packet among them, that end a
/// digit whose end packets were all lost (voice interleaved with a
/// digit's updates does not end it early).
const VOICE_ENDS: u8 = 3;

/// The clock of telephone-event durations: we offer and accept only
/// `telephone-event/8000`, whatever the voice codec's clock.
pub(super) const EVENT_CLOCK: u32 = 8000;
/// One tick (20 ms) in that clock.
pub(super) const TICK_UNITS: u32 = EVENT_CLOCK / 50;

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
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct EventPacket {
    /// Its payload: event, E bit and volume, duration.
    pub payload: [u8; 4],
    /// The first packet of a digit (marker bit, a new timestamp).
    pub first: bool,
}

/// The digit being sent: its event, full duration (event clock units)
/// and the packets sent of it.
#[derive(Debug, Clone, Copy)]
struct Sending {
    event: u8,
    units: u32,
    sent: u16,
}

/// The digits still to send, and where the current one is.
#[derive(Debug, Clone, Default)]
pub(super) struct DtmfOut {
    /// Each digit's event and duration (event clock units).
    queue: VecDeque<(u8, u32)>,
    current: Option<Sending>,
    gap: u8,
}

impl DtmfOut {
    /// Queues `digits` (anything not a digit skipped), each held
    /// `duration_ms` (40 ms to 8 s).
    pub fn push(&mut self, digits: &str, duration_ms: u32) {
        let units = duration_ms.clamp(MIN_MS, MAX_MS) * (EVENT_CLOCK / 1000);
        for event in digits.chars().filter_map(event_of) {
            if self.queue.len() < MAX_QUEUED {
                self.queue.push_back((event, units));
            }
        }
    }

    /// Drops whatever is queued (the leg has no telephone-event).
    pub fn clear(&mut self) {
        self.queue.clear();
        (self.current, self.gap) = (None, 0);
    }

    /// Whether no digit is queued or being sent, nor the gap after the
    /// last one still running.
    pub fn is_idle(&self) -> bool {
        self.current.is_none() && self.queue.is_empty() && self.gap == 0
    }

    /// This tick's event packet, with durations in units of `frame_ticks`
    /// per tick; `None` when voice goes out instead.
    pub fn next(&mut self, frame_ticks: u32) -> Option<EventPacket> {
        if self.current.is_none() {
            if self.gap > 0 {
                self.gap -= 1;
                return None;
            }
            let (event, units) = self.queue.pop_front()?;
            self.current = Some(Sending { event, units, sent: 0 });
        }
        let s = self.current.as_mut()?;
        let frame = frame_ticks.max(1);
        let tone = s.units.div_ceil(frame).max(1) as u16;
        let end = s.sent >= tone;
        let held = (u32::from(s.sent) + 1) * frame;
        let duration = if end { s.units } else { held.min(s.units) };
        let d = (duration.min(u32::from(u16::MAX)) as u16).to_be_bytes();
        let packet = EventPacket {
            payload: [s.event, if end { 0x80 } else { 0 } | 10, d[0], d[1]],
            first: s.sent == 0,
        };
        s.sent += 1;
        if s.sent >= tone + END_PACKETS {
            (self.current, self.gap) = (None, GAP_TICKS);
        }
        Some(packet)
    }
}

/// Digits the peer sends: the one still going (its end not yet seen), the
/// timestamp of the last one reported, so that its repeated end packets,
/// or a late one, are reported once, and the voice packets heard since
/// the last event packet.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct DtmfIn {
    open: Option<(u32, u8, u16)>,
    reported: Option<u32>,
    voice_run: u8,
}

impl DtmfIn {
    /// A telephone-event payload at RTP timestamp `ts`: the digit and how
    /// long it was held (ms), the first time its end is seen, or when a
    /// new digit starts before the last one's end arrived.
    pub fn hear(&mut self, payload: &[u8], ts: u32) -> Option<(char, u32)> {
        let [event, flags, d0, d1, ..] = *payload else {
            return None;
        };
        self.voice_run = 0;
        let duration = u16::from_be_bytes([d0, d1]);
        let older = self
            .reported
            .is_some_and(|r| r == ts || ts.wrapping_sub(r) >= 0x8000_0000);
        if older {
            return None;
        }
        let unended = self.open.filter(|o| o.0 != ts).and_then(|_| self.close());
        self.open = Some((ts, event, duration));
        if flags & 0x80 == 0 {
            return unended;
        }
        self.close().or(unended)
    }

    /// Voice arrived: a digit still open after a few voice packets in a
    /// row lost its end packets; reported now.
    pub fn voice(&mut self) -> Option<(char, u32)> {
        self.open?;
        self.voice_run = self.voice_run.saturating_add(1);
        if self.voice_run < VOICE_ENDS {
            return None;
        }
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
mod tests;
