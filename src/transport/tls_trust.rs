//! TLS for connections that are not SIP (a WebSocket audio server): whom
//! to trust, on the same `ring` provider as the SIP transport.

use super::tls::{provider, roots};
use std::sync::Arc;

/// A client configuration trusting `ca_pem`'s CAs, or the system's roots,
/// presenting no certificate (for connections that are not SIP: a
/// WebSocket audio server).
pub fn client_config(ca_pem: Option<&[u8]>) -> Result<Arc<rustls::ClientConfig>, String> {
    let roots = match ca_pem {
        Some(pem) => roots(pem, "CA bundle")?,
        None => {
            let mut r = rustls::RootCertStore::empty();
            r.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
            r
        }
    };
    let cfg = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .with_root_certificates(roots)
        .with_no_client_auth();
    Ok(Arc::new(cfg))
}
