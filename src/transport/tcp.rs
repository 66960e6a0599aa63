//! Stream connections: one table keyed by remote address and transport
//! (TCP or TLS), the TCP listener, outbound connects (with the TLS
//! handshake for TLS peers), idle timeout and a cap on connections.

use super::Inbound;
use super::stream::run_connection;
use super::tls::TlsClient;
use crate::ids::{Peer, TransportKind};
use bytes::Bytes;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
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
        while let Ok((stream, addr)) = listener.accept().await {
            let _ = stream.set_nodelay(true);
            let peer = Peer {
                transport: TransportKind::Tcp,
                addr,
            };
            let (tx, rx) = mpsc::channel(QUEUE);
            if inbound.send(Inbound::Connected(peer, tx)).await.is_err() {
                break;
            }
            tokio::spawn(run_connection(stream, peer, rx, inbound.clone(), idle, false));
        }
    });
    Ok(local)
}

/// The driver's view of every stream connection, TCP and TLS.
#[derive(Debug)]
pub struct TcpTable {
    conns: HashMap<Peer, mpsc::Sender<Bytes>>,
    inbound: mpsc::Sender<Inbound>,
    idle: Duration,
    max: usize,
    /// How we connect to TLS peers (`None`: TLS is off; such sends are refused).
    tls: Option<Arc<TlsClient>>,
    /// Sends refused (full queue, connection cap).
    pub refused: u64,
}

impl TcpTable {
    /// An empty table; connection tasks report to `inbound`.
    pub fn new(inbound: mpsc::Sender<Inbound>, idle: Duration, max: usize, tls: Option<Arc<TlsClient>>) -> Self {
        TcpTable {
            conns: HashMap::new(),
            inbound,
            idle,
            max,
            tls,
            refused: 0,
        }
    }

    /// Records an accepted connection.
    pub fn insert(&mut self, peer: Peer, tx: mpsc::Sender<Bytes>) {
        if self.conns.len() >= self.max {
            self.refused += 1;
            return; // dropping tx closes the connection
        }
        self.conns.insert(peer, tx);
    }

    /// Records a connection another signalling shard accepted (and
    /// counted, if it refused it: every shard's table is as full).
    pub fn adopt(&mut self, peer: Peer, tx: mpsc::Sender<Bytes>) {
        if self.conns.len() < self.max {
            self.conns.insert(peer, tx);
        }
    }

    /// Forgets a closed connection.
    pub fn remove(&mut self, peer: Peer) {
        self.conns.remove(&peer);
    }

    /// Sends on the connection to `peer`, connecting first if there is none
    /// (a TLS peer with TLS off is refused: never sent in plaintext).
    pub fn send(&mut self, peer: Peer, bytes: Bytes) {
        if let Some(tx) = self.conns.get(&peer) {
            if tx.try_send(bytes).is_err() {
                self.refused += 1;
            }
            return;
        }
        let tls = match peer.transport {
            TransportKind::Tls => match &self.tls {
                Some(t) => Some(t.clone()),
                None => {
                    self.refused += 1;
                    return;
                }
            },
            _ => None,
        };
        if self.conns.len() >= self.max {
            self.refused += 1;
            return;
        }
        let (tx, rx) = mpsc::channel(QUEUE);
        let _ = tx.try_send(bytes);
        self.conns.insert(peer, tx);
        let (inbound, idle) = (self.inbound.clone(), self.idle);
        tokio::spawn(async move {
            match TcpStream::connect(peer.addr).await {
                Ok(stream) => {
                    let _ = stream.set_nodelay(true);
                    match tls {
                        None => run_connection(stream, peer, rx, inbound, idle, true).await,
                        Some(tls) => match tls.connect(stream, peer.addr).await {
                            Some(stream) => run_connection(stream, peer, rx, inbound, idle, true).await,
                            None => _ = inbound.send(Inbound::Unreachable(peer)).await,
                        },
                    }
                }
                Err(_) => {
                    let _ = inbound.send(Inbound::Unreachable(peer)).await;
                }
            }
        });
    }
}
