//! The audio of calls placed or answered without asking for it
//! (`make_call`, `accept_call`): bound on a worker like any audio call,
//! kept here until the application takes it with
//! [`SipUa::take_audio`](super::SipUa::take_audio), and let go when the call
//! ends. Locked only when a call starts, is taken or ends.

use super::{AudioConfig, CallAudio};
use crate::ids::CallId;
use crate::media::audio::{AudioAttach, pipes};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// Calls' audio not yet taken.
#[derive(Clone, Default)]
pub(crate) struct AudioShelf(Arc<Mutex<HashMap<CallId, CallAudio>>>);

impl AudioShelf {
    /// A call's audio at the default rate, its application end kept here
    /// (nothing it hears is queued until taken); the worker's end.
    pub fn bind(&self, id: CallId) -> AudioAttach {
        let (attach, audio) = pipes(AudioConfig::default());
        let mut shelf = self.lock();
        // Now and then, let go of calls that ended unseen (an `Ended` read
        // before the call was accepted leaves its audio here otherwise).
        if shelf.len() % 256 == 255 {
            shelf.retain(|_, a| !a.media_ended());
        }
        shelf.insert(id, audio.unattended());
        attach
    }

    /// The call's audio, once.
    pub fn take(&self, id: CallId) -> Option<CallAudio> {
        self.lock().remove(&id).map(CallAudio::attend)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<CallId, CallAudio>> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl std::fmt::Debug for AudioShelf {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AudioShelf")
    }
}
