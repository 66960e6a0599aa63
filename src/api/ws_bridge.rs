//! A call's audio bridged to a WebSocket server (issue #17; protocol in
//! docs/websocket.md): a JSON `start` with the call's metadata, then one
//! binary message per 20 ms of what the caller says (16-bit little-endian
//! PCM at the call's rate), `dtmf` events as JSON, a `stop` at hangup; the
//! server's binary messages are played to the caller in order (buffered,
//! fed to the call as its queue frees), `clear` drops what is buffered
//! (barge-in), and a `mark` comes back when the audio before it has been
//! played. A server that cannot be reached gets the call refused (503); one
//! that closes ends the call; a slow one costs that call frames, never a
//! worker's time.

use super::{ApiError, AudioConfig, CallAudio, IncomingCall};
use crate::session::Command;
use futures_util::{SinkExt, StreamExt};
use std::collections::VecDeque;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

/// Most audio buffered from the server (60 s at 48 kHz); beyond it the
/// oldest is dropped.
const MAX_BUFFERED: usize = 3000;

/// What waits to be played: audio, or a mark to report once reached.
enum Item {
    Frame(Vec<i16>),
    Mark(String),
}

/// Answers `call` with its audio at `cfg.rate` and bridges it to the
/// WebSocket server at `url` until either side ends; `dtmf` brings the
/// call's digits (from `CallEvent::Dtmf`) to forward. A `wss://` server's
/// certificate is checked against the system's roots (see
/// [`bridge_websocket_trusting`]).
pub async fn bridge_websocket(
    url: &str,
    call: IncomingCall,
    cfg: AudioConfig,
    dtmf: mpsc::Receiver<(char, Duration)>,
) -> Result<(), ApiError> {
    bridge_websocket_trusting(url, None, call, cfg, dtmf).await
}

/// [`bridge_websocket`], a `wss://` server's certificate checked against
/// the CAs in `ca_pem` (PEM) instead of the system's roots.
pub async fn bridge_websocket_trusting(
    url: &str,
    ca_pem: Option<&[u8]>,
    call: IncomingCall,
    cfg: AudioConfig,
    mut dtmf: mpsc::Receiver<(char, Duration)>,
) -> Result<(), ApiError> {
    let tls = crate::transport::client_config(ca_pem).map_err(ApiError::Config)?;
    let connector = Some(tokio_tungstenite::Connector::Rustls(tls));
    let connect = tokio_tungstenite::connect_async_tls_with_config(url, None, false, connector);
    let ws = match tokio::time::timeout(Duration::from_secs(5), connect).await {
        Ok(Ok((ws, _))) => ws,
        failed => {
            let why = match failed {
                Ok(Err(e)) => e.to_string(),
                _ => "timed out".into(),
            };
            tracing::warn!(url, %why, "WebSocket server unreachable; call refused");
            call.reject(crate::status::StatusCode::SERVICE_UNAVAILABLE)?;
            return Err(ApiError::Config(format!("{url}: {why}")));
        }
    };
    let start = serde_json::json!({
        "event": "start", "call_id": call.id().0, "from": call.from(), "to": call.to(),
        "uri": call.uri(), "rate": cfg.rate, "encoding": "L16", "frame_ms": 20,
    });
    let hangup = call.hangup();
    let (_, audio) = call.accept_audio(cfg)?;
    let (mut tx, mut rx) = ws.split();
    let _ = tx.send(Message::text(start.to_string())).await;
    let mut bridge = Bridge {
        audio,
        playback: VecDeque::new(),
        pending: Vec::new(),
    };
    loop {
        tokio::select! {
            frame = bridge.audio.recv() => {
                let Some(frame) = frame else { break };
                let bytes: Vec<u8> = frame.pcm().iter().flat_map(|s| s.to_le_bytes()).collect();
                if tx.send(Message::binary(bytes)).await.is_err() {
                    break;
                }
                for name in bridge.play() {
                    let _ = tx.send(Message::text(serde_json::json!({"event": "mark", "name": name}).to_string())).await;
                }
            }
            msg = rx.next() => match msg {
                Some(Ok(Message::Binary(b))) => bridge.take_audio(&b),
                Some(Ok(Message::Text(t))) => bridge.take_command(&t),
                Some(Ok(_)) => {}
                _ => {
                    tracing::info!(url, "WebSocket server closed; ending the call");
                    if let Some((id, c)) = &hangup {
                        let _ = c.try_send(Command::End(*id));
                    }
                    return Ok(());
                }
            },
            Some((digit, held)) = dtmf.recv() => {
                let ev = serde_json::json!({"event": "dtmf", "digit": digit.to_string(), "duration_ms": held.as_millis() as u64});
                let _ = tx.send(Message::text(ev.to_string())).await;
            }
        }
    }
    let _ = tx.send(Message::text(r#"{"event":"stop"}"#)).await;
    let _ = tx.close().await;
    Ok(())
}

/// One bridged call: its audio, and what the server sent still to play.
struct Bridge {
    audio: CallAudio,
    playback: VecDeque<Item>,
    /// Samples of a frame not yet complete.
    pending: Vec<i16>,
}

impl Bridge {
    /// Audio from the server, cut into frames to play.
    fn take_audio(&mut self, bytes: &[u8]) {
        let len = self.audio.frame_len();
        self.pending
            .extend(bytes.chunks_exact(2).map(|b| i16::from_le_bytes([b[0], b[1]])));
        while self.pending.len() >= len {
            let rest = self.pending.split_off(len);
            let frame = std::mem::replace(&mut self.pending, rest);
            self.playback.push_back(Item::Frame(frame));
        }
        while self.playback.len() > MAX_BUFFERED {
            self.playback.pop_front();
        }
    }

    /// A JSON command from the server: `clear` or `mark`.
    fn take_command(&mut self, text: &str) {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(text) else {
            tracing::debug!("WebSocket text that is not JSON ignored");
            return;
        };
        match v.get("event").and_then(|e| e.as_str()) {
            Some("clear") => {
                self.playback.retain(|i| matches!(i, Item::Mark(_)));
                self.pending.clear();
            }
            Some("mark") => {
                let name = v.get("name").and_then(|n| n.as_str()).unwrap_or_default();
                self.playback.push_back(Item::Mark(name.to_owned()));
            }
            _ => {}
        }
    }

    /// Feeds the call what it has room for; the marks reached.
    fn play(&mut self) -> Vec<String> {
        let mut marks = Vec::new();
        while let Some(item) = self.playback.front() {
            match item {
                Item::Mark(name) => marks.push(name.clone()),
                Item::Frame(f) => {
                    if self.audio.send(f).is_err() {
                        break;
                    }
                }
            }
            self.playback.pop_front();
        }
        marks
    }
}
