//! A call's audio bridged to a WebSocket server (issue #17; protocol in
//! docs/websocket.md): a JSON `start` with the call's metadata, then one
//! binary message per 20 ms of what the caller says (16-bit little-endian
//! PCM at the call's rate), `dtmf` events as JSON, a `stop` at hangup; the
//! server's binary messages are played to the caller in order (buffered,
//! fed to the call as its queue frees), `clear` drops what is buffered
//! (barge-in), and a `mark` comes back when the audio before it has been
//! played. A server that cannot be reached gets the call refused (503); one
//! that closes, or stops answering pings (it stopped reading), ends the
//! call; a slow one costs that call frames, never a worker's time.

use super::ws_playback::Playback;
use super::{ApiError, AudioConfig, IncomingCall};
use crate::session::Command;
use futures_util::{Sink, SinkExt, StreamExt};
use std::sync::{Arc, OnceLock};
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;

/// The longest one message to the server may take to go out: a server
/// slower than that ends its call (nothing else waits on it).
const SEND_DEADLINE: Duration = Duration::from_secs(2);

/// How often the server is pinged, and how long it has to answer (RFC
/// 6455 §5.5.2: every endpoint that reads answers a ping): a server that
/// stopped reading ends its call within this, however much the kernels'
/// buffers would still take.
const PING_EVERY: Duration = Duration::from_secs(1);
const PONG_DEADLINE: Duration = Duration::from_secs(5);

/// Sends `msg`, within [`SEND_DEADLINE`]; whether it went.
async fn send<S: Sink<Message> + Unpin>(tx: &mut S, msg: Message) -> bool {
    matches!(tokio::time::timeout(SEND_DEADLINE, tx.send(msg)).await, Ok(Ok(())))
}

/// The TLS client for `wss://`: `ca_pem`'s CAs, or the system's roots
/// (read once per process).
fn tls(ca_pem: Option<&[u8]>) -> Result<Arc<rustls::ClientConfig>, ApiError> {
    static SYSTEM: OnceLock<Arc<rustls::ClientConfig>> = OnceLock::new();
    match ca_pem {
        Some(pem) => crate::transport::client_config(Some(pem)).map_err(ApiError::Config),
        None => match SYSTEM.get() {
            Some(c) => Ok(c.clone()),
            None => {
                let c = crate::transport::client_config(None).map_err(ApiError::Config)?;
                Ok(SYSTEM.get_or_init(|| c).clone())
            }
        },
    }
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
    let connector = match url.starts_with("wss://") {
        true => Some(tokio_tungstenite::Connector::Rustls(tls(ca_pem)?)),
        false => None,
    };
    let connect = super::ws_connect::connect(url, connector);
    let ws = match tokio::time::timeout(Duration::from_secs(5), connect).await {
        Ok(Ok(ws)) => ws,
        failed => {
            let why = match failed {
                Ok(Err(e)) => e,
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
    let mut playback = Playback::new(audio);
    let mut tick = tokio::time::interval(Duration::from_millis(20));
    let mut ping = tokio::time::interval(PING_EVERY);
    let mut pong = tokio::time::Instant::now();
    let mut alive = send(&mut tx, Message::text(start.to_string())).await;
    while alive {
        tokio::select! {
            _ = ping.tick() => {
                alive = pong.elapsed() < PONG_DEADLINE && send(&mut tx, Message::Ping(Default::default())).await;
            }
            frame = playback.audio.recv() => {
                let Some(frame) = frame else { break };
                let bytes: Vec<u8> = frame.pcm().iter().flat_map(|s| s.to_le_bytes()).collect();
                alive = send(&mut tx, Message::binary(bytes)).await;
            }
            _ = tick.tick() => {
                for name in playback.play() {
                    let mark = serde_json::json!({"event": "mark", "name": name});
                    alive &= send(&mut tx, Message::text(mark.to_string())).await;
                }
            }
            msg = rx.next() => match msg {
                Some(Ok(Message::Binary(b))) => playback.take_audio(&b),
                Some(Ok(Message::Text(t))) => playback.take_command(&t),
                Some(Ok(Message::Pong(_))) => pong = tokio::time::Instant::now(),
                Some(Ok(_)) => {}
                _ => alive = false,
            },
            Some((digit, held)) = dtmf.recv() => {
                let ev = serde_json::json!({"event": "dtmf", "digit": digit.to_string(), "duration_ms": held.as_millis() as u64});
                alive = send(&mut tx, Message::text(ev.to_string())).await;
            }
        }
    }
    if !alive {
        tracing::info!(
            url,
            "WebSocket server closed, too slow, or not answering pings; ending the call"
        );
        if let Some((id, c)) = &hangup {
            let _ = c.send(Command::End(*id)).await;
        }
        return Ok(());
    }
    let _ = send(&mut tx, Message::text(r#"{"event":"stop"}"#)).await;
    let _ = tokio::time::timeout(SEND_DEADLINE, tx.close()).await;
    Ok(())
}
