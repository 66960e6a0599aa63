//! A WebSocket audio server for rvoip-gw's `ws://` routes
//! (docs/websocket.md), in a page: it prints each call's `start`, sends
//! back every frame of audio it gets (the caller hears itself), answers
//! each DTMF digit with a short beep per digit value (1-9 beeps; 0, * and
//! # one long one) after a `clear` (barge-in), and notes the `stop`.
//!
//!     cargo run --example ws_echo_server -- 127.0.0.1:8090
//!     # rvoip-gw with a route: target = "ws://127.0.0.1:8090/echo"

use futures_util::{SinkExt, StreamExt};
use tokio_tungstenite::tungstenite::Message;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:8090".into());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("WebSocket audio server on ws://{addr}/");
    loop {
        let (tcp, peer) = listener.accept().await?;
        tokio::spawn(async move {
            let Ok(mut ws) = tokio_tungstenite::accept_async(tcp).await else {
                return;
            };
            let mut rate = 8000u32;
            while let Some(Ok(msg)) = ws.next().await {
                let reply = match msg {
                    Message::Binary(audio) => vec![Message::Binary(audio)],
                    Message::Text(t) => {
                        let v: serde_json::Value = serde_json::from_str(&t).unwrap_or_default();
                        match v["event"].as_str() {
                            Some("start") => {
                                rate = v["rate"].as_u64().unwrap_or(8000) as u32;
                                println!("{peer}: start {v}");
                                vec![]
                            }
                            Some("dtmf") => {
                                let d = v["digit"].as_str().unwrap_or("0");
                                println!("{peer}: digit {d}");
                                let clear = Message::text(r#"{"event":"clear"}"#);
                                vec![clear, Message::binary(beeps(d, rate))]
                            }
                            Some("stop") => {
                                println!("{peer}: stop");
                                vec![]
                            }
                            _ => vec![],
                        }
                    }
                    _ => vec![],
                };
                for m in reply {
                    if ws.send(m).await.is_err() {
                        return;
                    }
                }
            }
        });
    }
}

/// Beeps saying a digit: as many 100 ms beeps as its value (one long one
/// for 0, * and #), as 16-bit little-endian PCM at `rate`.
fn beeps(digit: &str, rate: u32) -> Vec<u8> {
    let (count, ms) = match digit.parse::<usize>() {
        Ok(n @ 1..=9) => (n, 100),
        _ => (1, 400),
    };
    let on = rate as usize * ms / 1000;
    let off = rate as usize / 10;
    (0..count)
        .flat_map(|_| {
            (0..on + off).map(move |i| {
                if i < on {
                    (6000.0 * (std::f64::consts::TAU * 800.0 * i as f64 / rate as f64).sin()) as i16
                } else {
                    0
                }
            })
        })
        .flat_map(i16::to_le_bytes)
        .collect()
}
