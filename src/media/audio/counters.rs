//! What a call's audio counts, and why a frame was not taken or given.

use std::sync::atomic::AtomicU64;

/// A call's audio counters, cumulative.
#[derive(Debug, Default)]
pub struct AudioCounters {
    /// Frames put in the application's queue.
    pub delivered: AtomicU64,
    /// Frames the application had not taken when newer ones came (its
    /// queue full): the oldest were dropped.
    pub dropped: AtomicU64,
    /// The application's frames encoded and sent.
    pub sent: AtomicU64,
    /// Frames of a prompt sent (the worker playing it).
    pub prompted: AtomicU64,
    /// 20 ms ticks with no frame from the application: silence sent.
    pub silence: AtomicU64,
    /// Frames the application offered while its queue was full (refused).
    pub refused: AtomicU64,
}

/// Why a frame was not taken or given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AudioError {
    /// No frame waiting.
    #[error("no frame waiting")]
    Empty,
    /// The queue towards the call is full: the application is ahead.
    #[error("the queue towards the call is full")]
    Full,
    /// The call's media has ended.
    #[error("the call's media has ended")]
    Closed,
    /// A prompt must be at the call's audio rate.
    #[error("a prompt at {got} Hz; the call's audio is {want} Hz")]
    Rate {
        /// The prompt's rate.
        got: u32,
        /// The call's.
        want: u32,
    },
    /// A frame must be 20 ms at the call's rate.
    #[error("a frame of {got} samples; 20 ms at this rate is {want}")]
    Length {
        /// Samples given.
        got: usize,
        /// Samples in 20 ms.
        want: usize,
    },
}
