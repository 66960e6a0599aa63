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
/// A connection we `opened` that fails with an error before the peer sent
/// one message (a TLS 1.3 server refusing our certificate after the
/// handshake, a reset) makes the peer unreachable, as a failed connect does.
pub(super) async fn run_connection<S: AsyncRead + AsyncWrite>(
    stream: S,
    peer: Peer,
    mut outgoing: mpsc::Receiver<Bytes>,
    inbound: mpsc::Sender<Inbound>,
    idle: Duration,
    opened: bool,
) {
    let (mut rd, mut wr) = tokio::io::split(stream);
    let mut buf = BytesMut::with_capacity(8192);
    let (mut heard, mut unreachable) = (false, false);
    'conn: loop {
        tokio::select! {
            read = tokio::time::timeout(idle, rd.read_buf(&mut buf)) => {
                match read {
                    Ok(Ok(n)) if n > 0 => tracing::trace!(%peer, n, "stream read"),
                    Ok(Err(e)) if opened && !heard => {
                        tracing::warn!(%peer, error = %e, "connection refused by the peer before any answer");
                        unreachable = true;
                        break 'conn;
                    }
                    _ => break 'conn,
                }
                loop {
                    let skip = sip::leading_crlf(&buf);
                    buf.advance(skip);
                    match sip::frame_stream(&buf) {
                        Ok(Some(len)) => {
                            let msg = buf.split_to(len).freeze();
                            heard = true;
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
    // Let go of the queue first: the table forgets only a closed one, so
    // this news never removes a connection that has replaced this one.
    drop(outgoing);
    if unreachable {
        let _ = inbound.send(Inbound::Unreachable(peer)).await;
    }
    let _ = inbound.send(Inbound::Closed(peer)).await;
}
