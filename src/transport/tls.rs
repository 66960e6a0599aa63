//! TLS for SIP (RFC 3261 §26) with rustls on the `ring` provider (no
//! OpenSSL, nothing to install): the listener's certificate chain and key
//! from PEM, the client's trust anchors from a CA bundle or the system's
//! roots, the server's certificate checked against the target (an IP
//! literal here: its address must be in the certificate, RFC 5922 §7.2),
//! and every handshake bounded in time so a stalled peer holds neither a
//! task nor a descriptor for long.

use super::Inbound;
use super::stream::run_connection;
use crate::ids::{Peer, TransportKind};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_rustls::{TlsAcceptor, TlsConnector, client::TlsStream};

/// The longest a TLS handshake may take, either way.
pub const HANDSHAKE: Duration = Duration::from_secs(5);

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn certs(pem: &[u8], what: &str) -> Result<Vec<CertificateDer<'static>>, String> {
    let certs: Vec<_> = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{what}: {e}"))?;
    if certs.is_empty() {
        return Err(format!("{what}: no certificate in it"));
    }
    Ok(certs)
}

/// Our side of TLS connections others open.
pub struct TlsServer {
    acceptor: TlsAcceptor,
}

impl std::fmt::Debug for TlsServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TlsServer") // never the key
    }
}

impl TlsServer {
    /// From a PEM certificate chain (ours first) and its PEM private key.
    pub fn from_pem(chain: &[u8], key: &[u8]) -> Result<Self, String> {
        let chain = certs(chain, "certificate chain")?;
        let key = PrivateKeyDer::from_pem_slice(key).map_err(|e| format!("private key: {e}"))?;
        let cfg = rustls::ServerConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_no_client_auth()
            .with_single_cert(chain, key)
            .map_err(|e| format!("certificate and key: {e}"))?;
        Ok(TlsServer {
            acceptor: TlsAcceptor::from(Arc::new(cfg)),
        })
    }
}

/// How we open TLS connections: whom we trust.
pub struct TlsClient {
    connector: TlsConnector,
}

impl std::fmt::Debug for TlsClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TlsClient")
    }
}

impl TlsClient {
    /// Trusting the CA certificates in `ca_pem`, or the system's roots.
    pub fn new(ca_pem: Option<&[u8]>) -> Result<Self, String> {
        let mut roots = rustls::RootCertStore::empty();
        let anchors = match ca_pem {
            Some(pem) => certs(pem, "CA bundle")?,
            None => rustls_native_certs::load_native_certs().certs,
        };
        let (added, _) = roots.add_parsable_certificates(anchors);
        if added == 0 {
            return Err("no usable CA certificate to verify servers with".into());
        }
        let cfg = rustls::ClientConfig::builder_with_provider(provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(TlsClient {
            connector: TlsConnector::from(Arc::new(cfg)),
        })
    }

    /// The handshake over `stream` to `addr`, its certificate checked for
    /// that address; `None` (logged with the reason) when it fails.
    pub async fn connect(&self, stream: TcpStream, addr: SocketAddr) -> Option<TlsStream<TcpStream>> {
        let name = ServerName::from(addr.ip());
        match tokio::time::timeout(HANDSHAKE, self.connector.connect(name, stream)).await {
            Ok(Ok(s)) => Some(s),
            Ok(Err(e)) => {
                tracing::warn!(%addr, error = %e, "TLS handshake failed; nothing sent in plaintext");
                None
            }
            Err(_) => {
                tracing::warn!(%addr, "TLS handshake timed out; nothing sent in plaintext");
                None
            }
        }
    }
}

/// Binds the TLS listener and spawns its accept loop: each connection's
/// handshake in its own task, bounded by [`HANDSHAKE`].
pub async fn listen_tls(
    addr: SocketAddr,
    server: Arc<TlsServer>,
    inbound: mpsc::Sender<Inbound>,
    idle: Duration,
) -> std::io::Result<SocketAddr> {
    let listener = TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    tokio::spawn(async move {
        while let Ok((stream, addr)) = listener.accept().await {
            let _ = stream.set_nodelay(true);
            let (server, inbound) = (server.clone(), inbound.clone());
            tokio::spawn(async move {
                let stream = match tokio::time::timeout(HANDSHAKE, server.acceptor.accept(stream)).await {
                    Ok(Ok(s)) => s,
                    Ok(Err(e)) => return tracing::debug!(%addr, error = %e, "TLS handshake refused"),
                    Err(_) => return tracing::debug!(%addr, "TLS handshake timed out"),
                };
                let peer = Peer {
                    transport: TransportKind::Tls,
                    addr,
                };
                let (tx, rx) = mpsc::channel(1024);
                if inbound.send(Inbound::Connected(peer, tx)).await.is_ok() {
                    run_connection(stream, peer, rx, inbound, idle).await;
                }
            });
        }
    });
    Ok(local)
}
