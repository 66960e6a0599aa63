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

/// Where one leg's media comes from and goes to.
#[derive(Debug, Clone, Copy, Default)]
pub struct Latch {
    /// The address from SDP.
    pub hint: Option<SocketAddr>,
    /// The address packets actually come from.
    pub latched: Option<SocketAddr>,
    /// When the latched source last sent (µs since the worker started).
    pub last_rx_us: u64,
    /// Packets dropped because they came from a stranger.
    pub strangers: u64,
    relatch_us: u64,
}

impl Latch {
    /// A latch with the SDP hint and the re-latch window.
    pub fn new(hint: Option<SocketAddr>, relatch_us: u64) -> Self {
        Latch {
            hint,
            relatch_us,
            ..Default::default()
        }
    }

    /// Judges a packet from `src` at `now_us`.
    pub fn accept(&mut self, src: SocketAddr, now_us: u64) -> LatchVerdict {
        match self.latched {
            Some(l) if l == src => {
                self.last_rx_us = now_us;
                LatchVerdict::Same
            }
            Some(_) if now_us.saturating_sub(self.last_rx_us) < self.relatch_us => {
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
    /// (not the latched source, which has been silent for the window).
    #[cfg(feature = "kernel-fastpath")]
    pub fn would_latch(&self, src: SocketAddr, now_us: u64) -> bool {
        self.latched != Some(src) && now_us.saturating_sub(self.last_rx_us) >= self.relatch_us
    }

    /// Where to send to this leg: the latched source, else the SDP hint.
    pub fn target(&self) -> Option<SocketAddr> {
        self.latched.or(self.hint)
    }

    /// A re-INVITE changed the SDP address: latch again from scratch.
    pub fn reset(&mut self, hint: Option<SocketAddr>) {
        if hint != self.hint {
            self.hint = hint;
            self.latched = None;
        }
    }
}
