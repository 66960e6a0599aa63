//! Starting TLS: the listener with our certificate, the client side with
//! its trust anchors; a bad certificate, key or CA bundle stops the start
//! naming which.

use super::{ApiError, TlsConfig};
use crate::session::UaConfig;
use crate::transport::{self, Inbound, TlsClient, TlsServer};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// Binds the TLS listener (its address goes into `ua`) and returns how
/// we connect to TLS peers.
pub(super) async fn start(
    cfg: &TlsConfig,
    inbound: mpsc::Sender<Inbound>,
    idle: Duration,
    ua: &mut UaConfig,
) -> Result<Arc<TlsClient>, ApiError> {
    let bad = |e: String| ApiError::Config(format!("tls: {e}"));
    let server = TlsServer::from_pem(&cfg.cert_chain_pem, &cfg.key_pem).map_err(bad)?;
    let ca = (!cfg.ca_pem.is_empty()).then_some(cfg.ca_pem.as_slice());
    let client = TlsClient::new(ca).map_err(bad)?;
    let local = transport::listen_tls(cfg.listen, Arc::new(server), inbound, idle)
        .await
        .map_err(|source| ApiError::Bind {
            addr: cfg.listen,
            source,
        })?;
    ua.tls_local = Some(local);
    Ok(Arc::new(client))
}
