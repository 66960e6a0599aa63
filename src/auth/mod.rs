//! Digest authentication (RFC 3261 §22, RFC 7616, RFC 8760), sans-IO:
//! challenges with stateless nonces (issue time + HMAC under a
//! per-process secret), responses checked in constant time against HA1
//! hashes (never passwords), each nonce count accepted once.

mod authenticator;
mod client;
mod config;
mod counts;
mod credentials;
mod digest;
mod nonce;
mod params;

pub use authenticator::{Authenticator, Verdict};
pub use client::{Answered, ClientCredentials, says_stale};
pub use config::AuthConfig;
pub use credentials::Credentials;
pub use digest::{Algorithm, Challenged, response};
pub use nonce::{NonceAge, Nonces};
pub use params::DigestParams;

#[cfg(test)]
mod tests;
