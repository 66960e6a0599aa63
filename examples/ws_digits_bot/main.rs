//! A "say the digits back" bot for rvoip-gw's `ws://` routes
//! (docs/websocket.md): for each call it collects the DTMF digits the
//! bridge reports and, after 1.5 s without a new one or when the caller
//! presses `#`, plays them back as DTMF tones (100 ms tone, 60 ms gap, at
//! the call's rate), followed by a `mark` so it learns when they reached
//! the call. It prints one line per event (`digit 5`, `says 159`,
//! `played said-1`, ...). The call logic is in bot.rs.
//!
//!     cargo run --example ws_digits_bot -- 127.0.0.1:8091
//!     # rvoip-gw with a route: target = "ws://127.0.0.1:8091/digits"

mod bot;

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let addr = std::env::args().nth(1).unwrap_or_else(|| "127.0.0.1:8091".into());
    let listener = tokio::net::TcpListener::bind(&addr).await?;
    println!("digits bot on ws://{addr}/");
    loop {
        let (tcp, peer) = listener.accept().await?;
        tokio::spawn(async move {
            if let Ok(ws) = tokio_tungstenite::accept_async(tcp).await {
                bot::serve(ws, |line| println!("{peer}: {line}")).await;
            }
        });
    }
}
