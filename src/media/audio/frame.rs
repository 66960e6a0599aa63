//! One 20 ms frame of 16-bit mono PCM, fixed in size so that queues of
//! them are allocated once.

/// Samples in the largest frame: 20 ms at 48 kHz.
pub const MAX_FRAME: usize = 960;

/// 20 ms of audio.
#[derive(Clone, Copy)]
pub struct AudioFrame {
    /// The samples; the first [`len`](Self::len) are the frame.
    pub samples: [i16; MAX_FRAME],
    /// Samples in the frame (`rate / 50`).
    pub len: usize,
    /// Its first sample's time, in samples at the frame's rate (from the
    /// RTP timestamp for received frames).
    pub timestamp: u32,
    /// Made up to fill a gap (a lost packet concealed), not received.
    pub concealed: bool,
    /// When the worker put it in the application's queue (received
    /// frames): how long it waited there is `delivered.elapsed()`.
    pub delivered: Option<std::time::Instant>,
}

impl AudioFrame {
    /// A silent frame of `len` samples at `timestamp`.
    pub fn silence(len: usize, timestamp: u32) -> Self {
        AudioFrame {
            samples: [0; MAX_FRAME],
            len: len.min(MAX_FRAME),
            timestamp,
            concealed: false,
            delivered: None,
        }
    }

    /// The frame's samples.
    pub fn pcm(&self) -> &[i16] {
        &self.samples[..self.len]
    }
}

impl std::fmt::Debug for AudioFrame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AudioFrame")
            .field("len", &self.len)
            .field("timestamp", &self.timestamp)
            .field("concealed", &self.concealed)
            .finish_non_exhaustive()
    }
}
