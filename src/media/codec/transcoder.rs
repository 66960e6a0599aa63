//! One direction of a transcoded call: decode the incoming codec to 8 kHz
//! PCM, encode the outgoing one. Buffers are allocated once, at creation.

use super::opus::{OpusDecoder, OpusEncoder, OpusError, OpusSettings};
use super::{AudioCodec, g711};

/// PCMU/PCMA <-> Opus for one direction.
pub struct Transcoder {
    from: AudioCodec,
    to: AudioCodec,
    dec: Option<OpusDecoder>,
    enc: Option<OpusEncoder>,
    pcm: Box<[i16]>,
    last_seq: Option<u16>,
}

impl Transcoder {
    /// A transcoder from `from` to `to`; an Opus encoder set as `opus` says.
    pub fn new(from: AudioCodec, to: AudioCodec, opus: OpusSettings) -> Result<Self, OpusError> {
        let dec = if from == AudioCodec::Opus {
            Some(OpusDecoder::new()?)
        } else {
            None
        };
        let enc = if to == AudioCodec::Opus {
            Some(OpusEncoder::new(opus)?)
        } else {
            None
        };
        // 120 ms at 8 kHz: the longest Opus packet.
        Ok(Transcoder {
            from,
            to,
            dec,
            enc,
            pcm: vec![0i16; 960].into_boxed_slice(),
            last_seq: None,
        })
    }

    /// Transcodes one payload into `out`; returns the output length.
    pub fn transcode(&mut self, payload: &[u8], out: &mut [u8]) -> Result<usize, OpusError> {
        let n = match (self.from, self.dec.as_mut()) {
            (AudioCodec::Pcmu, _) => g711::decode_ulaw(payload, &mut self.pcm),
            (AudioCodec::Pcma, _) => g711::decode_alaw(payload, &mut self.pcm),
            (AudioCodec::Opus, Some(dec)) => dec.decode(payload, &mut self.pcm)?,
            (AudioCodec::Opus, None) => unreachable!("invariant: an Opus source has a decoder"),
        };
        self.encode(n, out)
    }

    /// How many frames were lost just before sequence number `seq` (an Opus
    /// source only; gaps of 1–3 frames, larger ones are a new talkspurt or
    /// a restart), and records `seq` as the newest seen.
    pub fn missing_before(&mut self, seq: u16) -> u16 {
        let gap = self.last_seq.map_or(1, |last| seq.wrapping_sub(last));
        if gap >= 0x8000 {
            return 0; // late or duplicate: leave the newest as it is
        }
        self.last_seq = Some(seq);
        if self.from == AudioCodec::Opus && (2..=4).contains(&gap) {
            gap - 1
        } else {
            0
        }
    }

    /// Conceals one lost 20 ms input frame (Opus sources use libopus PLC,
    /// G.711 sources repeat silence) and encodes it into `out`.
    pub fn conceal(&mut self, out: &mut [u8]) -> Result<usize, OpusError> {
        let frame = &mut self.pcm[..super::opus::FRAME_8K];
        let n = match self.dec.as_mut() {
            Some(dec) => dec.conceal(frame)?,
            None => {
                frame.fill(0);
                frame.len()
            }
        };
        self.encode(n, out)
    }

    fn encode(&mut self, n: usize, out: &mut [u8]) -> Result<usize, OpusError> {
        let pcm = &self.pcm[..n];
        Ok(match (self.to, self.enc.as_mut()) {
            (AudioCodec::Pcmu, _) => g711::encode_ulaw(pcm, out),
            (AudioCodec::Pcma, _) => g711::encode_alaw(pcm, out),
            (AudioCodec::Opus, Some(enc)) => enc.encode(pcm, out)?,
            (AudioCodec::Opus, None) => unreachable!("invariant: an Opus target has an encoder"),
        })
    }

    /// An input RTP timestamp in the output codec's clock. Scaling up is
    /// exact modulo 2^32; scaling down jumps once per timestamp wrap
    /// (every 24.8 h at 48 kHz), which egress continuity absorbs.
    pub fn scale_ts(&self, ts: u32) -> u32 {
        let (f, t) = (self.from.clock(), self.to.clock());
        if t >= f { ts.wrapping_mul(t / f) } else { ts / (f / t) }
    }
}
