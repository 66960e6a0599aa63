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

/// Binds the TLS listener (its address goes into `ua`).
pub(super) async fn start(
    cfg: &TlsConfig,
    inbound: mpsc::Sender<Inbound>,
    idle: Duration,
    ua: &mut UaConfig,
) -> Result<Tls, ApiError> {
    let stats = Arc::new(TlsStats::default());
    let server = Arc::new(TlsServer::from_pem(&cfg.cert_chain_pem, &cfg.key_pem, stats.clone()).map_err(bad)?);
    let client = Arc::new(TlsClient::new(ca(cfg), stats).map_err(bad)?);
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
        TlsServer::from_pem(&cfg.cert_chain_pem, &cfg.key_pem, self.server.stats()).map_err(bad)?;
        TlsClient::new(ca(cfg), self.server.stats()).map_err(bad)?;
        self.server.reload(&cfg.cert_chain_pem, &cfg.key_pem).map_err(bad)?;
        self.client.reload(ca(cfg)).map_err(bad)
    }
}
