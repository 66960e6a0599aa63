//! A voice application on `rvoip::api` in a page: answer every call with
//! its audio, play a prompt (a WAV given as the first argument, or a
//! 440 Hz tone), then say back what the caller says, half a second late.
//! No RTP, codec or SDP in sight: 20 ms frames of 16-bit PCM both ways.
//!
//!     cargo run --example audio_app -- [ADDR [prompt.wav [RECORD_DIR]]]
//!     # then call sip:anything@127.0.0.1:5080 (baresip, linphone, SIPp);
//!     # each DTMF digit the caller sends is printed once; with RECORD_DIR,
//!     # what each call hears is written to RECORD_DIR/call-ID.wav

use rvoip::api::*;
use std::collections::VecDeque;
use std::time::Duration;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:5080".into());
    let prompt = std::env::args().nth(2).filter(|p| !p.is_empty());
    let record = std::env::args().nth(3).map(std::path::PathBuf::from);
    let mut server = create_sip_server(ServerConfig {
        sip_addr: addr.parse()?,
        ..Default::default()
    })
    .await?;
    println!("answering on {}", server.local_addr());
    while let Some(ev) = server.next_event().await {
        if let CallEvent::Dtmf(id, digit, held) = ev {
            println!("call {} digit {digit} held {} ms", id.0, held.as_millis());
        }
        if let CallEvent::Incoming(call) = ev {
            let cfg = AudioConfig {
                rate: 8000,
                queue_frames: 10,
            };
            let player = match &prompt {
                Some(path) => Some(WavPlayer::open(path, cfg.rate)?),
                None => None,
            };
            let (id, audio) = call.accept_audio(cfg)?;
            println!("call {} answered", id.0);
            let recorder = match &record {
                Some(dir) => Some(WavRecorder::create(dir.join(format!("call-{}.wav", id.0)), cfg.rate)?),
                None => None,
            };
            tokio::spawn(talk(audio, player, recorder));
        }
    }
    Ok(())
}

/// The prompt (or a second of tone), then the caller's voice back, 25
/// frames late, until the call ends; what it hears recorded if asked.
async fn talk(mut audio: CallAudio, mut prompt: Option<WavPlayer>, mut recorder: Option<WavRecorder>) {
    let len = audio.frame_len();
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    let mut delay: VecDeque<Vec<i16>> = VecDeque::new();
    'call: for n in 0u64.. {
        tick.tick().await;
        loop {
            match audio.try_recv() {
                Ok(f) => {
                    if let Some(r) = recorder.as_mut() {
                        let _ = r.write(f.pcm());
                    }
                    delay.push_back(f.pcm().to_vec());
                }
                Err(AudioError::Closed) => break 'call,
                Err(_) => break,
            }
        }
        let played = prompt.as_mut().and_then(|p| p.next_frame()).map(<[i16]>::to_vec);
        let frame: Vec<i16> = match played {
            Some(f) => f,
            None if prompt.is_none() && n < 50 => {
                let at = n as usize * len;
                (at..at + len)
                    .map(|i| (6000.0 * (2.0 * std::f64::consts::PI * 440.0 * i as f64 / 8000.0).sin()) as i16)
                    .collect()
            }
            None if delay.len() > 25 => delay.pop_front().unwrap_or_default(),
            None => continue,
        };
        let _ = audio.send(&frame);
    }
    if let Some(r) = recorder {
        let _ = r.finish();
    }
}
