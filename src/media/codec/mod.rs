//! Audio codecs: G.711 μ-law and A-law, Opus, the per-direction
//! transcoder between them, and a leg's codec decoded to (encoded from)
//! an application's PCM at its rate (audio calls, issue #17).

pub mod g711;
pub mod opus;
mod resample;
mod transcoder;
mod voice_decoder;
mod voice_encoder;

pub use transcoder::Transcoder;
pub use voice_decoder::VoiceDecoder;
pub use voice_encoder::VoiceEncoder;

/// The voice codecs the media plane speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AudioCodec {
    /// G.711 μ-law.
    Pcmu,
    /// G.711 A-law.
    Pcma,
    /// Opus (RTP clock 48 kHz, coded here at 8 kHz).
    Opus,
}

impl AudioCodec {
    /// From an SDP encoding name.
    pub fn from_name(name: &str) -> Option<Self> {
        [
            ("PCMU", AudioCodec::Pcmu),
            ("PCMA", AudioCodec::Pcma),
            ("opus", AudioCodec::Opus),
        ]
        .into_iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(name))
        .map(|(_, c)| c)
    }

    /// RTP clock rate.
    pub fn clock(self) -> u32 {
        if self == AudioCodec::Opus { 48_000 } else { 8_000 }
    }
}
