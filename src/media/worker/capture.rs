//! Captures on a worker: a call's packets copied for a pcap writer from
//! the moment it is asked, or from the call's start when asked before the
//! call reached the worker.

use super::Worker;
use crate::media::capture::PacketTap;
use std::sync::Arc;

/// Captures kept for calls not yet added.
const MAX_WAITING_CAPTURES: usize = 1024;

impl Worker {
    /// Starts capturing a call (replacing a capture of it), or keeps the
    /// capture for when it is added; too many waiting are refused (closed).
    pub(super) fn capture(&mut self, id: u64, tap: Arc<PacketTap>) {
        let slot = self.index.get(&id).copied();
        let old = match slot.and_then(|s| self.calls[s].as_mut()) {
            Some(c) => c.capture.replace(tap),
            None if self.captures.len() < MAX_WAITING_CAPTURES => self.captures.insert(id, tap),
            None => Some(tap),
        };
        if let Some(old) = old {
            old.close();
        }
    }

    /// Closes the capture waiting for call `id`, if one is.
    pub(super) fn drop_waiting_capture(&mut self, id: u64) {
        if let Some(tap) = self.captures.remove(&id) {
            tap.close();
        }
    }
}
