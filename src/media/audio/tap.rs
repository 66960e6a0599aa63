//! A copy of a call's audio for a recorder (issue #17's `record`): the
//! frames heard, sent, or both, as the worker handles them, in a bounded
//! queue of [`Copies`] the recorder empties (a recorder that falls behind
//! loses frames, counted; the worker never waits for it).

use super::AudioFrame;
use crate::media::copies::{Copies, CopyReader, CopyWriter};

/// Frames a tap holds (1 s at 20 ms).
const TAP_FRAMES: usize = 50;

/// Which way a frame went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// From the peer, decoded (what the application hears).
    Heard,
    /// To the peer, before encoding (the application's frame, a prompt's,
    /// or silence).
    Sent,
}

/// The recorder's end of a tap: frames in the order the worker handled
/// them; `None` once the call's media has ended (or a newer tap replaced
/// this one). Dropping it stops the copying.
pub type TapReader = CopyReader<(Direction, AudioFrame)>;

/// The worker's end of a tap, and which ways it wants.
pub(super) struct Tap {
    copies: CopyWriter<(Direction, AudioFrame)>,
    heard: bool,
    sent: bool,
}

impl Tap {
    pub(super) fn new(heard: bool, sent: bool) -> (Tap, TapReader) {
        let (copies, reader) = Copies::pair(TAP_FRAMES);
        (Tap { copies, heard, sent }, reader)
    }

    /// The worker's copy of a frame, if this tap wants that direction.
    pub(super) fn copy(&self, dir: Direction, frame: &AudioFrame) {
        let wanted = match dir {
            Direction::Heard => self.heard,
            Direction::Sent => self.sent,
        };
        if wanted {
            self.copies.push((dir, *frame));
        }
    }

    pub(super) fn is_closed(&self) -> bool {
        self.copies.is_closed()
    }

    pub(super) fn close(&self) {
        self.copies.close();
    }
}
