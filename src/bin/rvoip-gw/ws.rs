//! Routes to `ws://` and `wss://` targets: each call such a route hands to
//! the application is answered with its audio and bridged to the
//! WebSocket server (`rvoip::api::bridge_websocket_trusting`, protocol in
//! docs/websocket.md; a `wss://` server checked against `tls.ca`, or the
//! system's roots); its DTMF digits follow it there.

use rvoip::api::*;
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::mpsc;

/// The calls bridged to WebSocket servers, by call.
pub struct WsCalls {
    digits: HashMap<CallId, mpsc::Sender<(char, Duration)>>,
    /// Each WebSocket target's audio rate (`routes[].audio_rate`).
    rates: HashMap<String, u32>,
    /// `tls.ca`'s certificates, if set.
    ca: Option<std::sync::Arc<Vec<u8>>>,
}

impl WsCalls {
    /// Bridges trusting `tls.ca` ("" = the system's roots), at each
    /// route's `audio_rate`.
    pub fn new(cfg: &crate::config::Config) -> Result<WsCalls, String> {
        let rates = cfg
            .routes
            .iter()
            .filter_map(|r| Some((r.target.clone()?, r.audio_rate)))
            .collect();
        let ca = match cfg.tls.ca.as_str() {
            "" => None,
            path => Some(std::fs::read(path).map_err(|e| format!("tls.ca {path}: {e}"))?.into()),
        };
        Ok(WsCalls {
            digits: HashMap::new(),
            rates,
            ca,
        })
    }

    /// Takes the events about bridged calls (a new one is bridged, its
    /// digits forwarded); the rest are logged at debug level.
    pub fn handle(&mut self, ev: CallEvent) {
        match ev {
            CallEvent::Incoming(call) => {
                let ws = |t: &&str| t.starts_with("ws://") || t.starts_with("wss://");
                let Some(url) = call.target().filter(ws).map(str::to_owned) else {
                    return; // dropped: rejected with 480
                };
                let (tx, rx) = mpsc::channel(32);
                self.digits.insert(call.id(), tx);
                let ca = self.ca.clone();
                let rate = self.rates.get(&url).copied().unwrap_or(8000);
                tokio::spawn(async move {
                    let ca = ca.as_deref().map(Vec::as_slice);
                    // A short queue: `clear` and `mark` act within 60 ms.
                    let cfg = AudioConfig { rate, queue_frames: 3 };
                    if let Err(e) = bridge_websocket_trusting(&url, ca, call, cfg, rx).await {
                        tracing::warn!(%e, "WebSocket bridge");
                    }
                });
            }
            CallEvent::Dtmf(id, digit, held) => {
                if let Some(tx) = self.digits.get(&id) {
                    let _ = tx.try_send((digit, held));
                }
            }
            CallEvent::Ended(id, _) | CallEvent::Failed(id, _) => {
                self.digits.remove(&id);
            }
            ev => tracing::debug!(?ev, "call event"),
        }
    }
}
