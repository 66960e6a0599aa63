//! What an endpoint speaks: G.711 whose payload carries its send time (a
//! plain relayed call's ends, and a transcoded call's PCMU end), or one
//! Opus frame of a tone, encoded once (a transcoded call's Opus end, PT
//! 111 at 48 kHz). Only plain calls' packets arrive with their stamp: a
//! transcoded call's are counted, not timed.

use rvoip::media::rtp::write_header;

/// One endpoint's voice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Voice {
    /// A plain relayed call's end: PCMU, stamped, timed on arrival.
    Plain,
    /// A transcoded call's PCMU end (its peer hears Opus).
    Pcmu,
    /// A transcoded call's Opus end.
    Opus,
}

/// The Opus payload type the transcoded calls' B legs use.
pub const OPUS_PT: u8 = 111;

impl Voice {
    /// 20 ms of a 1 kHz tone in Opus (at 8 kHz, as the relay codes it).
    pub fn opus_frame() -> Vec<u8> {
        use rvoip::media::OpusEncoder;
        let tone: Vec<i16> = (0..160)
            .map(|i| (8000.0 * (2.0 * std::f64::consts::PI * i as f64 / 8.0).sin()) as i16)
            .collect();
        let mut out = vec![0u8; 400];
        let n = OpusEncoder::new(rvoip::media::OpusSettings::default())
            .and_then(|mut e| e.encode(&tone, &mut out))
            .unwrap_or(0);
        out.truncate(n);
        out
    }

    /// Writes packet `tick` of endpoint `ssrc` into `pkt` (sent at
    /// `stamp` ns); returns its length.
    pub fn write(self, pkt: &mut [u8], tick: u64, ssrc: u32, stamp: u64, opus: &[u8]) -> usize {
        if self == Voice::Opus {
            write_header(pkt, OPUS_PT, false, tick as u16, (tick * 960) as u32, ssrc);
            pkt[12..12 + opus.len()].copy_from_slice(opus);
            return 12 + opus.len();
        }
        write_header(pkt, 0, false, tick as u16, (tick * 160) as u32, ssrc);
        pkt[12..20].copy_from_slice(&stamp.to_be_bytes());
        172
    }
}
