//! TLS for the session API: where to listen, our certificate and key, and
//! whom to trust when we connect (RFC 3261 §26; rustls, no OpenSSL).

use std::net::SocketAddr;

/// TLS: a listener, and outbound connections for `sips:` and
/// `;transport=tls` targets (never sent in plaintext when they fail).
#[derive(Clone)]
pub struct TlsConfig {
    /// Where the TLS listener binds (port 0: any free one).
    pub listen: SocketAddr,
    /// Our certificate chain, PEM, ours first.
    pub cert_chain_pem: Vec<u8>,
    /// Its private key, PEM (PKCS#8, PKCS#1 or SEC1). Never logged.
    pub key_pem: Vec<u8>,
    /// CA certificates, PEM, to verify the servers we connect to against;
    /// empty: the system's roots.
    pub ca_pem: Vec<u8>,
    /// CA certificates, PEM, for mutual TLS: a client must present a
    /// certificate they signed (empty: none is asked for). We present our
    /// own certificate when we connect, either way.
    pub client_ca_pem: Vec<u8>,
    /// With `client_ca_pem`: requests over such connections are trusted
    /// (no authentication, no abuse limits), a trunk known by its
    /// certificate.
    pub trust_clients: bool,
}

impl std::fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TlsConfig")
            .field("listen", &self.listen)
            .field(
                "ca",
                &if self.ca_pem.is_empty() {
                    "system roots"
                } else {
                    "given"
                },
            )
            .field("mutual", &!self.client_ca_pem.is_empty())
            .field("trust_clients", &self.trust_clients)
            .finish_non_exhaustive()
    }
}
