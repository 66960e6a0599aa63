//! The bindings as every shard (and the gateway's `registered` routes)
//! share them: one table behind a lock, taken only for a REGISTER or a
//! lookup of a user's Contacts — signalling, never media.

use super::{Binding, Bindings, Refused, RegisterUpdate, RegistrarConfig};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// A shared handle on the registrar's bindings.
#[derive(Debug, Clone, Default)]
pub struct Locations(Arc<Mutex<Bindings>>);

impl Locations {
    fn with<T>(&self, f: impl FnOnce(&mut Bindings) -> T) -> T {
        // A panic while holding the lock leaves the table as it was
        // between whole updates: go on with it.
        let mut guard = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        f(&mut guard)
    }

    /// The live bindings of user `aor` at `now`.
    pub fn lookup(&self, now: Instant, aor: &str) -> Vec<Binding> {
        self.with(|b| b.lookup(now, aor))
    }

    /// Applies a REGISTER (see [`Bindings::apply`]).
    pub fn apply(&self, now: Instant, cfg: &RegistrarConfig, up: &RegisterUpdate) -> Result<Vec<Binding>, Refused> {
        self.with(|b| b.apply(now, cfg, up))
    }

    /// Drops lapsed bindings; how many are left.
    pub fn purge(&self, now: Instant) -> usize {
        self.with(|b| {
            b.purge(now);
            b.count()
        })
    }
}
