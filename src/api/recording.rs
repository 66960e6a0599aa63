//! A call's audio recorded as WAV (issue #17's `record`): what the call
//! hears, what it sends, or both as a stereo file (left: heard, right:
//! sent), written by a task of the application's runtime from a tap on the
//! worker (the worker never waits on the file). The file is completed when
//! the call's media ends or the recording is stopped.

use super::{ApiError, CallAudio, Direction, WavRecorder};
use std::collections::VecDeque;
use std::path::{Path, PathBuf};

/// Which way of a call to record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Record {
    /// What the far end sends (mono).
    Heard,
    /// What the call sends it: the application's frames, prompts, silence
    /// (mono).
    Sent,
    /// Both, as stereo: left heard, right sent.
    Both,
}

/// Frames one channel of a stereo recording may run ahead of the other
/// before the other is taken to be silent (100 ms): the far end's packets
/// come in bursts, our frames on the worker's clock.
const AHEAD: usize = 5;

/// A recording in progress.
pub type Recording = super::FileTask<Recorded>;

/// What a finished recording holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recorded {
    /// The file.
    pub path: PathBuf,
    /// Samples per channel.
    pub samples: u64,
    /// Frames lost because the writer fell behind the call.
    pub dropped: u64,
}

/// Starts recording `audio`'s call into a 16-bit WAV at `path` at the
/// call's rate (replacing a recording of the same call in progress).
/// Needs a tokio runtime.
pub fn record_call(audio: &CallAudio, path: impl AsRef<Path>, what: Record) -> Result<Recording, ApiError> {
    let path = path.as_ref().to_path_buf();
    let channels = if what == Record::Both { 2 } else { 1 };
    let mut wav = WavRecorder::with_channels(&path, audio.rate(), channels)?;
    let mut tap = audio
        .tap(what != Record::Sent, what != Record::Heard)
        .map_err(|e| ApiError::Config(format!("recording {}: {e}", path.display())))?;
    let frame_len = audio.frame_len();
    Ok(Recording::spawn(|mut stop| async move {
        let mut mix = Interleave::new(frame_len, what == Record::Both);
        let mut out = Vec::with_capacity(frame_len * 2);
        while let Some((dir, frame)) = stop.next(&mut tap).await {
            mix.push(dir, frame.pcm(), &mut out);
            wav.write(&out)?;
            out.clear();
        }
        mix.finish(&mut out);
        wav.write(&out)?;
        wav.finish()?;
        Ok(Recorded {
            path,
            samples: mix.written,
            dropped: tap.dropped(),
        })
    }))
}

/// Frames into samples to write: as they come (mono), or paired left and
/// right (stereo), a channel that falls behind by more than [`AHEAD`]
/// frames filled with silence.
struct Interleave {
    stereo: bool,
    frame_len: usize,
    heard: VecDeque<i16>,
    sent: VecDeque<i16>,
    written: u64,
}

impl Interleave {
    fn new(frame_len: usize, stereo: bool) -> Self {
        Interleave {
            stereo,
            frame_len,
            heard: VecDeque::new(),
            sent: VecDeque::new(),
            written: 0,
        }
    }

    fn push(&mut self, dir: Direction, pcm: &[i16], out: &mut Vec<i16>) {
        if !self.stereo {
            out.extend_from_slice(pcm);
            self.written += pcm.len() as u64;
            return;
        }
        let (this, other) = match dir {
            Direction::Heard => (&mut self.heard, &mut self.sent),
            Direction::Sent => (&mut self.sent, &mut self.heard),
        };
        this.extend(pcm);
        let limit = AHEAD * self.frame_len;
        if this.len() > limit + other.len() {
            let lag = this.len() - limit - other.len();
            other.extend(std::iter::repeat_n(0, lag));
        }
        self.pair(out);
    }

    fn pair(&mut self, out: &mut Vec<i16>) {
        let n = self.heard.len().min(self.sent.len());
        for (l, r) in self.heard.drain(..n).zip(self.sent.drain(..n)) {
            out.extend_from_slice(&[l, r]);
        }
        self.written += n as u64;
    }

    /// The rest, the shorter channel ended with silence.
    fn finish(&mut self, out: &mut Vec<i16>) {
        if self.stereo {
            let n = self.heard.len().max(self.sent.len());
            self.heard.resize(n, 0);
            self.sent.resize(n, 0);
            self.pair(out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stereo_pairs_the_two_ways_and_fills_a_silent_one() {
        let mut m = Interleave::new(2, true);
        let mut out = Vec::new();
        m.push(Direction::Sent, &[1, 2], &mut out);
        m.push(Direction::Heard, &[7, 8], &mut out);
        assert_eq!(out, [7, 1, 8, 2]);
        out.clear();
        for _ in 0..6 {
            m.push(Direction::Sent, &[3, 3], &mut out);
        }
        assert_eq!(out, [0, 3, 0, 3], "heard silent for more than 5 frames: filled");
        out.clear();
        m.push(Direction::Heard, &[9, 9], &mut out);
        m.finish(&mut out);
        assert_eq!(out.len() as u64, 2 * 10, "10 samples a side in the rest");
        assert_eq!((&out[..2], m.written), (&[9, 3][..], 14));
    }
}
