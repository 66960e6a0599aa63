//! `[media]`: where the media are anchored, the RTP ports, the codecs,
//! the workers, how late a packet may be, and how sockets are read.

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Media {
    /// One address, or one per IP family.
    pub address: crate::listen::Strings,
    pub port_min: u16,
    pub port_max: u16,
    pub codecs: Vec<String>,
    pub workers: usize,
    pub realtime_priority: u8,
    pub timeout_secs: u64,
    pub max_delay_ms: u64,
    /// Transcoder threads; 0 = inline on the workers.
    pub transcoders: usize,
    /// Opus encoder complexity, 0-10.
    pub opus_complexity: u8,
    /// Opus target bitrate, bit/s (0: libopus's choice).
    pub opus_bitrate: u32,
    /// "uring" or "epoll".
    pub io: String,
    /// "off" or "auto" (the kernel fast path).
    pub kernel: String,
}
