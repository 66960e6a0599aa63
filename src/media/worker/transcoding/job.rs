//! What crosses between a worker and a transcoder thread: a job (a voice
//! packet to re-code, or a direction to forget) and a re-coded packet.
//! Both are fixed-size values, moved through preallocated queues: nothing
//! is allocated per packet.

use crate::media::OpusSettings;
use crate::media::worker::inbound_rtp::InboundRtp;
use crate::media::{AudioCodec, Side};

/// The largest payload a job or a result carries (an Opus frame is at
/// most 1,275 bytes; 120 ms of G.711 is 960); a larger one is dropped.
pub const PAYLOAD_MAX: usize = 1280;

/// What a transcoder thread is asked, in its worker's order.
#[derive(Debug, Clone, Copy)]
// Every slot of the preallocated queue holds the larger variant: boxing
// the packet would allocate per packet.
#[allow(clippy::large_enum_variant)]
pub enum TranscodeJob {
    /// Re-code one voice packet.
    Packet(PacketJob),
    /// The direction with this generation is gone (call removed, codec
    /// changed): drop its state. Follows every job of that direction.
    Close(u64),
}

/// One voice packet of a transcoded direction.
#[derive(Debug, Clone, Copy)]
pub struct PacketJob {
    /// The direction's transcoder (unique in the process).
    pub generation: u64,
    /// Its call, and the leg the packet came from.
    pub call: u64,
    /// The leg it came from.
    pub side: Side,
    /// Codecs in and out, and the Opus settings, to make its state.
    pub codecs: (AudioCodec, AudioCodec, OpusSettings),
    /// Its header fields as received.
    pub rtp: InboundRtp,
    /// The second header byte as received (marker and payload type).
    pub marker_pt: u8,
    /// Its payload (`rtp.payload_len` bytes).
    pub payload: [u8; PAYLOAD_MAX],
    /// When the kernel stamped its arrival (CLOCK_REALTIME ns; 0: not
    /// stamped), carried to its results so their latency is measured.
    pub arrived_ns: u64,
}

/// One packet re-coded (or concealed), for the worker to send.
#[derive(Debug, Clone, Copy)]
pub struct Transcoded {
    /// The direction's transcoder, to tell results of an older one.
    pub generation: u64,
    /// Its call.
    pub call: u64,
    /// The leg the voice came from (it leaves on the other).
    pub side: Side,
    /// Header fields: sequence as received, timestamp in the outgoing
    /// codec's clock, a plain 12-byte header, the new payload's length.
    pub rtp: InboundRtp,
    /// The second header byte (marker and payload type as received).
    pub marker_pt: u8,
    /// The re-coded payload (`rtp.payload_len` bytes).
    pub payload: [u8; PAYLOAD_MAX],
    /// Its job's arrival stamp ([`PacketJob::arrived_ns`]).
    pub arrived_ns: u64,
}

impl Transcoded {
    /// An empty result for `job`'s direction.
    pub fn for_job(job: &PacketJob) -> Self {
        Transcoded {
            generation: job.generation,
            call: job.call,
            side: job.side,
            rtp: job.rtp,
            marker_pt: job.marker_pt,
            payload: [0; PAYLOAD_MAX],
            arrived_ns: job.arrived_ns,
        }
    }

    /// Writes its packet, a plain header and the payload, into `buf` (at
    /// least 12 + [`PAYLOAD_MAX`] bytes); the header's sequence,
    /// timestamp and SSRC are the outgoing leg's to rewrite.
    pub fn write(&self, buf: &mut [u8]) {
        buf[0] = 0x80;
        buf[1] = self.marker_pt;
        let n = self.rtp.payload_len;
        buf[12..12 + n].copy_from_slice(&self.payload[..n]);
    }
}
