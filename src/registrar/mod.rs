//! A small registrar (RFC 3261 §10.3) for access customers: the bindings
//! of each user's address-of-record to the Contacts it registered, with
//! their expiry, shared by every signalling shard (a REGISTER lands on the
//! shard its Call-ID hashes to, an INVITE for the user on another). One
//! domain: an AOR is keyed by its user part. Sans-IO: time comes in as
//! `now`; nothing here sends.

mod bindings;
mod locations;
mod update;

pub use bindings::{Binding, Bindings};
pub use locations::Locations;
pub use update::{ContactUpdate, Refused, RegisterUpdate};

/// The registrar's limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegistrarConfig {
    /// Shorter expiries (not 0) get 423 Interval Too Brief with this
    /// Min-Expires.
    pub min_expires: u32,
    /// Longer expiries are cut to this.
    pub max_expires: u32,
    /// The expiry of a Contact that names none (no parameter, no Expires).
    pub default_expires: u32,
    /// Most Contacts one AOR may bind (more get 403).
    pub max_contacts: usize,
    /// Most bindings in all (more get 503).
    pub max_bindings: usize,
}

impl Default for RegistrarConfig {
    fn default() -> Self {
        RegistrarConfig {
            min_expires: 60,
            max_expires: 3600,
            default_expires: 3600,
            max_contacts: 10,
            max_bindings: 100_000,
        }
    }
}

/// A registrar: its limits and the bindings it shares.
#[derive(Debug, Clone, Default)]
pub struct Registrar {
    /// Limits.
    pub cfg: RegistrarConfig,
    /// The bindings (one table for every shard).
    pub locations: Locations,
}

#[cfg(test)]
mod tests;
