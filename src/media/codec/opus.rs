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
