//! Opus behind a small safe type: by default `unsafe-libopus` (libopus
//! 1.3.1 translated to Rust, so no C toolchain or system library is
//! needed); with the `audiopus` feature, the system libopus through
//! audiopus. Runs at 8 kHz mono on G.711 legs: no resampling; the RTP clock
//! is still 48 kHz (RFC 7587), which the transcoder accounts for.

#[cfg(not(feature = "audiopus"))]
mod libopus;
#[cfg(feature = "audiopus")]
mod system;

#[cfg(not(feature = "audiopus"))]
pub use libopus::{OpusDecoder, OpusEncoder};
#[cfg(feature = "audiopus")]
pub use system::{OpusDecoder, OpusEncoder};

/// Which Opus implementation this build uses (the tests print it).
#[cfg(feature = "test-exports")]
pub const BACKEND: &str = if cfg!(feature = "audiopus") {
    "system libopus (audiopus)"
} else {
    "unsafe-libopus"
};

/// A libopus error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("opus error {0}")]
pub struct OpusError(pub i32);

/// Samples per 20 ms frame at 8 kHz.
pub const FRAME_8K: usize = 160;

/// How the media plane's Opus encoders are set (`media.opus_complexity`,
/// `media.opus_bitrate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpusSettings {
    /// Encoder complexity, 0–10: how hard it searches (CPU per frame).
    pub complexity: u8,
    /// Target bitrate in bit/s (libopus takes 500–512,000); 0: libopus's
    /// own choice, about 11 kbit/s for 20 ms frames at 8 kHz (3,000 plus
    /// the sample rate, for mono).
    pub bitrate: u32,
}

impl OpusSettings {
    /// These settings for an encoder of mono PCM at `rate` Hz whose peer
    /// asked to receive at most `cap` bit/s (0: no limit): the bitrate
    /// lowered to it where it is above, libopus's own choice included
    /// (60 frames' worth of 50 bit/s plus one bit per sample: 3,000 +
    /// `rate`, for 20 ms frames).
    pub fn capped(self, cap: u32, rate: u32) -> Self {
        let bitrate = match (self.bitrate, cap) {
            (b, 0) => b,
            (0, c) if c >= 3_000 + rate => 0,
            (0, c) => c,
            (b, c) => b.min(c),
        };
        OpusSettings { bitrate, ..self }
    }
}

impl Default for OpusSettings {
    /// Complexity 1 at 24 kbit/s. Through the transcoding path
    /// (perf/opus_quality.sh, PESQ on 8 kHz speech) that scored 3.87
    /// against complexity 10's 3.90 at the same bitrate, for a third of its
    /// CPU per frame; at libopus's own bitrate (about 11 kbit/s here) every
    /// complexity scored 3.12-3.47, and complexity 5 took 1.8x the CPU.
    fn default() -> Self {
        OpusSettings {
            complexity: 1,
            bitrate: 24_000,
        }
    }
}
