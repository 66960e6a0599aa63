//! A leg's voice codec decoded at an application's sample rate: G.711
//! decoded at 8 kHz and up-sampled, Opus decoded straight at the rate
//! (libopus decodes at 8, 16 or 48 kHz); a lost frame concealed by Opus
//! PLC, or for G.711 by the last frame again at half its level each time
//! (a fade). Buffers are allocated once, at creation.

use super::opus::{OpusDecoder, OpusError};
use super::resample::Upsampler;
use super::{AudioCodec, g711};

/// Decodes one codec's payloads to PCM at one rate.
pub struct VoiceDecoder {
    codec: AudioCodec,
    opus: Option<OpusDecoder>,
    up: Upsampler,
    /// G.711 at 8 kHz before up-sampling: 120 ms.
    narrow: Box<[i16]>,
    /// What the last packet decoded to, at the rate: 120 ms.
    pcm: Box<[i16]>,
    /// The last 20 ms heard (or concealed), for a G.711 fade.
    last: Box<[i16]>,
}

impl VoiceDecoder {
    /// A decoder of `codec` producing mono PCM at `rate` Hz (8, 16 or 48
    /// kHz).
    pub fn new(codec: AudioCodec, rate: u32) -> Result<Self, OpusError> {
        let opus = match codec {
            AudioCodec::Opus => Some(OpusDecoder::at_rate(rate)?),
            _ => None,
        };
        let frame = rate as usize / 50;
        Ok(VoiceDecoder {
            codec,
            opus,
            up: Upsampler::new(rate as usize / 8000),
            narrow: vec![0; 960].into_boxed_slice(),
            pcm: vec![0; 6 * frame].into_boxed_slice(),
            last: vec![0; frame].into_boxed_slice(),
        })
    }

    /// Decodes one payload: its samples at the rate (up to 120 ms).
    pub fn decode(&mut self, payload: &[u8]) -> Result<&[i16], OpusError> {
        let n = match (self.codec, self.opus.as_mut()) {
            (AudioCodec::Opus, Some(dec)) => dec.decode(payload, &mut self.pcm)?,
            (AudioCodec::Opus, None) => unreachable!("invariant: an Opus decoder has libopus"),
            (AudioCodec::Pcmu, _) | (AudioCodec::Pcma, _) => {
                let k = match self.codec {
                    AudioCodec::Pcma => g711::decode_alaw(payload, &mut self.narrow),
                    _ => g711::decode_ulaw(payload, &mut self.narrow),
                };
                self.up.process(&self.narrow[..k], &mut self.pcm)
            }
        };
        let keep = n.min(self.last.len());
        let tail = &self.pcm[n - keep..n];
        self.last[..keep].copy_from_slice(tail);
        self.last[keep..].fill(0);
        Ok(&self.pcm[..n])
    }

    /// Conceals one lost 20 ms frame into `out` (20 ms at the rate):
    /// Opus PLC, or the last frame at half its level.
    pub fn conceal(&mut self, out: &mut [i16]) -> Result<usize, OpusError> {
        if let Some(dec) = self.opus.as_mut() {
            return dec.conceal(out);
        }
        let n = out.len().min(self.last.len());
        for s in self.last.iter_mut() {
            *s /= 2;
        }
        out[..n].copy_from_slice(&self.last[..n]);
        self.up.reset();
        Ok(n)
    }
}
