//! Captures on a worker: a call's packets copied for a pcap writer from
//! the moment it is asked.

use super::Worker;
use crate::media::capture::PacketTap;

impl Worker {
    /// Starts capturing a call (replacing a capture of it); a call this
    /// worker does not have closes the capture at once.
    pub(super) fn capture(&mut self, id: u64, tap: PacketTap) {
        let slot = self.index.get(&id).copied();
        let old = match slot.and_then(|s| self.calls[s].as_mut()) {
            Some(c) => c.capture.replace(tap),
            None => Some(tap),
        };
        if let Some(old) = old {
            old.close();
        }
    }
}
