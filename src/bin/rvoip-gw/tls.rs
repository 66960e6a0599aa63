//! `[tls]`: a TLS listener with a certificate chain and key from PEM
//! files, and the CA bundle outbound connections verify servers with. A
//! file that cannot be read, or whose contents are not what they should
//! be, stops start-up naming its key; on SIGHUP the files are read again
//! (a renewed certificate) and a bad one leaves the old in force. The
//! key's contents are never printed.

use rvoip::api::TlsConfig;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsCfg {
    /// `host:port` to listen on; "" = TLS off.
    pub listen: String,
    /// PEM certificate chain, ours first.
    pub cert: String,
    /// PEM private key.
    pub key: String,
    /// PEM CA bundle to verify servers with; "" = the system's roots.
    pub ca: String,
    /// PEM CA bundle clients' certificates must chain to (mutual TLS); "" = none asked.
    pub client_ca: String,
    /// Trust requests over connections with such a certificate.
    pub trust_clients: bool,
    /// SRTP for calls in over TLS.
    pub srtp: crate::srtp::Srtp,
}

/// The library's TLS settings `cfg` gives (`None` when off).
pub fn load(cfg: &TlsCfg) -> Result<Option<TlsConfig>, String> {
    if cfg.listen.is_empty() {
        return Ok(None);
    }
    let listen = cfg
        .listen
        .parse()
        .map_err(|e| format!("tls.listen: {:?}: {e}", cfg.listen))?;
    let read = |key: &str, path: &str| -> Result<Vec<u8>, String> {
        if path.is_empty() {
            return Err(format!("tls.{key}: needed with tls.listen"));
        }
        std::fs::read(path).map_err(|e| format!("tls.{key}: {path}: {e}"))
    };
    let ca_pem = match cfg.ca.as_str() {
        "" => Vec::new(),
        path => read("ca", path)?,
    };
    let client_ca_pem = match cfg.client_ca.as_str() {
        "" => Vec::new(),
        path => read("client_ca", path)?,
    };
    Ok(Some(TlsConfig {
        listen,
        cert_chain_pem: read("cert", &cfg.cert)?,
        key_pem: read("key", &cfg.key)?,
        ca_pem,
        client_ca_pem,
        trust_clients: cfg.trust_clients,
    }))
}

/// SIGHUP: rereads the certificate, key and CA files; connections go on.
pub fn reload(cfg: &TlsCfg, gw: &rvoip::api::SipGateway) {
    match load(cfg).map_err(|e| e.to_string()).and_then(|t| match t {
        Some(t) => gw.reload_tls(&t).map_err(|e| e.to_string()),
        None => Ok(()),
    }) {
        Ok(()) if !cfg.listen.is_empty() => eprintln!("rvoip-gw: SIGHUP: TLS certificate, key and CA reread"),
        Ok(()) => {}
        Err(e) => eprintln!("rvoip-gw: SIGHUP: {e}; the previous TLS settings stay in force"),
    }
}
