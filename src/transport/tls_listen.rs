//! The TLS listener: each connection's handshake in its own task, bounded
//! in time ([`HANDSHAKE`]) and in number per source (a slowloris holds at
//! most [`PER_SOURCE`] tasks and descriptors, the rest closed at once).

use super::Inbound;
use super::stream::run_connection;
use super::tls::{HANDSHAKE, TlsServer};
use super::tls_stats::{Failure, classify};
use crate::ids::{Peer, TransportKind};
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::mpsc;

/// Handshakes one source may have in progress at once.
pub const PER_SOURCE: u32 = 16;

/// Binds the TLS listener and spawns its accept loop.
pub async fn listen_tls(
    addr: SocketAddr,
    server: Arc<TlsServer>,
    inbound: mpsc::Sender<Inbound>,
    idle: Duration,
) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let pending: Arc<Mutex<HashMap<IpAddr, u32>>> = Arc::default();
    tokio::spawn(async move {
        while let Ok((stream, addr)) = listener.accept().await {
            let ip = addr.ip();
            let admitted = {
                let mut p = pending.lock().unwrap_or_else(|e| e.into_inner());
                let n = p.entry(ip).or_default();
                *n < PER_SOURCE && {
                    *n += 1;
                    true
                }
            };
            if !admitted {
                server.stats.failed(false, Failure::Busy);
                continue; // dropping the stream closes it
            }
            let _ = stream.set_nodelay(true);
            let (server, inbound, pending) = (server.clone(), inbound.clone(), pending.clone());
            tokio::spawn(async move {
                let acceptor = server.acceptor.read().unwrap_or_else(|e| e.into_inner()).clone();
                let result = tokio::time::timeout(HANDSHAKE, acceptor.accept(stream)).await;
                {
                    let mut p = pending.lock().unwrap_or_else(|e| e.into_inner());
                    if let Some(n) = p.get_mut(&ip) {
                        *n -= 1;
                        if *n == 0 {
                            p.remove(&ip);
                        }
                    }
                }
                let stream = match result {
                    Ok(Ok(s)) => s,
                    Ok(Err(e)) => {
                        tracing::debug!(%addr, error = %e, "TLS handshake refused");
                        return server.stats.failed(false, classify(&e));
                    }
                    Err(_) => {
                        tracing::debug!(%addr, "TLS handshake timed out");
                        return server.stats.failed(false, Failure::Timeout);
                    }
                };
                server.stats.ok(false);
                let peer = Peer {
                    transport: TransportKind::Tls,
                    addr,
                };
                let (tx, rx) = mpsc::channel(1024);
                if inbound.send(Inbound::Connected(peer, tx)).await.is_ok() {
                    run_connection(stream, peer, rx, inbound, idle, false).await;
                }
            });
        }
    });
    Ok(local)
}
