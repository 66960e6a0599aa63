//! One stream connection (TCP or TLS): Content-Length framing of what
//! arrives, the queue of what to send, the idle timeout.

use super::Inbound;
use crate::ids::Peer;
use crate::sip;
use bytes::{Buf, Bytes, BytesMut};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;

/// Reads framed messages from `stream` and writes what `outgoing` brings
/// until either side closes, a framing error, or `idle` without a read.
pub(super) async fn run_connection<S: AsyncRead + AsyncWrite>(
    stream: S,
    peer: Peer,
    mut outgoing: mpsc::Receiver<Bytes>,
    inbound: mpsc::Sender<Inbound>,
    idle: Duration,
) {
    let (mut rd, mut wr) = tokio::io::split(stream);
    let mut buf = BytesMut::with_capacity(8192);
    'conn: loop {
        tokio::select! {
            read = tokio::time::timeout(idle, rd.read_buf(&mut buf)) => {
                match read {
                    Ok(Ok(n)) if n > 0 => tracing::trace!(%peer, n, "stream read"),
                    _ => break 'conn,
                }
                loop {
                    let skip = sip::leading_crlf(&buf);
                    buf.advance(skip);
                    match sip::frame_stream(&buf) {
                        Ok(Some(len)) => {
                            let msg = buf.split_to(len).freeze();
                            if inbound.send(Inbound::Message(msg, peer)).await.is_err() {
                                break 'conn;
                            }
                        }
                        Ok(None) => break,
                        Err(e) => {
                            tracing::debug!(%peer, %e, "closing connection: framing error");
                            break 'conn;
                        }
                    }
                }
            }
            out = outgoing.recv() => match out {
                Some(bytes) => if wr.write_all(&bytes).await.is_err() { break 'conn },
                None => break 'conn,
            },
        }
    }
    let _ = inbound.send(Inbound::Closed(peer)).await;
}
