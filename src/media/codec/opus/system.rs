//! The `audiopus` backend: the system libopus, for operators who have it.

use super::{OpusError, OpusSettings};
use audiopus::coder::{Decoder, Encoder};
use audiopus::{Application, Bitrate, Channels, MutSignals, SampleRate, packet::Packet};

/// The sample rate `rate` Hz as audiopus names it.
fn sample_rate(rate: u32) -> Result<SampleRate, OpusError> {
    SampleRate::try_from(rate as i32).map_err(err)
}

fn err(e: audiopus::Error) -> OpusError {
    match e {
        audiopus::Error::Opus(code) => OpusError(code as i32),
        _ => OpusError(-1),
    }
}

/// An Opus encoder for mono voice (8 kHz unless made [`at_rate`](Self::at_rate)).
pub struct OpusEncoder {
    enc: Encoder,
}

impl OpusEncoder {
    /// A VoIP encoder at 8 kHz mono, set as `opus` says.
    pub fn new(opus: OpusSettings) -> Result<Self, OpusError> {
        Self::at_rate(8000, opus)
    }

    /// A VoIP encoder of mono PCM at `rate` Hz (8, 12, 16, 24 or 48 kHz)
    /// set as `opus` says.
    pub fn at_rate(rate: u32, opus: OpusSettings) -> Result<Self, OpusError> {
        let mut enc = Encoder::new(sample_rate(rate)?, Channels::Mono, Application::Voip).map_err(err)?;
        enc.set_complexity(opus.complexity.min(10)).map_err(err)?;
        let bitrate = match opus.bitrate {
            0 => Bitrate::Auto,
            b => Bitrate::BitsPerSecond(b.min(512_000) as i32),
        };
        enc.set_bitrate(bitrate).map_err(err)?;
        Ok(OpusEncoder { enc })
    }

    /// Encodes one frame into `out`; returns the packet length.
    pub fn encode(&mut self, pcm: &[i16], out: &mut [u8]) -> Result<usize, OpusError> {
        self.enc.encode(pcm, out).map_err(err)
    }
}

/// An Opus decoder producing mono PCM (8 kHz unless made
/// [`at_rate`](Self::at_rate)).
pub struct OpusDecoder {
    dec: Decoder,
}

impl OpusDecoder {
    /// A decoder at 8 kHz mono.
    pub fn new() -> Result<Self, OpusError> {
        Self::at_rate(8000)
    }

    /// A decoder producing mono PCM at `rate` Hz (8, 12, 16, 24 or 48 kHz).
    pub fn at_rate(rate: u32) -> Result<Self, OpusError> {
        Ok(OpusDecoder {
            dec: Decoder::new(sample_rate(rate)?, Channels::Mono).map_err(err)?,
        })
    }

    /// Decodes one packet into `out`; returns the samples written.
    pub fn decode(&mut self, packet: &[u8], out: &mut [i16]) -> Result<usize, OpusError> {
        let packet = Packet::try_from(packet).map_err(err)?;
        let out = MutSignals::try_from(out).map_err(err)?;
        self.dec.decode(Some(packet), out, false).map_err(err)
    }

    /// Packet-loss concealment for one lost frame of `out.len()` samples.
    pub fn conceal(&mut self, out: &mut [i16]) -> Result<usize, OpusError> {
        let out = MutSignals::try_from(out).map_err(err)?;
        self.dec.decode(None, out, false).map_err(err)
    }
}
