//! The table itself: for each AOR, its Contacts with their expiry and the
//! Call-ID and CSeq that last set them (§10.3 step 7 orders updates by
//! them). Expired bindings are never returned and are purged as they are
//! met.

use super::{ContactUpdate, Refused, RegisterUpdate, RegistrarConfig};
use crate::ids::Peer;
use std::collections::HashMap;
use std::time::{Duration, Instant};

/// One Contact bound to an AOR.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// The Contact URI (where calls for the AOR go).
    pub contact: String,
    /// When it lapses.
    pub expires_at: Instant,
    /// The Call-ID of the REGISTER that set it.
    pub call_id: String,
    /// That REGISTER's CSeq.
    pub cseq: u32,
    /// Where that REGISTER came from.
    pub source: Peer,
}

impl Binding {
    /// Seconds left at `now` (0 once lapsed).
    pub fn remaining(&self, now: Instant) -> u64 {
        self.expires_at.saturating_duration_since(now).as_secs()
    }
}

/// Every AOR's bindings.
#[derive(Debug, Default)]
pub struct Bindings {
    /// Keys are chosen by clients: the default (random-keyed) hasher.
    by_aor: HashMap<String, Vec<Binding>>,
    total: usize,
}

impl Bindings {
    /// The live bindings of `aor` at `now`.
    pub fn lookup(&mut self, now: Instant, aor: &str) -> Vec<Binding> {
        self.purge_aor(now, aor);
        self.by_aor.get(aor).cloned().unwrap_or_default()
    }

    /// Applies a REGISTER's changes (all or none); the AOR's bindings
    /// after it, or why it is refused.
    pub fn apply(&mut self, now: Instant, cfg: &RegistrarConfig, up: &RegisterUpdate) -> Result<Vec<Binding>, Refused> {
        self.purge_aor(now, &up.aor);
        let mut list = self.by_aor.get(&up.aor).cloned().unwrap_or_default();
        match &up.contacts {
            None => list.retain(|b| b.call_id == up.call_id && b.cseq >= up.cseq),
            Some(contacts) => {
                for c in contacts {
                    Self::apply_one(&mut list, now, up, c)?;
                }
            }
        }
        if list.len() > cfg.max_contacts {
            return Err(Refused::TooManyContacts);
        }
        let before = self.by_aor.get(&up.aor).map_or(0, Vec::len);
        if self.total - before + list.len() > cfg.max_bindings && list.len() > before {
            return Err(Refused::Full);
        }
        self.total = self.total - before + list.len();
        if list.is_empty() {
            self.by_aor.remove(&up.aor);
        } else {
            self.by_aor.insert(up.aor.clone(), list.clone());
        }
        Ok(list)
    }

    fn apply_one(list: &mut Vec<Binding>, now: Instant, up: &RegisterUpdate, c: &ContactUpdate) -> Result<(), Refused> {
        let existing = list.iter().position(|b| b.contact.eq_ignore_ascii_case(&c.contact));
        if let Some(i) = existing {
            if list[i].call_id == up.call_id && list[i].cseq >= up.cseq {
                return Err(Refused::OutOfOrder);
            }
            list.remove(i);
        }
        if c.expires > 0 {
            list.push(Binding {
                contact: c.contact.clone(),
                expires_at: now + Duration::from_secs(u64::from(c.expires)),
                call_id: up.call_id.clone(),
                cseq: up.cseq,
                source: up.source,
            });
        }
        Ok(())
    }

    fn purge_aor(&mut self, now: Instant, aor: &str) {
        let Some(list) = self.by_aor.get_mut(aor) else { return };
        let before = list.len();
        list.retain(|b| b.expires_at > now);
        self.total -= before - list.len();
        if list.is_empty() {
            self.by_aor.remove(aor);
        }
    }

    /// Drops every lapsed binding.
    pub fn purge(&mut self, now: Instant) {
        let before: usize = self.by_aor.values().map(Vec::len).sum();
        self.by_aor.retain(|_, list| {
            list.retain(|b| b.expires_at > now);
            !list.is_empty()
        });
        let after: usize = self.by_aor.values().map(Vec::len).sum();
        self.total -= before - after;
    }

    /// Live and lapsed-but-not-purged bindings.
    pub fn count(&self) -> usize {
        self.total
    }
}
