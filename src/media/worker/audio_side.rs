//! The application's side of an audio call (issue #17), in place of leg B:
//! what leg A's peer sends decoded into frames for the application, and on
//! each 20 ms tick of the worker the application's next frame encoded for
//! the peer. The codec state is made when the call is added, and again
//! when a re-INVITE changes the leg's codec; nothing allocates per packet.

mod hear;
mod speak;

use super::dtmf;
use crate::media::LegConfig;
use crate::media::OpusSettings;
use crate::media::audio::WorkerAudio;
use crate::media::codec::{AudioCodec, VoiceDecoder, VoiceEncoder};

/// The application's end of an audio call and the codec state between it
/// and the leg.
pub struct AudioSide {
    /// The worker's end of the application's queues.
    io: WorkerAudio,
    /// The leg's voice codec as coded here (`None`: one we cannot code:
    /// its voice is dropped, nothing is sent).
    codec: Option<AudioCodec>,
    /// How its Opus encoder is set, and the most the leg's peer asked to
    /// receive (bit/s; 0: no limit).
    opus: OpusSettings,
    opus_cap: u32,
    dec: Option<VoiceDecoder>,
    enc: Option<VoiceEncoder>,
    /// The newest packet heard: its SSRC and sequence number.
    newest: Option<(u32, u16)>,
    /// Packets in sequence that all looked late, and the last of them: a
    /// peer that restarted its numbering backwards.
    late_run: Option<(u16, u8)>,
    /// Sequence number and timestamp of the next packet we send, before
    /// the leg's outgoing stream maps them.
    seq: u16,
    ts: u32,
    /// Digits to send, and the timestamp of the one being sent.
    dtmf_out: dtmf::DtmfOut,
    event_ts: u32,
    /// Digits heard, and the last one not yet reported.
    dtmf_in: dtmf::DtmfIn,
    heard: Option<(char, u32)>,
}

/// The codec of a leg's voice: as negotiated, or by its static payload
/// type (0: PCMU, 8: PCMA) when signalling did not name one.
fn codec_of<K>(leg: &LegConfig<K>) -> Option<AudioCodec> {
    leg.codec.or(match leg.codec_pt {
        0 => Some(AudioCodec::Pcmu),
        8 => Some(AudioCodec::Pcma),
        _ => None,
    })
}

impl AudioSide {
    /// The application's side `io` of a call on leg `leg`, Opus encoded
    /// set as `opus` says.
    pub fn new<K>(io: WorkerAudio, leg: &LegConfig<K>, opus: OpusSettings) -> Self {
        let mut side = AudioSide {
            io,
            codec: None,
            opus,
            opus_cap: leg.opus_max_bitrate,
            dec: None,
            enc: None,
            newest: None,
            late_run: None,
            seq: 0,
            ts: 0,
            dtmf_out: Default::default(),
            event_ts: 0,
            dtmf_in: Default::default(),
            heard: None,
        };
        side.recodec(codec_of(leg));
        side
    }

    /// Applies a re-INVITE's settings: a changed codec (or Opus limit)
    /// re-makes the codec state (the sequence numbering we send goes on).
    pub fn update<K>(&mut self, leg: &LegConfig<K>) {
        let codec = codec_of(leg);
        if codec != self.codec || leg.opus_max_bitrate != self.opus_cap {
            self.opus_cap = leg.opus_max_bitrate;
            self.recodec(codec);
        }
    }

    fn recodec(&mut self, codec: Option<AudioCodec>) {
        let rate = self.io.config().rate;
        self.codec = codec;
        self.dec = codec.and_then(|c| VoiceDecoder::new(c, rate).ok());
        self.enc = codec.and_then(|c| VoiceEncoder::new(c, rate, self.opus.capped(self.opus_cap, rate)).ok());
        self.newest = None;
    }

    /// Queues `digits` to send as RFC 4733 events, each held
    /// `duration_ms`.
    pub fn send_dtmf(&mut self, digits: &str, duration_ms: u32) {
        self.dtmf_out.push(digits, duration_ms);
    }

    /// The digit last heard and how long it was held (ms), once.
    pub fn take_dtmf(&mut self) -> Option<(char, u32)> {
        self.heard.take()
    }

    /// Samples in one 20 ms frame at the application's rate.
    fn frame_len(&self) -> usize {
        self.io.config().frame_len()
    }
}
