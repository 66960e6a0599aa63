//! WAV files and a call's audio (the `hound` crate): a prompt read once and
//! played as 20 ms frames (looped if asked, each call its own cursor over
//! shared samples), and what a call hears written as a WAV. Only 16-bit
//! mono PCM at the call's audio rate is taken; anything else is refused
//! naming the file and why (the audio is never resampled or guessed).

use super::ApiError;
use std::path::Path;
use std::sync::Arc;

/// A prompt, played 20 ms at a time.
#[derive(Debug, Clone)]
pub struct WavPlayer {
    samples: Arc<[i16]>,
    rate: u32,
    at: usize,
    looped: bool,
    frame: Vec<i16>,
}

fn bad(path: &Path, why: impl std::fmt::Display) -> ApiError {
    ApiError::Config(format!("{}: {why}", path.display()))
}

impl WavPlayer {
    /// Reads `path`: 16-bit PCM, one channel, at `rate` (8000, 16000 or
    /// 48000: the call's audio rate).
    pub fn open(path: impl AsRef<Path>, rate: u32) -> Result<WavPlayer, ApiError> {
        let path = path.as_ref();
        let reader = hound::WavReader::open(path).map_err(|e| bad(path, e))?;
        let spec = reader.spec();
        if spec.sample_format != hound::SampleFormat::Int || spec.bits_per_sample != 16 {
            return Err(bad(path, "not 16-bit PCM"));
        }
        if spec.channels != 1 {
            return Err(bad(path, format!("{} channels, not mono", spec.channels)));
        }
        if spec.sample_rate != rate {
            return Err(bad(
                path,
                format!("{} Hz, the call's audio is {rate} Hz", spec.sample_rate),
            ));
        }
        let samples: Result<Vec<i16>, _> = reader.into_samples::<i16>().collect();
        let samples = samples.map_err(|e| bad(path, e))?;
        Ok(WavPlayer {
            samples: samples.into(),
            rate,
            at: 0,
            looped: false,
            frame: vec![0; rate as usize / 50],
        })
    }

    /// The same prompt from its start, played over and over.
    pub fn looped(mut self) -> WavPlayer {
        (self.at, self.looped) = (0, true);
        self
    }

    /// The next 20 ms (the last frame padded with silence); `None` once
    /// the prompt has been played (never, looped, unless it is empty).
    pub fn next_frame(&mut self) -> Option<&[i16]> {
        let n = self.frame.len();
        if self.samples.is_empty() || (!self.looped && self.at >= self.samples.len()) {
            return None;
        }
        for slot in self.frame.iter_mut() {
            if self.at >= self.samples.len() {
                if !self.looped {
                    *slot = 0;
                    continue;
                }
                self.at = 0;
            }
            *slot = self.samples[self.at];
            self.at += 1;
        }
        Some(&self.frame[..n])
    }

    /// The prompt for the worker to play itself (see
    /// [`CallAudio::play`](super::CallAudio::play)): the same samples, not
    /// copied, looped if this player is.
    pub fn prompt(&self) -> super::Prompt {
        super::Prompt {
            samples: self.samples.clone(),
            rate: self.rate,
            looped: self.looped,
        }
    }

    /// The prompt's length.
    pub fn duration(&self) -> std::time::Duration {
        std::time::Duration::from_secs_f64(self.samples.len() as f64 / f64::from(self.rate))
    }
}

/// What a call hears, written to a WAV file as it comes.
pub struct WavRecorder {
    writer: hound::WavWriter<std::io::BufWriter<std::fs::File>>,
}

impl WavRecorder {
    /// A new 16-bit mono WAV at `path`, at `rate`.
    pub fn create(path: impl AsRef<Path>, rate: u32) -> Result<WavRecorder, ApiError> {
        Self::with_channels(path, rate, 1)
    }

    /// A new 16-bit WAV of `channels` at `path`, at `rate`; samples are
    /// written interleaved.
    pub fn with_channels(path: impl AsRef<Path>, rate: u32, channels: u16) -> Result<WavRecorder, ApiError> {
        let spec = hound::WavSpec {
            channels,
            sample_rate: rate,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let path = path.as_ref();
        let writer = hound::WavWriter::create(path, spec).map_err(|e| bad(path, e))?;
        Ok(WavRecorder { writer })
    }

    /// Appends `pcm`.
    pub fn write(&mut self, pcm: &[i16]) -> Result<(), ApiError> {
        let mut w = self.writer.get_i16_writer(pcm.len() as u32);
        for &s in pcm {
            w.write_sample(s);
        }
        w.flush().map_err(|e| ApiError::Config(format!("recording: {e}")))
    }

    /// Completes the file (its header's lengths).
    pub fn finish(self) -> Result<(), ApiError> {
        self.writer
            .finalize()
            .map_err(|e| ApiError::Config(format!("recording: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_prompt_plays_in_frames_and_a_recording_reads_back() {
        let dir = std::env::temp_dir().join(format!("rvoip-wav-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("prompt.wav");
        let mut rec = WavRecorder::create(&path, 8000).unwrap();
        rec.write(&(0..250).map(|i| i as i16).collect::<Vec<_>>()).unwrap();
        rec.finish().unwrap();
        let mut p = WavPlayer::open(&path, 8000).unwrap();
        assert_eq!(p.next_frame().unwrap()[159], 159);
        let last = p.next_frame().unwrap().to_vec();
        assert_eq!((last[89], last[90], last[159]), (249, 0, 0), "padded with silence");
        assert!(p.next_frame().is_none(), "played");
        let mut l = WavPlayer::open(&path, 8000).unwrap().looped();
        l.next_frame();
        assert_eq!(l.next_frame().unwrap()[90], 0, "looped back to the start");
        let err = WavPlayer::open(&path, 16000).unwrap_err().to_string();
        assert!(err.contains("prompt.wav") && err.contains("8000 Hz"), "{err}");
        std::fs::write(dir.join("text.wav"), b"not a wav").unwrap();
        assert!(WavPlayer::open(dir.join("text.wav"), 8000).is_err());
        let _ = std::fs::remove_dir_all(dir);
    }
}
