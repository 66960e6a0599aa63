//! A call's audio for an application (issue #17): decoded 16-bit PCM
//! frames of 20 ms from the call, and frames to send into it, through two
//! bounded lock-free queues between a media worker and the application.
//! The worker decodes what the peer sends into frames (concealing lost
//! packets), and on its own 20 ms clock takes the application's next
//! frame (silence when there is none), encodes it in the negotiated codec
//! and sends it. A slow application loses frames (counted); it never
//! stalls a worker. Nothing here allocates per frame.
//!
//! The workers carry such calls ([`MediaCommand::AddAudioCall`](crate::media::MediaCommand::AddAudioCall)):
//! PCMU/PCMA are decoded at 8 kHz and up-sampled to 16 or 48 kHz (linear
//! interpolation), and down-sampled for sending (group means); Opus is
//! decoded and encoded straight at the application's rate. A received
//! frame's timestamp is the RTP timestamp at the application's rate; a gap
//! of a few packets becomes frames marked [`concealed`](AudioFrame::concealed)
//! (Opus PLC, a fade of the last G.711 frame); telephone-event digits are
//! reported as events, not frames. The worker sends one packet per 20 ms of its own clock,
//! nothing while the leg is on hold (the application's frames are still
//! taken). Removing the call ends [`CallAudio::recv`] with `None`.

mod call_audio;
mod counters;
mod frame;
mod pipes;
mod prompt;
#[cfg(test)]
mod prompt_tests;
mod tap;
mod worker_audio;

pub use call_audio::CallAudio;
pub use counters::{AudioCounters, AudioError};
pub use frame::{AudioFrame, MAX_FRAME};
pub use pipes::{AudioAttach, pipes};
pub use prompt::{PlayOutcome, Playback, Prompt};
pub use tap::{Direction, TapReader};
pub use worker_audio::WorkerAudio;

/// What the application asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AudioConfig {
    /// Sample rate of the frames, both ways: 8000, 16000 or 48000.
    pub rate: u32,
    /// Frames each queue holds (each 20 ms): what an application may be
    /// ahead when sending, or behind when receiving, before frames are
    /// dropped.
    pub queue_frames: usize,
}

impl Default for AudioConfig {
    /// 8 kHz, 10 frames (200 ms) each way.
    fn default() -> Self {
        AudioConfig {
            rate: 8000,
            queue_frames: 10,
        }
    }
}

impl AudioConfig {
    /// Samples in one 20 ms frame at this rate.
    pub fn frame_len(&self) -> usize {
        self.rate as usize / 50
    }

    /// Whether the rate is one we produce.
    pub fn is_valid(&self) -> bool {
        matches!(self.rate, 8000 | 16000 | 48000) && self.queue_frames > 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_go_both_ways_a_slow_application_loses_the_oldest_and_the_end_is_seen() {
        let cfg = AudioConfig {
            rate: 16000,
            queue_frames: 2,
        };
        let (attach, mut app) = pipes(cfg);
        let mut worker = attach.take().expect("the worker's end, once");
        assert!(attach.take().is_none());
        for ts in [0u32, 320, 640] {
            worker.deliver(&AudioFrame::silence(320, ts));
        }
        let got: Vec<u32> = std::iter::from_fn(|| app.try_recv().ok())
            .map(|f| f.timestamp)
            .collect();
        assert_eq!(got, [320, 640], "the oldest dropped");
        assert_eq!(worker.counters().dropped.load(std::sync::atomic::Ordering::Relaxed), 1);
        assert_eq!(app.send(&[1; 160]), Err(AudioError::Length { got: 160, want: 320 }));
        app.send(&[7; 320]).unwrap();
        app.send(&[8; 320]).unwrap();
        assert_eq!(app.send(&[9; 320]), Err(AudioError::Full));
        assert_eq!(worker.next_frame(true).unwrap().pcm()[0], 7);
        assert_eq!(worker.next_frame(true).unwrap().pcm(), &[8; 320][..]);
        assert!(worker.next_frame(true).is_none(), "silence then");
        worker.deliver(&AudioFrame::silence(320, 960));
        drop(worker);
        assert_eq!(app.try_recv().map(|f| f.timestamp), Ok(960), "taken before the end");
        assert_eq!(app.try_recv().map(|f| f.timestamp), Err(AudioError::Closed));
        assert_eq!(app.send(&[0; 320]), Err(AudioError::Closed));
    }

    #[tokio::test]
    async fn send_paced_waits_for_room_and_counts_no_refusal() {
        let cfg = AudioConfig {
            rate: 8000,
            queue_frames: 1,
        };
        let (attach, mut app) = pipes(cfg);
        let mut worker = attach.take().unwrap();
        let sender = tokio::spawn(async move {
            for v in 1..=3i16 {
                app.send_paced(&[v; 160]).await.unwrap();
            }
            app
        });
        let mut got = Vec::new();
        while got.len() < 3 {
            match worker.next_frame(true) {
                Some(f) => got.push(f.pcm()[0]),
                None => tokio::task::yield_now().await,
            }
        }
        let app = sender.await.unwrap();
        assert_eq!(got, [1, 2, 3], "each frame in turn, none lost");
        assert_eq!(app.counters().refused.load(std::sync::atomic::Ordering::Relaxed), 0);
    }
}
