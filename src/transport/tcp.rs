//! Stream connections: one table keyed by remote address and transport
//! (TCP or TLS), the TCP listener, outbound connects (with the TLS
//! handshake for TLS peers, checked for the name the send expects), idle
//! timeout and a cap on connections.

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

/// One connection in the table: its queue and, for one we opened to a
/// TLS peer, the DNS name its certificate was checked for (`None`: its
/// address, or a connection the peer opened).
#[derive(Debug)]
struct Conn {
    tx: mpsc::Sender<Bytes>,
    name: Option<Arc<str>>,
}

/// The driver's view of every stream connection, TCP and TLS.
///
/// One connection per address and transport, reused only for sends that
/// expect the name it was checked for: a send to a TLS address that now
/// expects another name (a connection checked for the address, or one
/// the peer opened, and DNS has since bound the address to a name)
/// opens a new connection checked for that name; the old one stays up
/// for what it still brings (responses) until it closes.
#[derive(Debug)]
pub struct TcpTable {
    conns: HashMap<Peer, Conn>,
    /// Connections superseded by one checked for another name.
    retired: Vec<mpsc::Sender<Bytes>>,
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
            retired: Vec::new(),
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
        self.conns.insert(peer, Conn { tx, name: None });
    }

    /// Records a connection another signalling shard accepted (and
    /// counted, if it refused it: every shard's table is as full).
    pub fn adopt(&mut self, peer: Peer, tx: mpsc::Sender<Bytes>) {
        if self.conns.len() < self.max {
            self.conns.insert(peer, Conn { tx, name: None });
        }
    }

    /// Forgets a closed connection to `peer` (not one that replaced it:
    /// a connection's task lets go of its queue before it reports).
    pub fn remove(&mut self, peer: Peer) {
        if self.conns.get(&peer).is_some_and(|c| c.tx.is_closed()) {
            self.conns.remove(&peer);
        }
        self.retired.retain(|tx| !tx.is_closed());
    }

    /// Sends on the connection to `peer` checked for `name` (a TLS
    /// peer's DNS name; `None`: its address), connecting first if there
    /// is none (a TLS peer with TLS off is refused: never sent in plaintext).
    pub fn send(&mut self, peer: Peer, name: Option<Arc<str>>, bytes: Bytes) {
        let replacing = match self.conns.get(&peer) {
            Some(c) if c.name == name => {
                if c.tx.try_send(bytes).is_err() {
                    self.refused += 1;
                }
                return;
            }
            Some(_) => {
                tracing::debug!(%peer, ?name, "connection checked for another name: a new one");
                true
            }
            None => false,
        };
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
        if (!replacing && self.conns.len() >= self.max) || self.retired.len() >= self.max {
            self.refused += 1;
            return;
        }
        let (tx, rx) = mpsc::channel(QUEUE);
        let _ = tx.try_send(bytes);
        let conn = Conn { tx, name: name.clone() };
        if let Some(old) = self.conns.insert(peer, conn) {
            self.retired.push(old.tx);
        }
        let (inbound, idle) = (self.inbound.clone(), self.idle);
        tokio::spawn(async move {
            let Ok(stream) = TcpStream::connect(peer.addr).await else {
                drop(rx); // before reporting: see `remove`
                let _ = inbound.send(Inbound::Unreachable(peer)).await;
                return;
            };
            let _ = stream.set_nodelay(true);
            match tls {
                None => run_connection(stream, peer, rx, inbound, idle, true).await,
                Some(tls) => match tls.connect(stream, peer.addr, name.as_deref()).await {
                    Some(stream) => run_connection(stream, peer, rx, inbound, idle, true).await,
                    None => {
                        drop(rx);
                        _ = inbound.send(Inbound::Unreachable(peer)).await
                    }
                },
            }
        });
    }
}
