//! Starting TLS: the listener with our certificate, the client side with
//! its trust anchors; a bad certificate, key or CA bundle stops the start
//! naming which. Both can be reloaded later without dropping a connection.

use super::{ApiError, TlsConfig};
use crate::session::UaConfig;
use crate::transport::{self, Inbound, TlsClient, TlsServer, TlsStats};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// The running TLS sides of an endpoint.
#[derive(Debug, Clone)]
pub(crate) struct Tls {
    pub server: Arc<TlsServer>,
    pub client: Arc<TlsClient>,
}

fn bad(e: String) -> ApiError {
    ApiError::Config(format!("tls: {e}"))
}

fn ca(cfg: &TlsConfig) -> Option<&[u8]> {
    (!cfg.ca_pem.is_empty()).then_some(cfg.ca_pem.as_slice())
}

fn client_ca(cfg: &TlsConfig) -> Option<&[u8]> {
    (!cfg.client_ca_pem.is_empty()).then_some(cfg.client_ca_pem.as_slice())
}

fn ours(cfg: &TlsConfig) -> (&[u8], &[u8]) {
    (&cfg.cert_chain_pem, &cfg.key_pem)
}

/// Binds the TLS listener (its address goes into `ua`).
pub(super) async fn start(
    cfg: &TlsConfig,
    inbound: mpsc::Sender<Inbound>,
    idle: Duration,
    ua: &mut UaConfig,
) -> Result<Tls, ApiError> {
    let stats = Arc::new(TlsStats::default());
    if cfg.trust_clients && cfg.client_ca_pem.is_empty() {
        return Err(bad("trust_clients needs a client CA (mutual TLS)".into()));
    }
    let server = TlsServer::from_pem(&cfg.cert_chain_pem, &cfg.key_pem, client_ca(cfg), stats.clone());
    let server = Arc::new(server.map_err(bad)?);
    let client = Arc::new(TlsClient::new(ca(cfg), ours(cfg), stats).map_err(bad)?);
    ua.access.trust_tls_clients = cfg.trust_clients;
    let local = transport::listen_tls(cfg.listen, server.clone(), inbound, idle)
        .await
        .map_err(|source| ApiError::Bind {
            addr: cfg.listen,
            source,
        })?;
    ua.tls_local = Some(local);
    Ok(Tls { server, client })
}

impl Tls {
    /// New certificate, key and CA bundle for the handshakes to come
    /// (`cfg.listen` is not rebound); on an error nothing changes.
    pub fn reload(&self, cfg: &TlsConfig) -> Result<(), ApiError> {
        // Check both before changing either.
        TlsServer::from_pem(&cfg.cert_chain_pem, &cfg.key_pem, client_ca(cfg), self.server.stats()).map_err(bad)?;
        TlsClient::new(ca(cfg), ours(cfg), self.server.stats()).map_err(bad)?;
        self.server
            .reload(&cfg.cert_chain_pem, &cfg.key_pem, client_ca(cfg))
            .map_err(bad)?;
        self.client.reload(ca(cfg), ours(cfg)).map_err(bad)
    }
}
