//! The UAS side of digest authentication: what a request's credentials
//! are worth, and the challenge to send when they are absent or wrong
//! (one header per algorithm offered, in order — SHA-256 first, MD5
//! second by default, RFC 8760 §2.4 — with `qop="auth"`). A
//! wrong password, an unknown user and a replayed nonce count get the same
//! answer, after the same work, so nobody learns which users exist.

use super::counts::NonceCounts;
use super::{Algorithm, AuthConfig, Challenged, Credentials, DigestParams, NonceAge, Nonces, response};

use crate::status::StatusCode;
use std::sync::Arc;
use std::time::Instant;
use subtle::ConstantTimeEq;

/// What a request's credentials are worth.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Authenticated as this user.
    Authorized(String),
    /// To be challenged: no credentials for our realm (`failed: false`),
    /// or credentials that did not prove themselves (`failed: true`: wrong
    /// password, unknown user, replayed or foreign nonce), or right ones
    /// with an old nonce (`stale: true`).
    Challenge {
        /// Only the nonce was old.
        stale: bool,
        /// Credentials were given and failed.
        failed: bool,
    },
    /// The credentials header cannot be read: a 400 naming why.
    Malformed(&'static str),
}

/// Checks credentials and writes challenges.
#[derive(Debug)]
pub struct Authenticator {
    realm: String,
    proxy: bool,
    credentials: Arc<Credentials>,
    nonces: Nonces,
    algorithms: Vec<Algorithm>,
    opaque: String,
    /// When the endpoint started: nonces carry their age from it.
    epoch: Instant,
    /// The nonce counts seen, by nonce serial number.
    counts: NonceCounts,
}

/// Nonces whose counts are kept at most (4 bytes each): a flood of
/// challenges beyond it answers the oldest nonces with a fresh challenge.
const MAX_NONCES: usize = 1 << 22;

const FAILED: Verdict = Verdict::Challenge {
    stale: false,
    failed: true,
};

impl Authenticator {
    /// An authenticator started at `now`.
    pub fn new(cfg: &AuthConfig, now: Instant) -> Self {
        Authenticator {
            realm: cfg.realm.clone(),
            proxy: cfg.proxy,
            credentials: cfg.credentials.clone(),
            nonces: Nonces::new(&cfg.secret, cfg.nonce_lifetime),
            algorithms: cfg.algorithms.clone(),
            opaque: Algorithm::Sha256.hex(&cfg.secret)[..16].to_owned(),
            epoch: now,
            counts: NonceCounts::new(cfg.nonce_lifetime.as_secs(), MAX_NONCES),
        }
    }

    /// Replaces who may authenticate (a reloaded file); calls go on.
    pub fn set_credentials(&mut self, credentials: Arc<Credentials>) {
        self.credentials = credentials;
    }

    /// The status a challenge goes out with: 401, or 407 as a proxy.
    pub fn status(&self) -> StatusCode {
        if self.proxy {
            StatusCode::PROXY_AUTHENTICATION_REQUIRED
        } else {
            StatusCode::UNAUTHORIZED
        }
    }

    /// The challenge headers (name, value), one per algorithm offered.
    pub fn challenges(&mut self, now: Instant, stale: bool) -> impl Iterator<Item = (&'static str, String)> + '_ {
        let name = if self.proxy {
            "Proxy-Authenticate"
        } else {
            "WWW-Authenticate"
        };
        let elapsed = now.saturating_duration_since(self.epoch);
        let serial = self.counts.issue(elapsed.as_secs());
        let nonce = self.nonces.issue(elapsed, serial);
        let stale = if stale { ", stale=true" } else { "" };
        let this: &Self = self;
        this.algorithms.iter().map(move |alg| {
            let value = format!(
                "Digest realm=\"{}\", nonce=\"{nonce}\", opaque=\"{}\", algorithm={}, qop=\"auth\"{stale}",
                this.realm,
                this.opaque,
                alg.name()
            );
            (name, value)
        })
    }

    /// What the credentials in `headers` of a `method` request are worth.
    pub fn check(&mut self, now: Instant, method: &str, headers: &crate::sip::Message) -> Verdict {
        let name = if self.proxy {
            "Proxy-Authorization"
        } else {
            "Authorization"
        };
        let mut found = None;
        for value in headers.headers(name) {
            match DigestParams::parse(value) {
                Ok(p) if p.realm == self.realm => found = Some(p),
                Ok(_) => {}
                Err(why) => return Verdict::Malformed(why),
            }
        }
        let Some(p) = found else {
            return Verdict::Challenge {
                stale: false,
                failed: false,
            };
        };
        let Some(alg) = Algorithm::from_name(p.algorithm.as_deref()) else {
            return Verdict::Malformed("unsupported algorithm");
        };
        if !self.algorithms.contains(&alg) {
            return FAILED; // not one we offered
        }
        if p.qop.as_deref().is_some_and(|q| !q.eq_ignore_ascii_case("auth")) {
            return FAILED; // we offered qop="auth" only
        }
        let elapsed = now.saturating_duration_since(self.epoch);
        let (age, serial) = self.nonces.check(&p.nonce, elapsed);
        let nc = match p.nc.as_deref().map(|n| u32::from_str_radix(n, 16)) {
            Some(Ok(n)) => n,
            Some(Err(_)) => return Verdict::Malformed("nc is not hex"),
            None => 1,
        };
        // The same work whether or not the user exists.
        let ha1 = self.credentials.get(&p.username, &p.realm).and_then(|h| h.get(alg));
        let dummy = "0".repeat(if alg == Algorithm::Md5 { 32 } else { 64 });
        let qop = p
            .qop
            .as_deref()
            .map(|q| (p.nc.as_deref().unwrap_or(""), p.cnonce.as_deref().unwrap_or(""), q));
        let c = Challenged {
            method,
            uri: &p.uri,
            nonce: &p.nonce,
            qop,
        };
        let expected = response(alg, ha1.unwrap_or(&dummy), &c);
        let matches = bool::from(expected.as_bytes().ct_eq(p.response.to_ascii_lowercase().as_bytes()));
        let opaque_ok = p.opaque.as_deref().is_none_or(|o| o == self.opaque);
        if ha1.is_none() || !matches || !opaque_ok || age == NonceAge::Foreign {
            return FAILED;
        }
        if age == NonceAge::Stale {
            return Verdict::Challenge {
                stale: true,
                failed: false,
            };
        }
        if !self.counts.accept(serial, nc) {
            return FAILED; // a replayed (or long forgotten) Authorization
        }
        Verdict::Authorized(p.username)
    }
}
