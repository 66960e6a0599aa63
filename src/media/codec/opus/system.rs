//! The `audiopus` backend: the system libopus, for operators who have it.

use super::OpusError;
use audiopus::coder::{Decoder, Encoder};
use audiopus::{Application, Channels, MutSignals, SampleRate, packet::Packet};

fn err(e: audiopus::Error) -> OpusError {
    match e {
        audiopus::Error::Opus(code) => OpusError(code as i32),
        _ => OpusError(-1),
    }
}

/// An Opus encoder for 8 kHz mono voice.
pub struct OpusEncoder {
    enc: Encoder,
}

impl OpusEncoder {
    /// A VoIP encoder at 8 kHz mono with `complexity` 0–10.
    pub fn new(complexity: i32) -> Result<Self, OpusError> {
        let mut enc = Encoder::new(SampleRate::Hz8000, Channels::Mono, Application::Voip).map_err(err)?;
        enc.set_complexity(complexity.clamp(0, 10) as u8).map_err(err)?;
        Ok(OpusEncoder { enc })
    }

    /// Encodes one frame into `out`; returns the packet length.
    pub fn encode(&mut self, pcm: &[i16], out: &mut [u8]) -> Result<usize, OpusError> {
        self.enc.encode(pcm, out).map_err(err)
    }
}

/// An Opus decoder producing 8 kHz mono.
pub struct OpusDecoder {
    dec: Decoder,
}

impl OpusDecoder {
    /// A decoder at 8 kHz mono.
    pub fn new() -> Result<Self, OpusError> {
        Ok(OpusDecoder {
            dec: Decoder::new(SampleRate::Hz8000, Channels::Mono).map_err(err)?,
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
