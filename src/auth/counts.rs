//! The nonce counts seen per nonce we issued (RFC 7616 §3.4: a count is
//! accepted once, so a replayed Authorization fails), kept in issue order:
//! one `u32` per nonce issued within the last lifetime, found from the
//! nonce's serial number. Older nonces are stale anyway; a flood of
//! challenges is bounded by `max` (the oldest slots go first, and their
//! nonces are answered with a fresh challenge).

use std::collections::VecDeque;

/// Nonce counts by serial number.
#[derive(Debug)]
pub(super) struct NonceCounts {
    /// The serial number of `seen[0]`.
    base: u64,
    /// The highest count seen per nonce (0: none yet).
    seen: VecDeque<u32>,
    /// (second issued, first serial issued that second), oldest first.
    marks: VecDeque<(u64, u64)>,
    lifetime_secs: u64,
    max: usize,
}

impl NonceCounts {
    /// Counts for nonces fresh for `lifetime_secs`, at most `max` of them.
    pub fn new(lifetime_secs: u64, max: usize) -> Self {
        NonceCounts {
            base: 0,
            seen: VecDeque::new(),
            marks: VecDeque::new(),
            lifetime_secs,
            max,
        }
    }

    /// The nonce with the next serial number was issued at `secs`; its
    /// serial.
    pub fn issue(&mut self, secs: u64) -> u64 {
        let serial = self.base + self.seen.len() as u64;
        if self.marks.back().is_none_or(|&(s, _)| s != secs) {
            self.marks.push_back((secs, serial));
        }
        self.seen.push_back(0);
        let oldest = secs.saturating_sub(self.lifetime_secs);
        while self.marks.len() > 1 && self.marks.front().is_some_and(|&(s, _)| s < oldest) {
            self.marks.pop_front();
            let keep_from = self.marks.front().map_or(serial, |&(_, first)| first);
            self.drop_before(keep_from);
        }
        if self.seen.len() > self.max {
            self.drop_before(self.base + (self.seen.len() - self.max) as u64);
        }
        serial
    }

    fn drop_before(&mut self, serial: u64) {
        while self.base < serial && self.seen.pop_front().is_some() {
            self.base += 1;
        }
    }

    /// Count `nc` for nonce `serial`: whether it is new (above every
    /// count seen for that nonce), recorded if so.
    pub fn accept(&mut self, serial: u64, nc: u32) -> bool {
        let Some(i) = serial.checked_sub(self.base) else {
            return false;
        };
        let Some(last) = usize::try_from(i).ok().and_then(|i| self.seen.get_mut(i)) else {
            return false;
        };
        if nc <= *last {
            return false;
        }
        *last = nc;
        true
    }
}
