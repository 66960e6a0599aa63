//! `rvoip-gw call --play FILE --record DIR`: the calls' audio through the
//! API's `CallAudio`: a WAV sent on every call, looped for as long as it
//! lasts, and what each call hears written to its own WAV; at the end,
//! the frames heard, concealed and lost, and how long frames waited for
//! the application (from the worker's hand-over to `try_recv`).

use hdrhistogram::Histogram;
use rvoip::api::*;
use std::path::PathBuf;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::{Arc, Mutex};
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
    tally: Arc<Mutex<AudioTally>>,
}

/// What every call's audio added up to.
struct AudioTally {
    frames: u64,
    concealed: u64,
    dropped: u64,
    refused: u64,
    silence: u64,
    sent: u64,
    /// Frame waits, µs.
    wait: Histogram<u64>,
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
            tally: Arc::new(Mutex::new(AudioTally {
                frames: 0,
                concealed: 0,
                dropped: 0,
                refused: 0,
                silence: 0,
                sent: 0,
                wait: Histogram::new_with_bounds(1, 60_000_000, 3).map_err(|e| e.to_string())?,
            })),
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
        tokio::spawn(run(audio, self.player.clone(), recorder, self.tally.clone()));
        Ok(id)
    }

    /// Prints the calls' audio figures, once their media has ended.
    pub async fn report(self) {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let t = self.tally.lock().unwrap_or_else(|e| e.into_inner());
        let us = |q: f64| t.wait.value_at_quantile(q) as f64 / 1000.0;
        println!(
            "audio      frames_heard={} concealed={} dropped={} sent={} silence={} refused={}",
            t.frames, t.concealed, t.dropped, t.sent, t.silence, t.refused
        );
        println!(
            "audio_ms   frame_wait p50={:.3} p99={:.3} max={:.3}",
            us(0.5),
            us(0.99),
            t.wait.max() as f64 / 1000.0
        );
    }
}

/// One call's audio until it ends: a frame of the prompt every 20 ms,
/// what arrives recorded.
async fn run(
    mut audio: CallAudio,
    mut player: Option<WavPlayer>,
    mut recorder: Option<WavRecorder>,
    tally: Arc<Mutex<AudioTally>>,
) {
    let mut wait = Histogram::<u64>::new_with_bounds(1, 60_000_000, 3).expect("valid bounds");
    let (mut frames, mut concealed) = (0u64, 0u64);
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    // Frames are taken as they come (the wait measured is the worker's
    // hand-over to this task's wake-up); the prompt goes out on the tick.
    loop {
        tokio::select! {
            _ = tick.tick() => {
                if let Some(frame) = player.as_mut().and_then(|p| p.next_frame()) {
                    let _ = audio.send(frame);
                }
            }
            f = audio.recv() => {
                let Some(f) = f else { break };
                frames += 1;
                concealed += u64::from(f.concealed);
                if let Some(at) = f.delivered {
                    let _ = wait.record(at.elapsed().as_micros().max(1) as u64);
                }
                if let Some(r) = recorder.as_mut() {
                    let _ = r.write(f.pcm());
                }
            }
        }
    }
    if let Some(r) = recorder {
        let _ = r.finish();
    }
    let c = audio.counters();
    let mut t = tally.lock().unwrap_or_else(|e| e.into_inner());
    t.frames += frames;
    t.concealed += concealed;
    t.dropped += c.dropped.load(Relaxed);
    t.refused += c.refused.load(Relaxed);
    t.silence += c.silence.load(Relaxed);
    t.sent += c.sent.load(Relaxed);
    let _ = t.wait.add(&wait);
}
