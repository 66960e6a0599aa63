//! Symmetric RTP latching: the SDP address is a hint, the first packet's
//! source wins, and a stranger is dropped and counted rather than followed
//! (RTPBleed) — unless the latched source has been silent for the re-latch
//! window, which is how a NAT rebinding looks.

use std::net::SocketAddr;

/// What a packet's source means for the stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LatchVerdict {
    /// First packet (or a re-latch after silence): now latched to it.
    Latched(SocketAddr),
    /// From the latched source.
    Same,
    /// From someone else while the latched source is live: drop.
    Stranger,
}

/// Where one leg's media comes from and goes to. The SDP address (the
/// hint) and the re-latch window are its leg's, given to each call: two
/// latches per leg and thousands of legs per worker kept copies of them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Latch {
    /// The address packets actually come from.
    pub latched: Option<SocketAddr>,
    /// When the latched source last sent (µs since the worker started).
    pub last_rx_us: u64,
    /// Packets dropped because they came from a stranger.
    pub strangers: u64,
}

impl Latch {
    /// Judges a packet from `src` at `now_us`; the latched source may be
    /// taken over once silent for `relatch_us`.
    pub fn accept(&mut self, src: SocketAddr, now_us: u64, relatch_us: u64) -> LatchVerdict {
        match self.latched {
            Some(l) if l == src => {
                self.last_rx_us = now_us;
                LatchVerdict::Same
            }
            Some(_) if now_us.saturating_sub(self.last_rx_us) < relatch_us => {
                self.strangers += 1;
                LatchVerdict::Stranger
            }
            _ => {
                self.latched = Some(src);
                self.last_rx_us = now_us;
                LatchVerdict::Latched(src)
            }
        }
    }

    /// Whether a packet from `src` at `now_us` would take the latch over
    /// (not the latched source, which has been silent for `relatch_us`).
    #[cfg(feature = "kernel-fastpath")]
    pub fn would_latch(&self, src: SocketAddr, now_us: u64, relatch_us: u64) -> bool {
        self.latched != Some(src) && now_us.saturating_sub(self.last_rx_us) >= relatch_us
    }

    /// Where to send to this leg: the latched source, else the SDP `hint`.
    pub fn target(&self, hint: Option<SocketAddr>) -> Option<SocketAddr> {
        self.latched.or(hint)
    }

    /// A re-INVITE changed the SDP address: latch again from scratch.
    pub fn reset(&mut self) {
        self.latched = None;
    }
}
