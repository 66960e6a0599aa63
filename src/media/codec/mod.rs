//! Audio codecs: G.711 μ-law and A-law, Opus, and the per-direction
//! transcoder between them.

pub mod g711;
pub mod opus;
mod transcoder;

pub use transcoder::{AudioCodec, Transcoder};
