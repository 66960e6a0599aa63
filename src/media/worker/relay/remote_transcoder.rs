//! The directions of a relayed call re-coded on a transcoder thread: the
//! codecs and a generation naming each one's state there, and the states
//! replaced or ended that are still to be closed.

use crate::collections::Empty;
use crate::media::LegConfig;
use crate::media::codec::AudioCodec;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

/// One direction re-coded elsewhere.
#[derive(Debug, Clone, Copy)]
pub(super) struct RemoteTranscoder {
    pub from: AudioCodec,
    pub to: AudioCodec,
    /// Names its state on the transcoder thread (unique in the process).
    pub generation: u64,
}

/// A relay's directions re-coded elsewhere, and those replaced or ended
/// whose states are still to be closed.
#[derive(Debug, Default)]
pub(super) struct Remote {
    pub live: [Option<RemoteTranscoder>; 2],
    pub retired: [Option<u64>; 2],
}

impl Empty for Remote {
    const EMPTY: &'static Self = &Remote {
        live: [None, None],
        retired: [None, None],
    };
}

impl RemoteTranscoder {
    fn new(from: AudioCodec, to: AudioCodec) -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        let generation = NEXT.fetch_add(1, Relaxed);
        RemoteTranscoder { from, to, generation }
    }
}

/// Remote directions for legs `a` and `b` when both codecs are known and
/// differ.
pub(super) fn remotes<K>(a: &LegConfig<K>, b: Option<&LegConfig<K>>) -> [Option<RemoteTranscoder>; 2] {
    match (a.codec, b.and_then(|b| b.codec)) {
        (Some(ca), Some(cb)) if ca != cb => [Some(RemoteTranscoder::new(ca, cb)), Some(RemoteTranscoder::new(cb, ca))],
        _ => [None, None],
    }
}
