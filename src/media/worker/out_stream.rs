//! What one outgoing leg shows its peer: a fixed SSRC, and sequence numbers
//! and timestamps that continue across source changes (re-INVITE, the other
//! side's restart, hold and resume).

/// The stream we send to one leg: our SSRC, and the offsets that keep its
/// numbering continuous whatever the source does.
#[derive(Debug, Clone, Copy)]
pub struct OutStream {
    /// The SSRC this leg's peer sees.
    pub ssrc: u32,
    seq_delta: u16,
    ts_delta: u32,
    source: Option<u32>,
    last_seq: u16,
    last_ts: u32,
    last_us: u64,
    clock: u32,
    /// Packets sent.
    pub packets: u64,
    /// Payload bytes sent.
    pub bytes: u64,
}

impl OutStream {
    /// A stream with SSRC `ssrc`, starting at `seq`/`ts`, clock `clock` Hz.
    pub fn new(ssrc: u32, seq: u16, ts: u32, clock: u32) -> Self {
        OutStream {
            ssrc,
            seq_delta: 0,
            ts_delta: 0,
            source: None,
            last_seq: seq.wrapping_sub(1),
            last_ts: ts,
            last_us: 0,
            clock,
            packets: 0,
            bytes: 0,
        }
    }

    /// Forgets the current source so the next packet re-anchors (after hold
    /// or a re-INVITE): output continues at the next sequence number, with
    /// the timestamp advanced by the time that passed.
    pub fn rebase(&mut self) {
        self.source = None;
    }

    /// The stream's timestamp at `now_us`: the last packet's, advanced by
    /// the time since it left (the stream is anchored there, so a later
    /// source continues from it). A generated event starts here.
    pub fn now_ts(&mut self, now_us: u64) -> u32 {
        if self.packets > 0 {
            let elapsed = now_us.saturating_sub(self.last_us) as u128 * self.clock as u128 / 1_000_000;
            self.last_ts = self.last_ts.wrapping_add((elapsed as u32).max(1));
        }
        self.last_us = now_us;
        self.last_ts
    }

    /// A packet of our own (a generated event, `payload` bytes) between
    /// the relayed ones: the next sequence number, the current source's
    /// numbering moved on by one so its next packet follows without a
    /// gap or a clash.
    pub fn insert(&mut self, payload: usize) -> u16 {
        self.last_seq = self.last_seq.wrapping_add(1);
        self.seq_delta = self.seq_delta.wrapping_add(1);
        self.packets += 1;
        self.bytes += payload as u64;
        self.last_seq
    }

    /// A packet of source `ssrc` numbered `seq` that is not sent (an event
    /// read here instead): when it is the current source's next, the
    /// source's later packets move back by one, so the stream shows no
    /// gap where it was.
    pub fn skip(&mut self, ssrc: u32, seq: u16) {
        let ahead = seq.wrapping_add(self.seq_delta).wrapping_sub(self.last_seq);
        if self.source == Some(ssrc) && (1..0x8000).contains(&ahead) {
            self.seq_delta = self.seq_delta.wrapping_sub(1);
        }
    }

    /// The anchored source and the offsets taking its numbering to ours,
    /// `(ssrc, seq_delta, ts_delta)`: what the kernel applies when it
    /// forwards for this stream. `None` before a source is anchored.
    #[cfg(feature = "kernel-fastpath")]
    pub fn offsets(&self) -> Option<(u32, u16, u32)> {
        self.source.map(|s| (s, self.seq_delta, self.ts_delta))
    }

    /// `packets` packets carrying `payload` bytes were sent for this
    /// stream elsewhere (the kernel) by `now_us`, the last numbered
    /// `last`: the stream goes on after them.
    #[cfg(feature = "kernel-fastpath")]
    pub fn resume(&mut self, packets: u64, payload: u64, last: Option<(u16, u32)>, now_us: u64) {
        if let Some((seq, ts)) = last {
            (self.last_seq, self.last_ts, self.last_us) = (seq, ts, now_us);
        }
        self.packets += packets;
        self.bytes += payload;
    }

    /// Maps an incoming packet's SSRC, sequence and timestamp to ours.
    pub fn map(&mut self, ssrc: u32, seq: u16, ts: u32, now_us: u64, payload: usize) -> (u16, u32) {
        if self.source != Some(ssrc) {
            let next_seq = self.last_seq.wrapping_add(1);
            let next_ts = if self.packets == 0 {
                self.last_ts
            } else {
                let elapsed = now_us.saturating_sub(self.last_us) as u128 * self.clock as u128 / 1_000_000;
                self.last_ts.wrapping_add((elapsed as u32).max(1))
            };
            self.seq_delta = next_seq.wrapping_sub(seq);
            self.ts_delta = next_ts.wrapping_sub(ts);
            self.source = Some(ssrc);
        }
        let out_seq = seq.wrapping_add(self.seq_delta);
        let out_ts = ts.wrapping_add(self.ts_delta);
        if out_seq.wrapping_sub(self.last_seq) < 0x8000 {
            self.last_seq = out_seq;
            self.last_ts = out_ts;
        }
        self.last_us = now_us;
        self.packets += 1;
        self.bytes += payload as u64;
        (out_seq, out_ts)
    }
}
