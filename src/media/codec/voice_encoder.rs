//! PCM at an application's sample rate encoded in a leg's voice codec:
//! G.711 down-sampled to 8 kHz first, Opus encoded straight at the rate
//! (its RTP clock is 48 kHz whatever the rate, RFC 7587). Buffers are
//! allocated once, at creation.

use super::opus::{OpusEncoder, OpusError, OpusSettings};
use super::resample::Downsampler;
use super::{AudioCodec, g711};

/// Encodes 20 ms frames of PCM at one rate in one codec.
pub struct VoiceEncoder {
    codec: AudioCodec,
    opus: Option<OpusEncoder>,
    down: Downsampler,
    /// A frame at 8 kHz, for G.711.
    narrow: Box<[i16]>,
}

impl VoiceEncoder {
    /// An encoder of mono PCM at `rate` Hz (8, 16 or 48 kHz) in `codec`;
    /// Opus set as `opus` says.
    pub fn new(codec: AudioCodec, rate: u32, opus: OpusSettings) -> Result<Self, OpusError> {
        let opus = match codec {
            AudioCodec::Opus => Some(OpusEncoder::at_rate(rate, opus)?),
            _ => None,
        };
        Ok(VoiceEncoder {
            codec,
            opus,
            down: Downsampler::new(rate as usize / 8000),
            narrow: vec![0; 160].into_boxed_slice(),
        })
    }

    /// Encodes one 20 ms frame into `out`; returns the payload length.
    pub fn encode(&mut self, pcm: &[i16], out: &mut [u8]) -> Result<usize, OpusError> {
        if let Some(enc) = self.opus.as_mut() {
            return enc.encode(pcm, out);
        }
        let n = self.down.process(pcm, &mut self.narrow);
        let narrow = &self.narrow[..n];
        Ok(match self.codec {
            AudioCodec::Pcma => g711::encode_alaw(narrow, out),
            _ => g711::encode_ulaw(narrow, out),
        })
    }

    /// RTP timestamp units in one 20 ms frame (the codec's clock).
    pub fn frame_ticks(&self) -> u32 {
        self.codec.clock() / 50
    }
}
