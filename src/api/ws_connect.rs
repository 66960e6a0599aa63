//! The bridge's connection to its WebSocket server, with a small send
//! buffer: a server that stops reading makes our sends wait (and the
//! bridge's send deadline end its call) after a couple of seconds of
//! audio, not after the megabytes the kernel would otherwise queue over
//! loopback (4 MB there: minutes of L16).

use tokio::net::{TcpSocket, TcpStream};
use tokio_tungstenite::tungstenite::http::Uri;
use tokio_tungstenite::{Connector, MaybeTlsStream, WebSocketStream};

/// The socket's send buffer (the kernel doubles it): about 4 s of 8 kHz
/// L16, 1 s at 16 kHz.
const SEND_BUFFER: u32 = 32 * 1024;

/// A TCP connection to `addr` with our send buffer.
async fn open(addr: std::net::SocketAddr) -> std::io::Result<TcpStream> {
    let socket = if addr.is_ipv4() {
        TcpSocket::new_v4()
    } else {
        TcpSocket::new_v6()
    }?;
    socket.set_send_buffer_size(SEND_BUFFER)?;
    socket.connect(addr).await
}

/// A WebSocket connection to `url`, over TLS with `connector` for `wss://`.
pub(super) async fn connect(
    url: &str,
    connector: Option<Connector>,
) -> Result<WebSocketStream<MaybeTlsStream<TcpStream>>, String> {
    let uri: Uri = url.parse().map_err(|e| format!("{e}"))?;
    let host = uri.host().ok_or("no host")?;
    let host = host.trim_start_matches('[').trim_end_matches(']');
    let port = match (uri.port_u16(), uri.scheme_str()) {
        (Some(p), _) => p,
        (None, Some("wss")) => 443,
        (None, _) => 80,
    };
    let addrs = tokio::net::lookup_host((host, port))
        .await
        .map_err(|e| format!("{host}: {e}"))?;
    // Each address in turn, as a plain connect would (localhost may be
    // ::1 first and the server on 127.0.0.1 only).
    let mut last = format!("{host}: no address");
    let mut stream = None;
    for addr in addrs {
        match open(addr).await {
            Ok(s) => {
                stream = Some(s);
                break;
            }
            Err(e) => last = format!("{addr}: {e}"),
        }
    }
    let stream = stream.ok_or(last)?;
    let (ws, _) = tokio_tungstenite::client_async_tls_with_config(url, stream, None, connector)
        .await
        .map_err(|e| e.to_string())?;
    Ok(ws)
}
