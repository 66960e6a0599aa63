//! Routes to `ws://` targets: each call such a route hands to the
//! application is answered with its audio and bridged to the WebSocket
//! server (`rvoip::api::bridge_websocket`, protocol in docs/websocket.md);
//! its DTMF digits follow it there.

use rvoip::api::*;
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::mpsc;

/// The calls bridged to WebSocket servers, by call.
#[derive(Default)]
pub struct WsCalls {
    digits: HashMap<CallId, mpsc::Sender<(char, Duration)>>,
}

impl WsCalls {
    /// Takes the events about bridged calls (a new one is bridged, its
    /// digits forwarded); the rest are logged at debug level.
    pub fn handle(&mut self, ev: CallEvent) {
        match ev {
            CallEvent::Incoming(call) => {
                let Some(url) = call.target().filter(|t| t.starts_with("ws://")).map(str::to_owned) else {
                    return; // dropped: rejected with 480
                };
                let (tx, rx) = mpsc::channel(32);
                self.digits.insert(call.id(), tx);
                tokio::spawn(async move {
                    if let Err(e) = bridge_websocket(&url, call, AudioConfig::default(), rx).await {
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
