//! `rvoip-gw call --play FILE --record DIR`: the calls' audio through the
//! API's `CallAudio`: a WAV sent on every call, looped for as long as it
//! lasts, and what each call hears written to its own WAV.

use rvoip::api::*;
use std::path::PathBuf;
use std::time::Duration;

#[derive(clap::Args, Debug, Clone)]
pub struct AudioArgs {
    /// Send this WAV (16-bit mono PCM at --audio-rate) on every call,
    /// looped for the call's duration.
    #[arg(long, conflicts_with = "echo")]
    play: Option<PathBuf>,
    /// Write what each call hears to DIR/call-N.wav.
    #[arg(long, conflicts_with = "echo")]
    record: Option<PathBuf>,
    /// Sample rate of the calls' audio, --play and --record: 8000, 16000
    /// or 48000.
    #[arg(long, default_value_t = 8000)]
    audio_rate: u32,
}

/// What the calls play and record.
pub struct Audio {
    player: Option<WavPlayer>,
    record: Option<PathBuf>,
    cfg: AudioConfig,
    calls: u64,
}

impl Audio {
    /// `None` when neither --play nor --record is given.
    pub fn new(args: &AudioArgs) -> Result<Option<Audio>, String> {
        if args.play.is_none() && args.record.is_none() {
            return Ok(None);
        }
        let cfg = AudioConfig {
            rate: args.audio_rate,
            queue_frames: 10,
        };
        if !cfg.is_valid() {
            return Err(format!(
                "--audio-rate {}: expected 8000, 16000 or 48000",
                args.audio_rate
            ));
        }
        let player = match &args.play {
            Some(p) => Some(
                WavPlayer::open(p, cfg.rate)
                    .map_err(|e| format!("--play {e}"))?
                    .looped(),
            ),
            None => None,
        };
        if let Some(dir) = &args.record {
            std::fs::create_dir_all(dir).map_err(|e| format!("--record {}: {e}", dir.display()))?;
        }
        Ok(Some(Audio {
            player,
            record: args.record.clone(),
            cfg,
            calls: 0,
        }))
    }

    /// Places a call with its audio, and starts what plays and records it.
    pub fn place(&mut self, ua: &SipUa, uri: &str, opts: &CallOptions) -> Result<CallId, String> {
        let (id, audio) = ua.make_call_audio(uri, opts, self.cfg).map_err(|e| e.to_string())?;
        self.calls += 1;
        let recorder = match &self.record {
            Some(dir) => Some(WavRecorder::create(
                dir.join(format!("call-{}.wav", self.calls)),
                self.cfg.rate,
            )),
            None => None,
        }
        .transpose()
        .map_err(|e| e.to_string())?;
        tokio::spawn(run(audio, self.player.clone(), recorder));
        Ok(id)
    }
}

/// One call's audio until it ends: a frame of the prompt every 20 ms,
/// what arrives recorded.
async fn run(mut audio: CallAudio, mut player: Option<WavPlayer>, mut recorder: Option<WavRecorder>) {
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    'call: loop {
        tick.tick().await;
        if let Some(frame) = player.as_mut().and_then(|p| p.next_frame()) {
            let _ = audio.send(frame);
        }
        loop {
            match audio.try_recv() {
                Ok(f) => {
                    if let Some(r) = recorder.as_mut() {
                        let _ = r.write(f.pcm());
                    }
                }
                Err(AudioError::Closed) => break 'call,
                Err(_) => break,
            }
        }
    }
    if let Some(r) = recorder {
        let _ = r.finish();
    }
}
