//! What digest authentication is told: realm, manner (401 or 407),
//! nonce lifetime, algorithms, credentials and the nonce secret.

use super::{Algorithm, Credentials};
use std::sync::Arc;
use std::time::Duration;

/// How to authenticate.
#[derive(Clone)]
pub struct AuthConfig {
    /// The realm we challenge with.
    pub realm: String,
    /// Challenge with 407 and Proxy-Authenticate (an edge proxy's manner)
    /// instead of 401 and WWW-Authenticate.
    pub proxy: bool,
    /// How long a nonce stays fresh.
    pub nonce_lifetime: Duration,
    /// The algorithms offered, in the order offered (not empty). Some
    /// clients (SIPp 3.6) read only the first challenge.
    pub algorithms: Vec<Algorithm>,
    /// Who may authenticate.
    pub credentials: Arc<Credentials>,
    /// The key nonces are signed with: random per process.
    pub secret: [u8; 32],
}

impl std::fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Neither the secret nor a hash reaches a log.
        write!(
            f,
            "AuthConfig {{ realm: {:?}, proxy: {}, nonce_lifetime: {:?}, algorithms: {:?}, credentials: {:?} }}",
            self.realm, self.proxy, self.nonce_lifetime, self.algorithms, self.credentials
        )
    }
}
