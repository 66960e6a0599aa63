//! `[auth]`: the credentials file read at start-up (a missing or bad file
//! stops start-up naming `auth.credentials`) and again on SIGHUP, and the
//! `ha1` helper that writes a file's entry without storing the password.

use rvoip::api::{Auth, ClientCredentials, Credentials, StatusCode};
use serde::Deserialize;
use std::time::Duration;

/// The authentication `cfg` asks for (`None`: none).
pub fn load(cfg: &AuthCfg) -> Result<Option<Auth>, String> {
    if cfg.credentials.is_empty() {
        return Ok(None);
    }
    if cfg.realm.is_empty() {
        return Err("auth.realm: must not be empty".into());
    }
    if cfg.nonce_secs == 0 {
        return Err("auth.nonce_secs: must be at least 1".into());
    }
    let mut auth = Auth::new(&cfg.realm, read(&cfg.credentials)?);
    auth.proxy = cfg.proxy;
    auth.nonce_lifetime = Duration::from_secs(cfg.nonce_secs);
    auth.algorithms = cfg.algorithms.clone();
    auth.check().map_err(|e| format!("auth.algorithms: {e}"))?;
    Ok(Some(auth))
}

/// The credentials in file `path`.
pub fn read(path: &str) -> Result<Credentials, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("auth.credentials: {path}: {e}"))?;
    Credentials::parse(&text).map_err(|e| format!("auth.credentials: {path}: {e}"))
}

/// The credentials `a` (at `key`, `routes[i].auth` or
/// `registrations[i].auth`) gives: a password read from its file (first
/// line), or HA1 hashes with their realm.
pub fn client(a: &RouteAuth, key: &str) -> Result<ClientCredentials, String> {
    let refused = match a.refused {
        None => StatusCode::FORBIDDEN,
        Some(403) if key.starts_with("routes") => StatusCode::FORBIDDEN,
        Some(503) if key.starts_with("routes") => StatusCode::SERVICE_UNAVAILABLE,
        Some(_) if !key.starts_with("routes") => {
            return Err(format!("{key}.refused: only routes have callers to tell"));
        }
        Some(n) => return Err(format!("{key}.refused: {n}: must be 403 or 503")),
    };
    secret(a, key).map(|c| c.refused_with(refused))
}

fn secret(a: &RouteAuth, key: &str) -> Result<ClientCredentials, String> {
    match (&a.password_file, &a.ha1_md5, &a.ha1_sha256) {
        (Some(path), None, None) => {
            let text = std::fs::read_to_string(path).map_err(|e| format!("{key}.password_file: {path}: {e}"))?;
            let password = text.lines().next().unwrap_or("").trim_end();
            if password.is_empty() {
                return Err(format!("{key}.password_file: {path}: empty"));
            }
            Ok(ClientCredentials::password(&a.user, password, a.realm.as_deref()))
        }
        (None, md5, sha256) if md5.is_some() || sha256.is_some() => {
            let realm = a
                .realm
                .as_deref()
                .ok_or_else(|| format!("{key}.realm: needed with HA1 hashes"))?;
            for (h, len, k) in [(md5, 32, "ha1_md5"), (sha256, 64, "ha1_sha256")] {
                if h.as_ref()
                    .is_some_and(|h| h.len() != len || !h.bytes().all(|b| b.is_ascii_hexdigit()))
                {
                    return Err(format!("{key}.{k}: not {len} hex digits"));
                }
            }
            let lower = |h: &Option<String>| h.as_ref().map(|h| h.to_ascii_lowercase());
            Ok(ClientCredentials::ha1(&a.user, realm, lower(md5), lower(sha256)))
        }
        _ => Err(format!("{key}: give password_file, or ha1_md5 and/or ha1_sha256")),
    }
}

/// SIGHUP: rereads the credentials file; a file that cannot be read or
/// parsed leaves the previous credentials in force. Calls go on.
pub fn reload(cfg: &AuthCfg, gw: &rvoip::api::SipGateway) {
    if cfg.credentials.is_empty() {
        return eprintln!("rvoip-gw: SIGHUP: no auth.credentials to reread");
    }
    match read(&cfg.credentials).and_then(|c| {
        let users = c.len();
        gw.set_credentials(c).map(|()| users).map_err(|e| e.to_string())
    }) {
        Ok(users) => eprintln!("rvoip-gw: SIGHUP: credentials reread ({users} users)"),
        Err(e) => eprintln!("rvoip-gw: SIGHUP: {e}; the previous credentials stay in force"),
    }
}

/// `rvoip-gw ha1 USER REALM`: the credentials file entry for the password
/// on standard input's first line.
pub fn print_entry(user: &str, realm: &str) -> Result<(), String> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .map_err(|e| format!("stdin: {e}"))?;
    let password = line.trim_end_matches(['\r', '\n']);
    if password.is_empty() {
        return Err("give the password on standard input".into());
    }
    let (md5, sha256) = rvoip::api::ha1(user, realm, password);
    println!("[[users]]\nuser = {user:?}\nrealm = {realm:?}\nha1_md5 = \"{md5}\"\nha1_sha256 = \"{sha256}\"");
    Ok(())
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthCfg {
    pub credentials: String,
    pub realm: String,
    pub proxy: bool,
    pub nonce_secs: u64,
    pub algorithms: Vec<String>,
}

/// `routes[].auth`: how we prove ourselves to a trunk. A password is read
/// from a file (the configuration holds no secret), or the HA1 hashes are
/// given (with the realm they were made for).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RouteAuth {
    pub user: String,
    pub realm: Option<String>,
    pub password_file: Option<String>,
    pub ha1_md5: Option<String>,
    pub ha1_sha256: Option<String>,
    /// Routes only: what the caller hears when the trunk refuses these
    /// credentials, 403 (the default) or 503.
    pub refused: Option<u16>,
}
