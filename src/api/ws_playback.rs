//! What a WebSocket server sent to play on its call: its audio cut into
//! 20 ms frames as it comes (a message may end mid-sample or mid-frame),
//! its marks in between, handed to the call as the call's queue has room.

use super::CallAudio;
use std::collections::VecDeque;

/// Most frames buffered (60 s); beyond it the oldest are dropped.
const MAX_BUFFERED: usize = 3000;

/// What waits to be played: audio, or a mark to report once reached.
enum Item {
    Frame(Vec<i16>),
    Mark(String),
}

/// One bridged call's playback.
pub(super) struct Playback {
    /// The call's audio.
    pub audio: CallAudio,
    queue: VecDeque<Item>,
    /// Samples of a frame not yet complete.
    partial: Vec<i16>,
    /// A message's odd last byte, the first half of the next sample.
    odd: Option<u8>,
}

impl Playback {
    pub fn new(audio: CallAudio) -> Self {
        let len = audio.frame_len();
        Playback {
            audio,
            queue: VecDeque::new(),
            partial: Vec::with_capacity(len),
            odd: None,
        }
    }

    /// Audio from the server (16-bit little-endian), cut into frames.
    pub fn take_audio(&mut self, bytes: &[u8]) {
        let len = self.audio.frame_len();
        let mut bytes = bytes;
        if let (Some(lo), Some((&hi, rest))) = (self.odd, bytes.split_first()) {
            self.push_sample(i16::from_le_bytes([lo, hi]), len);
            (self.odd, bytes) = (None, rest);
        }
        let pairs = bytes.chunks_exact(2);
        self.odd = pairs.remainder().first().copied();
        for b in pairs {
            self.push_sample(i16::from_le_bytes([b[0], b[1]]), len);
        }
        while self.queue.len() > MAX_BUFFERED {
            self.queue.pop_front();
        }
    }

    fn push_sample(&mut self, s: i16, len: usize) {
        self.partial.push(s);
        if self.partial.len() == len {
            let frame = std::mem::replace(&mut self.partial, Vec::with_capacity(len));
            self.queue.push_back(Item::Frame(frame));
        }
    }

    /// A JSON command from the server: `clear` or `mark`.
    pub fn take_command(&mut self, text: &str) {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else {
            tracing::debug!("WebSocket text that is not JSON ignored");
            return;
        };
        match v.get("event").and_then(|e| e.as_str()) {
            Some("clear") => {
                self.queue.retain(|i| matches!(i, Item::Mark(_)));
                (self.partial, self.odd) = (Vec::with_capacity(self.audio.frame_len()), None);
            }
            Some("mark") => {
                let name = v.get("name").and_then(|n| n.as_str()).unwrap_or_default();
                self.queue.push_back(Item::Mark(name.to_owned()));
            }
            _ => {}
        }
    }

    /// Feeds the call what its queue has room for; the marks reached (the
    /// audio before them handed to the call).
    pub fn play(&mut self) -> Vec<String> {
        let mut marks = Vec::new();
        while let Some(item) = self.queue.front() {
            match item {
                Item::Mark(name) => marks.push(name.clone()),
                Item::Frame(f) => {
                    if self.audio.send(f).is_err() {
                        break;
                    }
                }
            }
            self.queue.pop_front();
        }
        marks
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::audio::{AudioConfig, pipes};

    #[test]
    fn messages_split_anywhere_make_whole_frames_and_marks_keep_their_place() {
        let (attach, audio) = pipes(AudioConfig {
            rate: 8000,
            queue_frames: 4,
        });
        let mut worker = attach.take().unwrap();
        let mut p = Playback::new(audio);
        let bytes: Vec<u8> = (0..400i16).flat_map(|s| (s * 3).to_le_bytes()).collect();
        // Split at odd places: mid-sample and mid-frame.
        p.take_audio(&bytes[..101]);
        p.take_audio(&bytes[101..333]);
        p.take_command(r#"{"event":"mark","name":"a"}"#);
        p.take_audio(&bytes[333..640]);
        p.take_command("not json");
        assert_eq!(
            p.play(),
            vec!["a".to_string()],
            "the mark, reached between the two frames"
        );
        let got: Vec<i16> = std::iter::from_fn(|| worker.next_frame(true))
            .flat_map(|f| f.pcm().to_vec())
            .collect();
        assert_eq!(
            got,
            (0..320i16).map(|s| s * 3).collect::<Vec<_>>(),
            "two whole frames, samples intact"
        );
        p.take_command(r#"{"event":"clear"}"#);
        assert!(p.play().is_empty() && worker.next_frame(true).is_none(), "cleared");
    }
}
