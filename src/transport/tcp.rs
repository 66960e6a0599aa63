//! TCP: one connection table keyed by remote address, Content-Length
//! framing, idle timeout, and a cap on connections.

use super::Inbound;
use crate::ids::{Peer, TransportKind};
use crate::sip;
use bytes::{Buf, Bytes, BytesMut};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// Messages queued per connection before sends fail (and are counted).
const QUEUE: usize = 1024;

/// Binds the TCP listener and spawns its accept loop.
pub async fn listen_tcp(
    addr: SocketAddr,
    inbound: mpsc::Sender<Inbound>,
    idle: Duration,
) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((stream, peer)) = listener.accept().await {
            let _ = stream.set_nodelay(true);
            let (tx, rx) = mpsc::channel(QUEUE);
            if inbound.send(Inbound::Connected(peer, tx)).await.is_err() {
                break;
            }
            tokio::spawn(run_connection(stream, peer, rx, inbound.clone(), idle));
        }
    });
    Ok(local)
}

/// The driver's view of every TCP connection.
#[derive(Debug)]
pub struct TcpTable {
    conns: HashMap<SocketAddr, mpsc::Sender<Bytes>>,
    inbound: mpsc::Sender<Inbound>,
    idle: Duration,
    max: usize,
    /// Sends refused (full queue, connection cap).
    pub refused: u64,
}

impl TcpTable {
    /// An empty table; connection tasks report to `inbound`.
    pub fn new(inbound: mpsc::Sender<Inbound>, idle: Duration, max: usize) -> Self {
        TcpTable {
            conns: HashMap::new(),
            inbound,
            idle,
            max,
            refused: 0,
        }
    }

    /// Records an accepted connection.
    pub fn insert(&mut self, peer: SocketAddr, tx: mpsc::Sender<Bytes>) {
        if self.conns.len() >= self.max {
            self.refused += 1;
            return; // dropping tx closes the connection
        }
        self.conns.insert(peer, tx);
    }

    /// Records a connection another signalling shard accepted (and
    /// counted, if it refused it: every shard's table is as full).
    pub fn adopt(&mut self, peer: SocketAddr, tx: mpsc::Sender<Bytes>) {
        if self.conns.len() < self.max {
            self.conns.insert(peer, tx);
        }
    }

    /// Forgets a closed connection.
    pub fn remove(&mut self, peer: SocketAddr) {
        self.conns.remove(&peer);
    }

    /// Sends on the connection to `peer`, connecting first if there is none.
    pub fn send(&mut self, peer: SocketAddr, bytes: Bytes) {
        if let Some(tx) = self.conns.get(&peer) {
            if tx.try_send(bytes).is_err() {
                self.refused += 1;
            }
            return;
        }
        if self.conns.len() >= self.max {
            self.refused += 1;
            return;
        }
        let (tx, rx) = mpsc::channel(QUEUE);
        let _ = tx.try_send(bytes);
        self.conns.insert(peer, tx);
        let (inbound, idle) = (self.inbound.clone(), self.idle);
        tokio::spawn(async move {
            match TcpStream::connect(peer).await {
                Ok(stream) => {
                    let _ = stream.set_nodelay(true);
                    run_connection(stream, peer, rx, inbound, idle).await
                }
                Err(_) => {
                    let _ = inbound.send(Inbound::Closed(peer)).await;
                }
            }
        });
    }
}

async fn run_connection(
    stream: TcpStream,
    peer: SocketAddr,
    mut outgoing: mpsc::Receiver<Bytes>,
    inbound: mpsc::Sender<Inbound>,
    idle: Duration,
) {
    let (mut rd, mut wr) = stream.into_split();
    let mut buf = BytesMut::with_capacity(8192);
    'conn: loop {
        tokio::select! {
            read = tokio::time::timeout(idle, rd.read_buf(&mut buf)) => {
                match read {
                    Ok(Ok(n)) if n > 0 => tracing::trace!(%peer, n, "tcp read"),
                    _ => break 'conn,
                }
                loop {
                    let skip = sip::leading_crlf(&buf);
                    buf.advance(skip);
                    match sip::frame_stream(&buf) {
                        Ok(Some(len)) => {
                            let msg = buf.split_to(len).freeze();
                            let from = Peer { transport: TransportKind::Tcp, addr: peer };
                            if inbound.send(Inbound::Message(msg, from)).await.is_err() {
                                break 'conn;
                            }
                        }
                        Ok(None) => break,
                        Err(e) => {
                            tracing::debug!(%peer, %e, "closing TCP connection: framing error");
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
