//! How the UA core finds a dialog: Call-ID and our tag (RFC 3261 §12).
//! Our tag alone tells our dialogs apart; the remote tag (which forks of
//! one INVITE differ in) is kept on the dialog.
//!
//! The index keeps a 128-bit keyed fingerprint of the two strings, not
//! the strings: a held call's dialog has them in its own text already,
//! and a copy per index entry was a heap block per leg. SipHash-1-3 under
//! a random key of the index's own, so a peer cannot choose two dialogs
//! that collide (the chance that two do by accident among a million is
//! about 2^-89); rustc treats its 128-bit fingerprints as identity on
//! the same grounds (docs/design-notes.md, "A dialog's key").

use siphasher::sip128::{Hasher128, SipHasher13};
use std::hash::Hasher;

/// The fingerprint of a dialog's Call-ID and our tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DialogKey([u64; 2]);

/// Makes [`DialogKey`]s under one random key.
#[derive(Debug, Clone)]
pub struct DialogKeyer {
    k0: u64,
    k1: u64,
}

impl DialogKeyer {
    /// A keyer with a fresh random key.
    pub fn new() -> Self {
        DialogKeyer {
            k0: rand::random(),
            k1: rand::random(),
        }
    }

    /// The key of the dialog with `call_id` and our tag `local_tag`.
    pub fn key(&self, call_id: &str, local_tag: &str) -> DialogKey {
        let mut h = SipHasher13::new_with_keys(self.k0, self.k1);
        // The length first, so that ("ab", "c") and ("a", "bc") differ.
        h.write_u64(call_id.len() as u64);
        h.write(call_id.as_bytes());
        h.write(local_tag.as_bytes());
        let out = h.finish128();
        DialogKey([out.h1, out.h2])
    }
}

impl Default for DialogKeyer {
    fn default() -> Self {
        Self::new()
    }
}

impl super::Dialog {
    /// The Call-ID and our tag the UA core finds this dialog by.
    pub fn key_parts(&self) -> (&str, &str) {
        (self.call_id(), self.local_tag())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_depends_on_both_parts_and_where_they_split() {
        let k = DialogKeyer::new();
        assert_eq!(k.key("c1@host", "tagA"), k.key("c1@host", "tagA"));
        assert_ne!(k.key("c1@host", "tagA"), k.key("c1@host", "tagB"));
        assert_ne!(k.key("c1@host", "tagA"), k.key("c2@host", "tagA"));
        assert_ne!(k.key("c1@host", "tagA"), k.key("c1@hostt", "agA"));
    }

    #[test]
    fn another_keyer_gives_other_keys() {
        let (a, b) = (DialogKeyer::new(), DialogKeyer::new());
        assert_ne!(a.key("c1@host", "tagA"), b.key("c1@host", "tagA"));
    }
}
