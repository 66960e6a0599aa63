//! Who may call a server: digest authentication settings.

pub use crate::auth::Credentials;
use std::time::Duration;

/// The HA1 hashes (MD5, SHA-256) a credentials file keeps for `user` in
/// `realm` with `password`: `H(user:realm:password)`, lower-case hex.
pub fn ha1(user: &str, realm: &str, password: &str) -> (String, String) {
    use crate::auth::Algorithm;
    (
        Algorithm::Md5.ha1(user, realm, password),
        Algorithm::Sha256.ha1(user, realm, password),
    )
}

/// Digest authentication of new INVITEs (RFC 3261 §22, RFC 8760): calls
/// without valid credentials are challenged with SHA-256 and MD5.
#[derive(Debug, Clone)]
pub struct Auth {
    /// The realm challenged with.
    pub realm: String,
    /// Challenge with 407 and Proxy-Authenticate instead of 401 and
    /// WWW-Authenticate.
    pub proxy: bool,
    /// How long a nonce stays fresh (an older one draws `stale=true`).
    pub nonce_lifetime: Duration,
    /// The digest algorithms offered, in order: `SHA-256` and `MD5` by
    /// default (RFC 8760: the strongest first). A client that reads only
    /// the first challenge and knows only MD5 (SIPp 3.6) needs `MD5` first.
    pub algorithms: Vec<String>,
    /// Who may authenticate (HA1 hashes, never passwords).
    pub credentials: Credentials,
}

impl Auth {
    /// `credentials` checked in `realm`: 401 challenges, nonces fresh for
    /// five minutes.
    pub fn new(realm: &str, credentials: Credentials) -> Self {
        Auth {
            realm: realm.to_owned(),
            proxy: false,
            nonce_lifetime: Duration::from_secs(300),
            algorithms: vec!["SHA-256".into(), "MD5".into()],
            credentials,
        }
    }

    /// What is wrong with these settings, if anything.
    pub fn check(&self) -> Result<(), String> {
        self.checked_algorithms().map(drop)
    }

    /// The algorithms named, checked: none unknown, at least one.
    pub(crate) fn checked_algorithms(&self) -> Result<Vec<crate::auth::Algorithm>, String> {
        let mut algs = Vec::new();
        for name in &self.algorithms {
            let alg = crate::auth::Algorithm::from_name(Some(name))
                .ok_or_else(|| format!("unknown digest algorithm {name:?} (SHA-256, MD5)"))?;
            if !algs.contains(&alg) {
                algs.push(alg);
            }
        }
        if algs.is_empty() {
            return Err("no digest algorithm to offer".into());
        }
        Ok(algs)
    }

    /// The core's settings, with a fresh random secret for the nonces.
    pub(crate) fn into_config(self) -> crate::auth::AuthConfig {
        use rand::RngCore;
        let mut secret = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut secret);
        // Checked at start-up (`launch`): an error never gets this far.
        let algorithms = self.checked_algorithms().unwrap_or_default();
        crate::auth::AuthConfig {
            realm: self.realm,
            proxy: self.proxy,
            nonce_lifetime: self.nonce_lifetime,
            algorithms,
            credentials: std::sync::Arc::new(self.credentials),
            secret,
        }
    }
}
