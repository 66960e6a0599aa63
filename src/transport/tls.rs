//! TLS for SIP (RFC 3261 §26) with rustls on the `ring` provider (no
//! OpenSSL, nothing to install): the listener's certificate chain and key
//! from PEM, the client's trust anchors from a CA bundle or the system's
//! roots, the server's certificate checked against the target (the host
//! name of the URI DNS located it for, as a DNS name, RFC 5922 §4; for an
//! IP-literal URI its address, §7.2),
//! every handshake bounded in time, outcomes counted, and both sides'
//! settings replaceable while connections go on (a reload).

use super::tls_stats::{Failure, TlsStats, classify};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::net::TcpStream;
use tokio_rustls::{TlsAcceptor, TlsConnector, client::TlsStream};

/// The longest a TLS handshake may take, either way.
pub const HANDSHAKE: Duration = Duration::from_secs(5);

pub(super) fn provider() -> Arc<rustls::crypto::CryptoProvider> {
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

pub(super) fn roots(pem: &[u8], what: &str) -> Result<rustls::RootCertStore, String> {
    let mut roots = rustls::RootCertStore::empty();
    roots.add_parsable_certificates(certs(pem, what)?);
    Ok(roots)
}

/// Our certificate chain and key, from PEM.
fn identity(chain: &[u8], key: &[u8]) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), String> {
    let chain = certs(chain, "certificate chain")?;
    let key = PrivateKeyDer::from_pem_slice(key).map_err(|e| format!("private key: {e}"))?;
    Ok((chain, key))
}

/// With `client_ca`, clients must present a certificate it signed.
fn acceptor(chain: &[u8], key: &[u8], client_ca: Option<&[u8]>) -> Result<TlsAcceptor, String> {
    let (chain, key) = identity(chain, key)?;
    let builder = rustls::ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let builder = match client_ca {
        None => builder.with_no_client_auth(),
        Some(pem) => {
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots(pem, "client CA bundle")?),
                provider(),
            )
            .build()
            .map_err(|e| format!("client CA bundle: {e}"))?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    let cfg = builder
        .with_single_cert(chain, key)
        .map_err(|e| format!("certificate and key: {e}"))?;
    Ok(TlsAcceptor::from(Arc::new(cfg)))
}

/// Trusting `ca_pem` (or the system's roots), presenting `ours` when a
/// server asks for a client certificate.
fn connector(ca_pem: Option<&[u8]>, ours: (&[u8], &[u8])) -> Result<TlsConnector, String> {
    let mut roots = rustls::RootCertStore::empty();
    let anchors = match ca_pem {
        Some(pem) => certs(pem, "CA bundle")?,
        None => rustls_native_certs::load_native_certs().certs,
    };
    let (added, _) = roots.add_parsable_certificates(anchors);
    if added == 0 {
        return Err("no usable CA certificate to verify servers with".into());
    }
    let (chain, key) = identity(ours.0, ours.1)?;
    let cfg = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_client_auth_cert(chain, key)
        .map_err(|e| format!("certificate and key: {e}"))?;
    Ok(TlsConnector::from(Arc::new(cfg)))
}

/// Our side of TLS connections others open.
pub struct TlsServer {
    pub(super) acceptor: RwLock<TlsAcceptor>,
    pub(super) stats: Arc<TlsStats>,
}

/// How we open TLS connections: whom we trust.
pub struct TlsClient {
    connector: RwLock<TlsConnector>,
    stats: Arc<TlsStats>,
}

impl std::fmt::Debug for TlsServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TlsServer") // never the key
    }
}

impl std::fmt::Debug for TlsClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TlsClient")
    }
}

impl TlsServer {
    /// From a PEM certificate chain (ours first) and its PEM private key;
    /// with `client_ca`, clients must present a certificate it signed.
    pub fn from_pem(chain: &[u8], key: &[u8], client_ca: Option<&[u8]>, stats: Arc<TlsStats>) -> Result<Self, String> {
        Ok(TlsServer {
            acceptor: RwLock::new(acceptor(chain, key, client_ca)?),
            stats,
        })
    }

    /// Takes a new chain, key and client CA for the handshakes to come;
    /// on an error the old ones stay.
    pub fn reload(&self, chain: &[u8], key: &[u8], client_ca: Option<&[u8]>) -> Result<(), String> {
        let new = acceptor(chain, key, client_ca)?;
        *self.acceptor.write().unwrap_or_else(|e| e.into_inner()) = new;
        Ok(())
    }

    /// The handshake counters (both sides share them).
    pub fn stats(&self) -> Arc<TlsStats> {
        self.stats.clone()
    }
}

impl TlsClient {
    /// Trusting the CA certificates in `ca_pem`, or the system's roots;
    /// `ours` (chain, key) answers a server that asks for a certificate.
    pub fn new(ca_pem: Option<&[u8]>, ours: (&[u8], &[u8]), stats: Arc<TlsStats>) -> Result<Self, String> {
        Ok(TlsClient {
            connector: RwLock::new(connector(ca_pem, ours)?),
            stats,
        })
    }

    /// Trusts anew (and presents `ours`) for the connections to come; on
    /// an error the old settings stay.
    pub fn reload(&self, ca_pem: Option<&[u8]>, ours: (&[u8], &[u8])) -> Result<(), String> {
        let new = connector(ca_pem, ours)?;
        *self.connector.write().unwrap_or_else(|e| e.into_inner()) = new;
        Ok(())
    }

    /// The handshake over `stream` to `addr`, its certificate checked for
    /// `name` (a DNS name, also sent as SNI) or else for the address;
    /// `None` (logged with the reason, counted) when it fails.
    pub async fn connect(
        &self,
        stream: TcpStream,
        addr: SocketAddr,
        name: Option<&str>,
    ) -> Option<TlsStream<TcpStream>> {
        let name = match name.map(|n| ServerName::try_from(n.to_owned())) {
            None => ServerName::from(addr.ip()),
            Some(Ok(name)) => name,
            Some(Err(e)) => {
                tracing::warn!(%addr, error = %e, "TLS server name not valid; nothing sent");
                self.stats.failed(true, Failure::Certificate);
                return None;
            }
        };
        let connector = self.connector.read().unwrap_or_else(|e| e.into_inner()).clone();
        let server = name.to_str().into_owned();
        let why = match tokio::time::timeout(HANDSHAKE, connector.connect(name, stream)).await {
            Ok(Ok(s)) => {
                self.stats.ok(true);
                return Some(s);
            }
            Ok(Err(e)) => {
                tracing::warn!(%addr, server, error = %e, "TLS handshake failed; nothing sent in plaintext");
                classify(&e)
            }
            Err(_) => {
                tracing::warn!(%addr, "TLS handshake timed out; nothing sent in plaintext");
                Failure::Timeout
            }
        };
        self.stats.failed(true, why);
        None
    }
}
