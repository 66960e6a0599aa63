//! Receive statistics per stream: packets, bytes, loss from the extended
//! highest sequence (RFC 3550 A.1, A.3) and interarrival jitter (A.8).

/// What one stream received.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RxStats {
    /// Packets accepted.
    pub packets: u64,
    /// Payload bytes accepted.
    pub bytes: u64,
    base_seq: u32,
    max_seq: u32,
    cycles: u32,
    started: bool,
    /// Interarrival jitter, in timestamp units ×16 (A.8's fixed point).
    jitter16: u32,
    transit: i64,
    clock: u32,
}

impl RxStats {
    /// Stats for a stream with an RTP clock of `clock` Hz.
    pub fn new(clock: u32) -> Self {
        RxStats {
            clock,
            ..Default::default()
        }
    }

    /// Records one packet with sequence `seq` and timestamp `ts` that arrived
    /// `arrival_us` microseconds after an arbitrary fixed origin.
    pub fn record(&mut self, seq: u16, ts: u32, payload: usize, arrival_us: u64) {
        let seq = seq as u32;
        if !self.started {
            self.started = true;
            self.base_seq = seq;
            self.max_seq = seq;
        } else {
            let delta = seq.wrapping_sub(self.max_seq) & 0xffff;
            if delta < 0x8000 {
                if seq < self.max_seq {
                    self.cycles += 1 << 16;
                }
                self.max_seq = seq;
            }
        }
        self.packets += 1;
        self.bytes += payload as u64;
        // u64 holds µs × 48,000 for 12 years of uptime.
        let arrival = (arrival_us.wrapping_mul(self.clock.max(1) as u64) / 1_000_000) as i64;
        let transit = arrival - ts as i64;
        if self.packets > 1 {
            let d = (transit - self.transit).unsigned_abs() as u32;
            // J += (|D| - J) / 16, kept ×16 (RFC 3550 A.8).
            self.jitter16 = self.jitter16.wrapping_add(d).wrapping_sub((self.jitter16 + 8) >> 4);
        }
        self.transit = transit;
    }

    /// Packets expected from the sequence range seen.
    pub fn expected(&self) -> u64 {
        if !self.started {
            return 0;
        }
        (self.cycles as u64 + self.max_seq as u64) - self.base_seq as u64 + 1
    }

    /// Packets lost (expected − received, never negative).
    pub fn lost(&self) -> u64 {
        self.expected().saturating_sub(self.packets)
    }

    /// Jitter in timestamp units.
    pub fn jitter(&self) -> u32 {
        self.jitter16 >> 4
    }

    /// Jitter in milliseconds.
    pub fn jitter_ms(&self) -> f64 {
        self.jitter() as f64 * 1000.0 / self.clock.max(1) as f64
    }
}
