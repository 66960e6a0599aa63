//! One call of the digits bot (examples/ws_digits_bot/main.rs), also run
//! by tests/ws_bridge.rs: it reads the bridge's messages (docs/websocket.md),
//! collects the DTMF digits it is told of and, once the caller pauses
//! ([`PAUSE`]) or presses `#`, says them back as in-band DTMF tones, then
//! sends a `mark` to learn when they have been played.

use futures_util::{SinkExt, StreamExt};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio_tungstenite::WebSocketStream;
use tokio_tungstenite::tungstenite::Message;

/// Quiet time after the last digit before the digits are said back.
pub const PAUSE: Duration = Duration::from_millis(1500);
/// Each digit said back: a tone this long, then [`GAP`] of silence.
pub const TONE: Duration = Duration::from_millis(100);
/// Silence after each tone.
pub const GAP: Duration = Duration::from_millis(60);

/// A call's digits heard and not yet said back, and when they are due
/// (no clock read here: time comes in as `now`).
#[derive(Debug, Default)]
pub struct Digits {
    heard: String,
    due: Option<Instant>,
}

impl Digits {
    /// A digit the caller pressed, at `now`: `#` makes the digits before it
    /// due at once (it is not said back); any other is kept and the digits
    /// are due [`PAUSE`] later, unless another comes first.
    pub fn handle_digit(&mut self, now: Instant, digit: char) {
        if digit != '#' {
            self.heard.push(digit);
            self.due = Some(now + PAUSE);
        } else if !self.heard.is_empty() {
            self.due = Some(now);
        }
    }

    /// When [`poll_say`](Self::poll_say) has something to say next.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.due
    }

    /// The digits to say back, once due at `now`.
    pub fn poll_say(&mut self, now: Instant) -> Option<String> {
        match self.due {
            Some(t) if t <= now => {
                self.due = None;
                Some(std::mem::take(&mut self.heard))
            }
            _ => None,
        }
    }
}

/// A DTMF digit's (row, column) frequencies in Hz (ITU-T Q.23).
pub fn frequencies(digit: char) -> Option<(f64, f64)> {
    const ROWS: [f64; 4] = [697.0, 770.0, 852.0, 941.0];
    const COLS: [f64; 4] = [1209.0, 1336.0, 1477.0, 1633.0];
    const KEYS: [&str; 4] = ["123A", "456B", "789C", "*0#D"];
    let (r, row) = KEYS.iter().enumerate().find(|(_, k)| k.contains(digit))?;
    let c = row.find(digit)?;
    Some((ROWS[r], COLS[c]))
}

/// `digits` as DTMF tones ([`TONE`] on, [`GAP`] off each) in 16-bit
/// little-endian PCM at `rate`, as the bridge takes audio.
pub fn tones(digits: &str, rate: u32) -> Vec<u8> {
    let on = rate as usize * TONE.as_millis() as usize / 1000;
    let off = rate as usize * GAP.as_millis() as usize / 1000;
    let mut pcm = Vec::with_capacity(digits.len() * (on + off) * 2);
    for (low, high) in digits.chars().filter_map(frequencies) {
        for i in 0..on + off {
            let t = i as f64 / rate as f64;
            let wave = |f: f64| (std::f64::consts::TAU * f * t).sin();
            let s = if i < on { 7000.0 * (wave(low) + wave(high)) } else { 0.0 };
            pcm.extend_from_slice(&(s as i16).to_le_bytes());
        }
    }
    pcm
}

/// Serves one call on `ws` until the bridge closes it, telling `report`
/// what happens, one line each: `start …`, `digit 5`, `says 159`,
/// `played said-1` (the mark came back), `stop`.
pub async fn serve<S: AsyncRead + AsyncWrite + Unpin>(mut ws: WebSocketStream<S>, mut report: impl FnMut(String)) {
    let mut rate = 8000;
    let mut digits = Digits::default();
    let mut said = 0;
    loop {
        let due = digits.poll_timeout();
        let wait = async move {
            match due {
                Some(t) => tokio::time::sleep_until(t.into()).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            msg = ws.next() => match msg {
                // The caller's audio (binary) is not needed here, but it
                // is read: a server that stops reading loses its call.
                Some(Ok(Message::Text(text))) => {
                    let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
                    match v["event"].as_str() {
                        Some("start") => {
                            rate = v["rate"].as_u64().unwrap_or(8000) as u32;
                            report(format!("start from {} rate {rate}", v["from"]));
                        }
                        Some("dtmf") => {
                            let Some(d) = v["digit"].as_str().and_then(|d| d.chars().next()) else { continue };
                            report(format!("digit {d}"));
                            digits.handle_digit(Instant::now(), d);
                        }
                        Some("mark") => report(format!("played {}", v["name"].as_str().unwrap_or_default())),
                        Some("stop") => report("stop".into()),
                        _ => {}
                    }
                }
                Some(Ok(_)) => {}
                _ => return,
            },
            () = wait => {}
        }
        if let Some(say) = digits.poll_say(Instant::now()) {
            said += 1;
            report(format!("says {say}"));
            let mark = serde_json::json!({"event": "mark", "name": format!("said-{said}")});
            if ws.send(Message::binary(tones(&say, rate))).await.is_err()
                || ws.send(Message::text(mark.to_string())).await.is_err()
            {
                return;
            }
        }
    }
}
